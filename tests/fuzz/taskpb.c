// taskpb.c - fuzz the protobuf codec (lib/shim/pb.c) with every message table of
// lib/shim/taskpb.h and lib/shim/ttrpc.h
//
// Input: byte 0 picks the message (index into msgs[] below, modulo its
// length), the rest is that message's wire encoding (what containerd sends).
// msgs[] is append-only: committed seeds name their message by position.
//
// Oracles, besides the sanitizers: a failed decode leaves a message; a
// successful one re-encodes (into a buffer sized for the worst growth) and
// decodes again to an equal struct (compared field by field through the
// same tables), and encoding that copy gives the same bytes (our encoding is
// canonical). Slices point inside the buffer they were decoded from. Any
// fields are also unpacked as the message their type_url names.

#include "fuzz.h"
#include "taskpb.h"
#include "ttrpc.h"

#include <errno.h>

static const struct rp_pb_msg *const msgs[] = {
  // 0-16: the Task service requests, in shim.proto order
  &rp_pb_create_task_request_msg, &rp_pb_start_request_msg, &rp_pb_delete_request_msg,
  &rp_pb_state_request_msg, &rp_pb_kill_request_msg, &rp_pb_close_io_request_msg,
  &rp_pb_pids_request_msg, &rp_pb_checkpoint_task_request_msg, &rp_pb_update_task_request_msg,
  &rp_pb_wait_request_msg, &rp_pb_stats_request_msg, &rp_pb_connect_request_msg,
  &rp_pb_shutdown_request_msg, &rp_pb_pause_request_msg, &rp_pb_resume_request_msg,
  &rp_pb_exec_process_request_msg, &rp_pb_resize_pty_request_msg,
  // 17-20: ttrpc envelope, bootstrap parameters, well-known types
  &rp_ttrpc_request_msg, &rp_ttrpc_response_msg, &rp_pb_bootstrap_params_msg, &rp_pb_any_msg,
  // 21-: status and what the shim writes (decoded by tests and peers)
  &rp_pb_status_msg, &rp_pb_mount_msg, &rp_pb_create_task_response_msg,
  &rp_pb_start_response_msg, &rp_pb_delete_response_msg, &rp_pb_state_response_msg,
  &rp_pb_pids_response_msg, &rp_pb_process_info_msg, &rp_pb_wait_response_msg,
  &rp_pb_stats_response_msg, &rp_pb_connect_response_msg, &rp_pb_task_io_msg,
  &rp_pb_task_create_msg, &rp_pb_task_start_msg, &rp_pb_task_exit_msg, &rp_pb_task_delete_msg,
  &rp_pb_envelope_msg, &rp_pb_forward_request_msg, &rp_pb_extension_msg,
  &rp_pb_bootstrap_result_msg, &rp_pb_runtime_version_msg, &rp_pb_runtime_info_msg,
  &rp_pb_runtime_options_msg, &rp_pb_timestamp_msg, &rp_pb_kv_msg, &rp_pb_empty_msg,
};
#define NMSGS (sizeof(msgs) / sizeof(msgs[0]))

static int is_len(uint8_t kind)
{
  return kind == RP_PB_STRING || kind == RP_PB_BYTES;
}

static size_t esize(const struct rp_pb_field *fd)
{
  if (fd->kind == RP_PB_MESSAGE) return fd->sub->size;
  if (is_len(fd->kind)) return sizeof(struct rp_pb_str);
  if (fd->kind == RP_PB_BOOL) return sizeof(bool);
  return fd->kind == RP_PB_INT64 || fd->kind == RP_PB_UINT64 || fd->kind == RP_PB_FIXED64 ? 8 : 4;
}

struct ctx {
  const uint8_t *buf;   // what the slices of the struct being walked point into
  size_t len;
};

static void walk(const struct ctx *c, const struct rp_pb_msg *d, const char *m);

// An Any's value decoded as every message (only the one its type_url
// names may succeed).
static void unpack(const struct rp_pb_any *a)
{
  for (size_t i = 0; i < NMSGS; i++) {
    void *out = malloc(msgs[i]->size);
    struct rp_err e = { 0 };
    int r = rp_pb_decode(msgs[i], a->value.p, a->value.len, out, &e);
    if (r) fuzz_check_err(r, &e);
    free(out);
  }
}

// One element: slices inside the buffer, bools 0/1, nested messages walked,
// Any values unpacked.
static void walk_value(const struct ctx *c, const struct rp_pb_field *fd, const char *v)
{
  if (fd->kind == RP_PB_MESSAGE) {
    walk(c, fd->sub, v);
    if (fd->sub == &rp_pb_any_msg) unpack((const void *)v);
  } else if (is_len(fd->kind)) {
    const struct rp_pb_str *s = (const void *)v;
    FUZZ_CHECK(!s->len || fuzz_inside(s->p, s->len, c->buf, c->len), "%s: slice outside the input",
               fd->name);
    char tmp[16];
    int r = rp_pb_str_copy(tmp, sizeof(tmp), *s);
    FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ENAMETOOLONG, "str_copy %d", r);
    if (!r) FUZZ_CHECK(strlen(tmp) == s->len && (!s->len || !memcmp(tmp, s->p, s->len)), "copy");
  } else if (fd->kind == RP_PB_BOOL) {
    uint8_t b;
    memcpy(&b, v, 1);
    FUZZ_CHECK(b <= 1, "%s: bool byte %u", fd->name, b);
  }
}

