// pb.c - unit tests of lib/shim/pb.c and lib/shim/taskpb.c, plus the protoc vector driver
//
// Without arguments: the unit tests. With arguments it is the small tool
// tests/proto.test drives against Debian's protoc:
//   pb --decode TYPE     stdin → our decoder → protoc-like text on stdout
//   pb --reencode TYPE   stdin → our decoder → our encoder → stdout
//   pb --sample NAME     a struct built in C here → our encoder → stdout
//   pb --unpack TYPE     stdin → our decoder → value of the first Any → stdout
// The text form follows protoc's: fields in number order, `name: value`,
// nested messages in braces, two-space indent, strings C-escaped with octal
// for non-printable bytes. Enums print as numbers (protoc prints names).

#include "unit.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include "pb.h"
#include "taskpb.h"
#include "ttrpc.h"

// Decode a's value as d, after checking that type_url names d (any prefix up
// to the last '/' is accepted); -EPROTOTYPE on another type. Only tests
// read an Any back: the shim only packs them (rp_pb_any_pack).
static int rp_pb_any_unpack(const struct rp_pb_any *a, const struct rp_pb_msg *d, void *msg,
                     struct rp_err *e)
{
  struct rp_pb_str t = a->type_url;
  const char *slash = t.len ? memrchr(t.p, '/', t.len) : NULL;
  if (slash) {
    t.len -= (size_t)(slash + 1 - t.p);
    t.p = slash + 1;
  }
  if (!rp_pb_str_eq(t, d->name))
    return rp_errf(e, EPROTOTYPE, "Any holds \"%.*s\", expected %s", (int)a->type_url.len,
                   a->type_url.p ? a->type_url.p : "", d->name);
  return rp_pb_decode(d, a->value.p, a->value.len, msg, e);
}

static const struct rp_pb_msg *const all_msgs[] = {
  &rp_pb_any_msg, &rp_pb_timestamp_msg, &rp_pb_empty_msg, &rp_pb_status_msg,
  &rp_ttrpc_request_msg, &rp_ttrpc_response_msg, &rp_pb_mount_msg,
  &rp_pb_create_task_request_msg, &rp_pb_create_task_response_msg, &rp_pb_start_request_msg,
  &rp_pb_start_response_msg, &rp_pb_delete_request_msg, &rp_pb_delete_response_msg,
  &rp_pb_state_request_msg, &rp_pb_state_response_msg, &rp_pb_kill_request_msg,
  &rp_pb_close_io_request_msg, &rp_pb_pids_request_msg, &rp_pb_pids_response_msg,
  &rp_pb_process_info_msg, &rp_pb_checkpoint_task_request_msg, &rp_pb_update_task_request_msg,
  &rp_pb_wait_request_msg, &rp_pb_wait_response_msg, &rp_pb_stats_request_msg,
  &rp_pb_stats_response_msg, &rp_pb_connect_request_msg, &rp_pb_connect_response_msg,
  &rp_pb_shutdown_request_msg, &rp_pb_pause_request_msg, &rp_pb_resume_request_msg,
  &rp_pb_exec_process_request_msg, &rp_pb_resize_pty_request_msg, &rp_pb_task_io_msg,
  &rp_pb_task_create_msg, &rp_pb_task_start_msg, &rp_pb_task_exit_msg, &rp_pb_task_delete_msg,
  &rp_pb_envelope_msg, &rp_pb_forward_request_msg, &rp_pb_extension_msg,
  &rp_pb_bootstrap_params_msg, &rp_pb_bootstrap_result_msg, &rp_pb_runtime_version_msg,
  &rp_pb_runtime_info_msg, &rp_pb_runtime_options_msg,
};

static const struct rp_pb_msg *find_msg(const char *name)
{
  for (size_t i = 0; i < sizeof(all_msgs) / sizeof(all_msgs[0]); i++)
    if (!strcmp(all_msgs[i]->name, name)) return all_msgs[i];
  return NULL;
}

// ---- text dump ----------------------------------------------------------

static size_t elem_size(const struct rp_pb_field *fd)
{
  switch (fd->kind) {
  case RP_PB_MESSAGE: return fd->sub->size;
  case RP_PB_STRING:
  case RP_PB_BYTES: return sizeof(struct rp_pb_str);
  case RP_PB_BOOL: return sizeof(bool);
  case RP_PB_INT64:
  case RP_PB_UINT64:
  case RP_PB_FIXED64: return 8;
  default: return 4;
  }
}