static void walk(const struct ctx *c, const struct rp_pb_msg *d, const char *m)
{
  for (unsigned i = 0; i < d->nfields; i++) {
    const struct rp_pb_field *fd = &d->fields[i];
    if (!fd->cap) {
      walk_value(c, fd, m + fd->off);
      continue;
    }
    uint32_t n;
    memcpy(&n, m + fd->noff, sizeof(n));
    FUZZ_CHECK(n <= fd->cap, "%s.%s: %u elements in %u", d->name, fd->name, n, fd->cap);
    for (uint32_t k = 0; k < n; k++) walk_value(c, fd, m + fd->off + k * esize(fd));
  }
}

static int equal(const struct rp_pb_msg *d, const char *a, const char *b);

static int equal_value(const struct rp_pb_field *fd, const char *a, const char *b)
{
  if (fd->kind == RP_PB_MESSAGE) return equal(fd->sub, a, b);
  if (is_len(fd->kind)) {
    const struct rp_pb_str *x = (const void *)a, *y = (const void *)b;
    return x->len == y->len && (!x->len || !memcmp(x->p, y->p, x->len));
  }
  return !memcmp(a, b, esize(fd));
}

static int equal(const struct rp_pb_msg *d, const char *a, const char *b)
{
  for (unsigned i = 0; i < d->nfields; i++) {
    const struct rp_pb_field *fd = &d->fields[i];
    uint32_t n = 1, m = 1;
    if (fd->cap) {
      memcpy(&n, a + fd->noff, sizeof(n));
      memcpy(&m, b + fd->noff, sizeof(m));
      if (n != m) {
        fprintf(stderr, "%s.%s: %u elements, then %u\n", d->name, fd->name, n, m);
        return 0;
      }
    }
    for (uint32_t k = 0; k < n; k++)
      if (!equal_value(fd, a + fd->off + k * esize(fd), b + fd->off + k * esize(fd))) {
        fprintf(stderr, "%s.%s[%u] differs after re-encoding\n", d->name, fd->name, k);
        return 0;
      }
  }
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (!size) return 0;
  const struct rp_pb_msg *d = msgs[data[0] % NMSGS];
  const uint8_t *in = data + 1;
  size_t len = size - 1;
  struct rp_err e = { 0 };
  void *m1 = malloc(d->size), *m2 = malloc(d->size);

  // The wire-level reader alone: it ends or fails, never reads outside.
  struct rp_pb_reader r;
  struct rp_pb_field_val f;
  int rc;
  rp_pb_reader_init(&r, in, len);
  while ((rc = rp_pb_read_field(&r, &f)) > 0) {
    FUZZ_CHECK(r.p <= r.end, "reader beyond the end");
    if (f.wire == RP_PB_LEN) FUZZ_CHECK(!f.s.len || fuzz_inside(f.s.p, f.s.len, in, len), "field");
  }
  FUZZ_CHECK(rc == 0 || (rc == -EBADMSG && r.why), "reader rc %d", rc);

  rc = rp_pb_decode(d, in, len, m1, &e);
  if (rc) {
    fuzz_check_err(rc, &e);
    FUZZ_CHECK(rc == -EBADMSG || rc == -EMSGSIZE, "%s: rc %d", d->name, rc);
    FUZZ_CHECK(rp_pb_decode(d, in, len, m2, NULL) == rc, "decode without rp_err differs");
    goto out;
  }
  walk(&(struct ctx){ in, len }, d, m1);
  if (d == &rp_pb_any_msg) unpack(m1);

  // Growth bound: a value can at most double (a negative int32 sent in 5
  // bytes goes out sign-extended in 10), and each nesting level may need
  // longer length prefixes.
  size_t cap = 4 * len + 1024;
  uint8_t *enc = malloc(cap), *enc2 = malloc(cap);
  int n = rp_pb_encode(d, m1, enc, cap);
  FUZZ_CHECK(n >= 0, "%s: re-encoding a decoded message failed: %d", d->name, n);
  rc = rp_pb_decode(d, enc, (size_t)n, m2, &e);
  FUZZ_CHECK(!rc, "%s: our own encoding does not decode: %s", d->name, e.msg);
  walk(&(struct ctx){ enc, (size_t)n }, d, m2);
  FUZZ_CHECK(equal(d, m1, m2), "%s: decode(encode(x)) != x", d->name);
  int n2 = rp_pb_encode(d, m2, enc2, cap);
  FUZZ_CHECK(n2 == n && !memcmp(enc, enc2, (size_t)n), "%s: encoding not canonical", d->name);
  // Too small a buffer is an error, never an overflow.
  if (n) {
    uint8_t *tight = malloc((size_t)n - 1 ? (size_t)n - 1 : 1);
    FUZZ_CHECK(rp_pb_encode(d, m2, tight, (size_t)n - 1) == -E2BIG, "short buffer");
    free(tight);
  }
  free(enc);
  free(enc2);
out:
  free(m1);
  free(m2);
  return 0;
}