static void put_escaped(struct rp_pb_str s)
{
  putchar('"');
  for (size_t i = 0; i < s.len; i++) {
    unsigned char ch = (unsigned char)s.p[i];
    const char *esc = strchr("\n\r\t\"'\\", ch);
    if (ch && esc)
      printf("\\%c", "nrt\"'\\"[esc - "\n\r\t\"'\\"]);
    else if (ch < 0x20 || ch >= 0x7f)
      printf("\\%03o", ch);
    else
      putchar(ch);
  }
  putchar('"');
}

static void dump_msg(const struct rp_pb_msg *d, const char *base, int depth);

static void dump_one(const struct rp_pb_field *fd, const char *p, int depth)
{
  printf("%*s%s", 2 * depth, "", fd->name);
  switch (fd->kind) {
  case RP_PB_MESSAGE:
    printf(" {\n");
    dump_msg(fd->sub, p, depth + 1);
    printf("%*s}\n", 2 * depth, "");
    return;
  case RP_PB_STRING:
  case RP_PB_BYTES: printf(": "); put_escaped(*(const struct rp_pb_str *)p); break;
  case RP_PB_BOOL: printf(": %s", *(const bool *)p ? "true" : "false"); break;
  case RP_PB_INT32:
  case RP_PB_ENUM: printf(": %" PRId32, *(const int32_t *)p); break;
  case RP_PB_INT64: printf(": %" PRId64, *(const int64_t *)p); break;
  case RP_PB_UINT64:
  case RP_PB_FIXED64: printf(": %" PRIu64, *(const uint64_t *)p); break;
  default: printf(": %" PRIu32, *(const uint32_t *)p); break;
  }
  putchar('\n');
}

// proto3 prints only fields that differ from their zero value; for nested
// messages "non-zero" means "encodes to something".
static bool is_zero(const struct rp_pb_field *fd, const char *p)
{
  static uint8_t scratch[1 << 16];
  static const char zeros[16];
  if (fd->kind == RP_PB_MESSAGE) return rp_pb_encode(fd->sub, p, scratch, sizeof(scratch)) == 0;
  if (fd->kind == RP_PB_STRING || fd->kind == RP_PB_BYTES)
    return ((const struct rp_pb_str *)p)->len == 0;
  return !memcmp(p, zeros, elem_size(fd));
}

static void dump_msg(const struct rp_pb_msg *d, const char *base, int depth)
{
  for (unsigned i = 0; i < d->nfields; i++) {
    const struct rp_pb_field *fd = &d->fields[i];
    const char *p = base + fd->off;
    uint32_t n = fd->cap ? *(const uint32_t *)(base + fd->noff) : !is_zero(fd, p);
    for (uint32_t k = 0; k < n; k++) dump_one(fd, p + k * elem_size(fd), depth);
  }
}

// ---- driver -------------------------------------------------------------

static uint8_t in_buf[1 << 20], out_buf[1 << 20];
static char msg_buf[1 << 16] __attribute__((aligned(16)));

static size_t read_stdin(void)
{
  size_t n = 0;
  ssize_t r;
  while (n < sizeof(in_buf) && (r = read(0, in_buf + n, sizeof(in_buf) - n)) > 0) n += (size_t)r;
  return n;
}

static int write_out(const void *p, int n)
{
  if (n < 0) {
    fprintf(stderr, "pb: encode failed: %d\n", n);
    return 1;
  }
  fwrite(p, 1, (size_t)n, stdout);
  return 0;
}

static uint8_t any_buf[4][4096];

// Structs built in C exactly as the shim would, for protoc --decode.
// Returns the descriptor and sets *m, or NULL for an unknown name.
static const struct rp_pb_msg *build_sample(const char *name, const void **m)
{
  static struct rp_pb_create_task_request cr;
  static struct rp_pb_state_response st;
  static struct rp_pb_wait_response wr;
  static struct rp_pb_task_exit tx;
  static struct rp_pb_forward_request fw;
  static struct rp_pb_bootstrap_params bp;
  static struct rp_pb_bootstrap_result br;
  static struct rp_ttrpc_request rq;
  static struct rp_ttrpc_response rs;
  static struct rp_pb_runtime_info ri;
  static struct rp_pb_runtime_options ro;
  static struct rp_pb_pids_response pr;
  const struct rp_pb_msg *d = NULL;
  if (!strcmp(name, "create")) {
    cr.id = RP_PB_S("ctr1");
    cr.bundle = RP_PB_S("/run/b/ctr1");
    cr.rootfs.n = 2;
    cr.rootfs.v[0].type = RP_PB_S("overlay");
    cr.rootfs.v[0].source = RP_PB_S("overlay");
    cr.rootfs.v[0].options.n = 2;
    cr.rootfs.v[0].options.v[0] = RP_PB_S("lowerdir=/l");
    cr.rootfs.v[0].options.v[1] = RP_PB_S("upperdir=/u");
    cr.rootfs.v[1].type = RP_PB_S("bind");
    cr.rootfs.v[1].source = RP_PB_S("/src");
    cr.rootfs.v[1].target = RP_PB_S("data");
    cr.rootfs.v[1].options.n = 1;
    cr.rootfs.v[1].options.v[0] = RP_PB_S("rbind");
    cr.terminal = true;
    cr.stdout_ = RP_PB_S("/fifo/out");
    ro.config_path = RP_PB_S("/etc/rp.toml");
    rp_pb_any_pack(&cr.options, &rp_pb_runtime_options_msg, &ro, any_buf[0], sizeof(any_buf[0]));
    d = &rp_pb_create_task_request_msg, *m = &cr;
  } else if (!strcmp(name, "state")) {
    st.id = RP_PB_S("ctr1");
    st.bundle = RP_PB_S("/run/b/ctr1");
    st.pid = 4242;
    st.status = RP_PB_TASK_STOPPED;
    st.stderr_ = RP_PB_S("/fifo/err");
    st.exit_status = 137;
    st.exited_at = (struct rp_pb_timestamp){ 1700000000, 5 };
    d = &rp_pb_state_response_msg, *m = &st;
  } else if (!strcmp(name, "wait")) {
    wr.exit_status = 3;
    wr.exited_at = (struct rp_pb_timestamp){ 1700000001, 999999999 };
    d = &rp_pb_wait_response_msg, *m = &wr;
  } else if (!strcmp(name, "forward")) {
    tx.container_id = tx.id = RP_PB_S("ctr1");
    tx.pid = 4242;
    tx.exit_status = 10;
    tx.exited_at.seconds = 1700000002;
    fw.envelope.timestamp = (struct rp_pb_timestamp){ 1700000003, 42 };
    fw.envelope.namespace = RP_PB_S("default");
    fw.envelope.topic = RP_PB_S("/tasks/exit");
    rp_pb_any_pack(&fw.envelope.event, &rp_pb_task_exit_msg, &tx, any_buf[1], sizeof(any_buf[1]));
    d = &rp_pb_forward_request_msg, *m = &fw;
  } else if (!strcmp(name, "bootstrap-params")) {
    bp.instance_id = RP_PB_S("ctr1");
    bp.namespace = RP_PB_S("k8s.io");
    bp.log_level = RP_PB_LOG_DEBUG;
    bp.containerd_ttrpc_address = RP_PB_S("/run/containerd/containerd.sock.ttrpc");
    bp.extensions.n = 1;
    ro.type_url = RP_PB_S("x");
    rp_pb_any_pack(&bp.extensions.v[0].value, &rp_pb_runtime_options_msg, &ro, any_buf[2],
                   sizeof(any_buf[2]));
    bp.socket_dir = RP_PB_S("/run/containerd/s");
    d = &rp_pb_bootstrap_params_msg, *m = &bp;
  } else if (!strcmp(name, "bootstrap-result")) {
    br.version = 2;
    br.address = RP_PB_S("unix:///run/containerd/s/0ef8");
    br.protocol = RP_PB_S("ttrpc");
    br.capabilities.n = 2;   // values 0 and 7 (0 must still be sent: repeated)
    br.capabilities.v[1] = 7;
    br.metadata.n = 2;
    br.metadata.v[0] = (struct rp_pb_kv){ RP_PB_S("a"), RP_PB_S("1") };
    br.metadata.v[1] = (struct rp_pb_kv){ RP_PB_S("b"), RP_PB_S("") };
    d = &rp_pb_bootstrap_result_msg, *m = &br;
  } else if (!strcmp(name, "request")) {
    static struct rp_pb_id_request cq = { RP_PB_S("foo"), { NULL, 0 } };
    int n = rp_pb_encode(&rp_pb_connect_request_msg, &cq, any_buf[3], sizeof(any_buf[3]));
    rq.service = RP_PB_S("containerd.task.v2.Task");
    rq.method = RP_PB_S("Connect");
    rq.payload = (struct rp_pb_str){ (const char *)any_buf[3], (size_t)n };
    rq.timeout_nano = 5000000000;
    rq.metadata.n = 1;
    rq.metadata.v[0] = (struct rp_pb_kv){ RP_PB_S(RP_TTRPC_NS_KEY), RP_PB_S("default") };
    d = &rp_ttrpc_request_msg, *m = &rq;
  } else if (!strcmp(name, "response")) {
    rs.status.code = RP_TTRPC_NOT_FOUND;
    rs.status.message = RP_PB_S("task ctr1 not found");
    d = &rp_ttrpc_response_msg, *m = &rs;
  } else if (!strcmp(name, "runtime-info")) {
    ri.name = RP_PB_S("io.containerd.remoteproc.v1");
    ri.version.version = RP_PB_S("0.1.0");
    ri.features.type_url =
        RP_PB_S("types.containerd.io/opencontainers/runtime-spec/1/features/Features");
    ri.features.value = RP_PB_S("{\"ociVersionMin\":\"1.0.0\"}");
    ri.annotations.n = 1;
    ri.annotations.v[0] = (struct rp_pb_kv){ RP_PB_S("containerd.io/runtime-allow-mounts"),
                                             RP_PB_S("bind") };
    d = &rp_pb_runtime_info_msg, *m = &ri;
  } else if (!strcmp(name, "pids")) {
    pr.processes.n = 2;
    pr.processes.v[0].pid = 4242;
    pr.processes.v[1].pid = 0;   // an all-zero repeated element is still sent
    d = &rp_pb_pids_response_msg, *m = &pr;
  }
  return d;
}

static int sample(const char *name)
{
  const void *m;
  const struct rp_pb_msg *d = build_sample(name, &m);
  if (!d) return fprintf(stderr, "pb: unknown sample %s\n", name), 2;
  return write_out(out_buf, rp_pb_encode(d, m, out_buf, sizeof(out_buf)));
}

// First Any with a type_url, depth first.
static const struct rp_pb_any *find_any(const struct rp_pb_msg *d, const char *base)
{
  for (unsigned i = 0; i < d->nfields; i++) {
    const struct rp_pb_field *fd = &d->fields[i];
    uint32_t n = fd->cap ? *(const uint32_t *)(base + fd->noff) : 1;
    for (uint32_t k = 0; fd->kind == RP_PB_MESSAGE && k < n; k++) {
      const char *p = base + fd->off + k * elem_size(fd);
      const struct rp_pb_any *a = (const struct rp_pb_any *)p;
      if (fd->sub != &rp_pb_any_msg) a = find_any(fd->sub, p);
      if (a && a->type_url.len) return a;
    }
  }
  return NULL;
}

// Print the first Any's value after checking it decodes as its type_url.
static int unpack(const struct rp_pb_msg *d)
{
  static char inner[1 << 16] __attribute__((aligned(16)));
  struct rp_err e;
  const struct rp_pb_any *a = find_any(d, msg_buf);
  char type[256];
  if (!a || rp_pb_str_copy(type, sizeof(type), a->type_url) < 0) return printf("error: no Any\n"), 1;
  const struct rp_pb_msg *t = find_msg(type);
  if (!t) return printf("error: unknown type %s\n", type), 1;
  if (rp_pb_any_unpack(a, t, inner, &e) < 0) return printf("error: %s\n", e.msg), 1;
  return write_out(a->value.p, (int)a->value.len);
}

static int driver(int argc, char **argv)
{
  const struct rp_pb_msg *d;
  struct rp_err e;
  if (argc != 3) return fprintf(stderr, "usage: pb --decode|--reencode|--unpack TYPE | --sample NAME\n"), 2;
  if (!strcmp(argv[1], "--sample")) return sample(argv[2]);
  if (!(d = find_msg(argv[2]))) return fprintf(stderr, "pb: unknown type %s\n", argv[2]), 2;
  size_t n = read_stdin();
  if (rp_pb_decode(d, in_buf, n, msg_buf, &e) < 0) {
    printf("error: %s\n", e.msg);
    return 1;
  }
  if (!strcmp(argv[1], "--decode")) {
    dump_msg(d, msg_buf, 0);
    return 0;
  }
  if (!strcmp(argv[1], "--unpack")) return unpack(d);
  if (!strcmp(argv[1], "--reencode"))
    return write_out(out_buf, rp_pb_encode(d, msg_buf, out_buf, sizeof(out_buf)));
  return fprintf(stderr, "pb: unknown mode %s\n", argv[1]), 2;
}

// ---- unit tests ---------------------------------------------------------

#define unhex unit_unhex

static int test_varint(void)
{
  static const uint64_t vals[] = { 0, 1, 127, 128, 16383, 16384, UINT32_MAX, 1ull << 63, UINT64_MAX };
  static const size_t sizes[] = { 1, 1, 1, 2, 2, 3, 5, 10, 10 };
  uint8_t buf[16];
  for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
    struct rp_pb_writer w;
    struct rp_pb_reader r;
    uint64_t v;
    rp_pb_writer_init(&w, buf, sizeof(buf));
    rp_pb_put_varint(&w, vals[i]);
    check(!w.err && w.len == sizes[i] && rp_pb_varint_size(vals[i]) == sizes[i]);
    rp_pb_reader_init(&r, buf, w.len);
    check(rp_pb_read_varint(&r, &v) == 0 && v == vals[i] && r.p == r.end);
    rp_pb_reader_init(&r, buf, w.len - 1);   // every varint cut short fails
    check(rp_pb_read_varint(&r, &v) == -EBADMSG);
  }
  return 0;
}

static int test_varint_limits(void)
{
  uint8_t buf[16];
  struct rp_pb_reader r;
  uint64_t v;
  size_t n = unhex("ff ff ff ff ff ff ff ff ff 01", buf);   // UINT64_MAX, 10 bytes
  rp_pb_reader_init(&r, buf, n);
  check(rp_pb_read_varint(&r, &v) == 0 && v == UINT64_MAX);
  n = unhex("ff ff ff ff ff ff ff ff ff 02", buf);          // bit 64 set
  rp_pb_reader_init(&r, buf, n);
  check(rp_pb_read_varint(&r, &v) == -EBADMSG && strstr(r.why, "overflow"));
  n = unhex("80 80 80 80 80 80 80 80 80 80 00", buf);       // 11 bytes
  rp_pb_reader_init(&r, buf, n);
  check(rp_pb_read_varint(&r, &v) == -EBADMSG && strstr(r.why, "10 bytes"));
  n = unhex("80 80 80 80 80 80 80 80 80 00", buf);          // padded zero, 10 bytes: legal
  rp_pb_reader_init(&r, buf, n);
  check(rp_pb_read_varint(&r, &v) == 0 && v == 0);
  return 0;
}

static int test_reader_wire_types(void)
{
  uint8_t buf[64];
  struct rp_pb_reader r;
  struct rp_pb_field_val f;
  // 1:varint 150, 2:I64, 3:LEN "ab", 5:I32, then field 536870911 varint 1
  size_t n = unhex("08 96 01  11 01 02 03 04 05 06 07 08  1a 02 61 62  2d 78 56 34 12"
                   "  f8 ff ff ff 0f 01", buf);
  rp_pb_reader_init(&r, buf, n);
  check(rp_pb_read_field(&r, &f) == 1 && f.num == 1 && f.wire == RP_PB_VARINT && f.u == 150);
  check(rp_pb_read_field(&r, &f) == 1 && f.num == 2 && f.u == 0x0807060504030201ull);
  check(rp_pb_read_field(&r, &f) == 1 && f.num == 3 && f.s.len == 2 && !memcmp(f.s.p, "ab", 2));
  check(rp_pb_read_field(&r, &f) == 1 && f.num == 5 && f.wire == RP_PB_I32 && f.u == 0x12345678);
  check(rp_pb_read_field(&r, &f) == 1 && f.num == 536870911 && f.u == 1);
  check(rp_pb_read_field(&r, &f) == 0);
  static const char *const bad[] = {
    "0b",                              // group start
    "0c",                              // group end
    "0e 00", "0f 00",                  // wire types 6, 7
    "00 01",                           // field number 0
    "0a 05 61",                        // LEN past the end
    "0a ff ff ff ff ff ff ff ff 7f",   // huge LEN: no pointer overflow
    "11 01 02",                        // truncated I64
    "15 01",                           // truncated I32
    "08",                              // missing varint
    "80 80 80 80 80 08 00",            // tag beyond 32 bits
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    n = unhex(bad[i], buf);
    rp_pb_reader_init(&r, buf, n);
    check(rp_pb_read_field(&r, &f) == -EBADMSG && r.why);
  }
  return 0;
}

static int test_negative_int32(void)
{
  struct rp_pb_bootstrap_params bp = { .log_level = RP_PB_LOG_DEBUG }, out;
  uint8_t buf[32], want[16];
  int n = rp_pb_encode(&rp_pb_bootstrap_params_msg, &bp, buf, sizeof(buf));
  size_t wn = unhex("18 fc ff ff ff ff ff ff ff ff 01", want);
  check(n == 11 && !memcmp(buf, want, wn));
  check(rp_pb_decode(&rp_pb_bootstrap_params_msg, buf, (size_t)n, &out, NULL) == 0);
  check(out.log_level == -4);
  // A writer that sent only 32 bits (5 bytes) decodes to the same value.
  wn = unhex("18 fc ff ff ff 0f", want);
  check(rp_pb_decode(&rp_pb_bootstrap_params_msg, want, wn, &out, NULL) == 0);
  check(out.log_level == -4);
  return 0;
}

static int test_create_roundtrip(void)
{
  static struct rp_pb_create_task_request in, out;
  static struct rp_pb_runtime_options ro = { .config_path = RP_PB_S("/etc/x.toml") }, ro2;
  uint8_t any[64], buf[512];
  in.id = RP_PB_S("c1");
  in.rootfs.n = 2;
  in.rootfs.v[0].type = RP_PB_S("overlay");
  in.rootfs.v[0].options.n = 2;
  in.rootfs.v[0].options.v[0] = RP_PB_S("a=1");
  in.rootfs.v[0].options.v[1] = RP_PB_S("");   // empty repeated string is still sent
  in.rootfs.v[1].source = RP_PB_S("/x");
  in.stderr_ = RP_PB_S("/e");
  check(rp_pb_any_pack(&in.options, &rp_pb_runtime_options_msg, &ro, any, sizeof(any)) > 0);
  int n = rp_pb_encode(&rp_pb_create_task_request_msg, &in, buf, sizeof(buf));
  check(n > 0);
  check(rp_pb_decode(&rp_pb_create_task_request_msg, buf, (size_t)n, &out, NULL) == 0);
  check(rp_pb_str_eq(out.id, "c1") && out.rootfs.n == 2 && out.rootfs.v[0].options.n == 2);
  check(rp_pb_str_eq(out.rootfs.v[0].options.v[0], "a=1"));
  check(rp_pb_str_eq(out.rootfs.v[0].options.v[1], ""));
  check(rp_pb_str_eq(out.rootfs.v[1].source, "/x") && out.rootfs.v[1].options.n == 0);
  check(rp_pb_str_eq(out.stderr_, "/e") && out.stdout_.len == 0 && !out.terminal);
  // zero copy: strings point into buf
  check(out.id.p >= (const char *)buf && out.id.p < (const char *)buf + n);
  check(rp_pb_str_eq(out.options.type_url, "runtimeoptions.v1.Options"));
  check(rp_pb_any_unpack(&out.options, &rp_pb_runtime_options_msg, &ro2, NULL) == 0);
  check(rp_pb_str_eq(ro2.config_path, "/etc/x.toml"));
  return 0;
}

static int test_repeated_cap(void)
{
  static struct rp_pb_mount m;
  uint8_t buf[256];
  struct rp_err e;
  m.options.n = RP_PB_MOUNT_OPTIONS;
  for (int i = 0; i < RP_PB_MOUNT_OPTIONS; i++) m.options.v[i] = RP_PB_S("o");
  int n = rp_pb_encode(&rp_pb_mount_msg, &m, buf, sizeof(buf));
  check(n == 3 * RP_PB_MOUNT_OPTIONS);
  check(rp_pb_decode(&rp_pb_mount_msg, buf, (size_t)n, &m, &e) == 0);
  check(m.options.n == RP_PB_MOUNT_OPTIONS);
  memcpy(buf + n, "\x22\x01o", 3);   // one more option than the array holds
  check(rp_pb_decode(&rp_pb_mount_msg, buf, (size_t)n + 3, &m, &e) == -EMSGSIZE);
  check_str(e.msg, "containerd.types.Mount: options: more than 16 entries");
  m.options.n = RP_PB_MOUNT_OPTIONS + 1;   // a corrupt count is refused, not read past
  check(rp_pb_encode(&rp_pb_mount_msg, &m, buf, sizeof(buf)) == -EINVAL);
  return 0;
}

static int test_nested_error_path(void)
{
  static struct rp_pb_create_task_request out;
  uint8_t buf[64];
  struct rp_err e;
  // rootfs[0] = Mount whose option 4 claims 5 bytes but has 1
  size_t n = unhex("1a 03 22 05 61", buf);
  check(rp_pb_decode(&rp_pb_create_task_request_msg, buf, n, &out, &e) == -EBADMSG);
  check_str(e.msg, "containerd.task.v2.CreateTaskRequest: rootfs: length runs past the end");
  check(rp_pb_decode(&rp_pb_create_task_request_msg, buf, n, &out, NULL) == -EBADMSG);
  return 0;
}

static int test_packed_unpacked(void)
{
  static struct rp_pb_bootstrap_result r;
  uint8_t buf[64];
  struct rp_err e;
  // capabilities: packed [1, -1], then unpacked 3, then packed [4]
  size_t n = unhex("22 0b 01 ff ff ff ff ff ff ff ff ff 01  20 03  22 01 04", buf);
  check(rp_pb_decode(&rp_pb_bootstrap_result_msg, buf, n, &r, &e) == 0);
  check(r.capabilities.n == 4 && r.capabilities.v[0] == 1 && r.capabilities.v[1] == -1);
  check(r.capabilities.v[2] == 3 && r.capabilities.v[3] == 4);
  n = unhex("22 05 01 02 03 04 05", buf);   // 5 > RP_PB_CAPS_MAX
  check(rp_pb_decode(&rp_pb_bootstrap_result_msg, buf, n, &r, &e) == -EMSGSIZE);
  n = unhex("22 02 01 80", buf);            // packed run ends inside a varint
  check(rp_pb_decode(&rp_pb_bootstrap_result_msg, buf, n, &r, &e) == -EBADMSG);
  r.capabilities.n = 3;                     // encode packs: tag, length, values
  r.capabilities.v[0] = 0, r.capabilities.v[1] = 300, r.capabilities.v[2] = -1;
  r.metadata.n = 0;
  r.address = r.protocol = (struct rp_pb_str){ NULL, 0 };
  r.version = 0;
  int len = rp_pb_encode(&rp_pb_bootstrap_result_msg, &r, buf, sizeof(buf));
  uint8_t want[32];
  size_t wn = unhex("22 0d 00 ac 02 ff ff ff ff ff ff ff ff ff 01", want);
  check(len == (int)wn && !memcmp(buf, want, wn));
  return 0;
}

static int test_last_wins_and_merge(void)
{
  struct rp_pb_wait_response w;
  uint8_t buf[64];
  // exit_status 1 then 2; exited_at {seconds 5} then exited_at {nanos 7}
  size_t n = unhex("08 01  12 02 08 05  08 02  12 02 10 07", buf);
  check(rp_pb_decode(&rp_pb_wait_response_msg, buf, n, &w, NULL) == 0);
  check(w.exit_status == 2 && w.exited_at.seconds == 5 && w.exited_at.nanos == 7);
  return 0;
}

static int test_unknown_and_wrong_wire(void)
{
  struct rp_pb_id_request q;
  uint8_t buf[96];
  // 3:varint, 4:I64, 1:"a", 5:LEN, 6:I32, 2:"b", 99:LEN, id again as varint
  size_t n = unhex("18 ff ff 03  21 00 00 00 00 00 00 00 00  0a 01 61  2a 03 01 02 03"
                   "  35 01 02 03 04  12 01 62  9a 06 00  08 07", buf);
  check(rp_pb_decode(&rp_pb_state_request_msg, buf, n, &q, NULL) == 0);
  check(rp_pb_str_eq(q.id, "a") && rp_pb_str_eq(q.exec_id, "b"));
  // PidsRequest has no field 2: exec_id is skipped as unknown
  check(rp_pb_decode(&rp_pb_pids_request_msg, buf, n, &q, NULL) == 0);
  check(rp_pb_str_eq(q.id, "a") && q.exec_id.len == 0);
  return 0;
}

static int test_e2big_and_long_nested(void)
{
  static struct rp_pb_task_exit tx, out;
  static struct rp_pb_forward_request fw, fout;
  static char id[300];
  uint8_t any[1024], buf[2048];
  memset(id, 'x', sizeof(id));
  tx.container_id = tx.id = (struct rp_pb_str){ id, sizeof(id) };
  fw.envelope.topic = RP_PB_S("/tasks/exit");
  check(rp_pb_any_pack(&fw.envelope.event, &rp_pb_task_exit_msg, &tx, any, sizeof(any)) > 600);
  int n = rp_pb_encode(&rp_pb_forward_request_msg, &fw, buf, sizeof(buf));
  check(n > 600 && buf[0] == 0x0a && buf[1] & 0x80);   // 2-byte length after widening
  for (int cap = 0; cap < n; cap++)
    check(rp_pb_encode(&rp_pb_forward_request_msg, &fw, buf, (size_t)cap) == -E2BIG);
  check(rp_pb_encode(&rp_pb_forward_request_msg, &fw, buf, (size_t)n) == n);
  check(rp_pb_decode(&rp_pb_forward_request_msg, buf, (size_t)n, &fout, NULL) == 0);
  check(rp_pb_any_unpack(&fout.envelope.event, &rp_pb_task_exit_msg, &out, NULL) == 0);
  check(out.id.len == sizeof(id) && rp_pb_str_eq(fout.envelope.topic, "/tasks/exit"));
  return 0;
}

static int test_zero_values(void)
{
  static struct rp_pb_state_response st;
  static struct rp_pb_pids_response pr;
  uint8_t buf[64];
  check(rp_pb_encode(&rp_pb_state_response_msg, &st, buf, sizeof(buf)) == 0);
  check(rp_pb_encode(&rp_pb_empty_msg, &st, buf, 0) == 0);
  check(rp_pb_decode(&rp_pb_state_response_msg, "", 0, &st, NULL) == 0 && st.pid == 0);
  pr.processes.n = 1;   // an all-zero element of a repeated message is kept
  check(rp_pb_encode(&rp_pb_pids_response_msg, &pr, buf, sizeof(buf)) == 2);
  check(buf[0] == 0x0a && buf[1] == 0);
  check(rp_pb_decode(&rp_pb_pids_response_msg, buf, 2, &pr, NULL) == 0 && pr.processes.n == 1);
  return 0;
}

static int test_any(void)
{
  struct rp_pb_task_start ts = { RP_PB_S("c"), 9 }, out;
  struct rp_pb_any a;
  uint8_t buf[32];
  struct rp_err e;
  check(rp_pb_any_pack(&a, &rp_pb_task_start_msg, &ts, buf, 3) == -E2BIG);
  check(rp_pb_any_pack(&a, &rp_pb_task_start_msg, &ts, buf, sizeof(buf)) == 5);
  check(rp_pb_str_eq(a.type_url, "containerd.events.TaskStart"));
  check(rp_pb_any_unpack(&a, &rp_pb_task_exit_msg, &out, &e) == -EPROTOTYPE);
  check(strstr(e.msg, "containerd.events.TaskStart"));
  a.type_url = RP_PB_S("type.googleapis.com/containerd.events.TaskStart");
  check(rp_pb_any_unpack(&a, &rp_pb_task_start_msg, &out, &e) == 0 && out.pid == 9);
  a.type_url = (struct rp_pb_str){ NULL, 0 };
  check(rp_pb_any_unpack(&a, &rp_pb_task_start_msg, &out, &e) == -EPROTOTYPE);
  return 0;
}

static int test_str_helpers(void)
{
  char small[4];
  check(rp_pb_str_copy(small, sizeof(small), RP_PB_S("abc")) == 0 && !strcmp(small, "abc"));
  check(rp_pb_str_copy(small, sizeof(small), RP_PB_S("abcd")) == -ENAMETOOLONG);
  check(rp_pb_str_copy(small, sizeof(small), (struct rp_pb_str){ "a\0b", 3 }) == -EINVAL);
  check(rp_pb_str_copy(small, sizeof(small), (struct rp_pb_str){ NULL, 0 }) == 0 && !*small);
  check(rp_pb_str_eq(rp_pb_cstr(NULL), "") && !rp_pb_str_eq(RP_PB_S("ab"), "abc"));
  return 0;
}

// Every prefix and every single-byte corruption of a rich message must
// decode or fail cleanly (ASan/UBSan watch for stray reads), and a clean
// decode must re-encode within the original size.
static int test_corruption(void)
{
  static uint8_t buf[1024], bad[1024], re[1024];
  static struct rp_pb_create_task_request out;
  const struct rp_pb_msg *d = &rp_pb_create_task_request_msg;
  const void *m;
  check(build_sample("create", &m) == d);
  int n = rp_pb_encode(d, m, buf, sizeof(buf));
  check(n > 100);
  for (int len = 0; len <= n; len++) {
    int rc = rp_pb_decode(d, buf, (size_t)len, &out, NULL);
    check(rc == 0 || rc == -EBADMSG);
  }
  check(rp_pb_decode(d, buf, (size_t)n, &out, NULL) == 0);
  check(rp_pb_encode(d, &out, re, sizeof(re)) == n && !memcmp(re, buf, (size_t)n));
  for (int i = 0; i < n; i++) {
    for (int v = 0; v < 256; v += 17) {
      memcpy(bad, buf, (size_t)n);
      bad[i] = (uint8_t)v;
      int rc = rp_pb_decode(d, bad, (size_t)n, &out, NULL);
      check(rc == 0 || rc == -EBADMSG || rc == -EMSGSIZE);
      if (rc == 0) check(rp_pb_encode(d, &out, re, sizeof(re)) <= n);
    }
  }
  return 0;
}

int main(int argc, char **argv)
{
  if (argc > 1) return driver(argc, argv);
  RUN(test_varint);
  RUN(test_varint_limits);
  RUN(test_reader_wire_types);
  RUN(test_negative_int32);
  RUN(test_create_roundtrip);
  RUN(test_repeated_cap);
  RUN(test_nested_error_path);
  RUN(test_packed_unpacked);
  RUN(test_last_wins_and_merge);
  RUN(test_unknown_and_wrong_wire);
  RUN(test_e2big_and_long_nested);
  RUN(test_zero_values);
  RUN(test_any);
  RUN(test_str_helpers);
  RUN(test_corruption);
  return unit_end();
}
