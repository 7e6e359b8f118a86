// ttrpc.c - unit tests of lib/shim/ttrpc.c over socketpair() and a real socket
//
// The server side is driven exactly as the shim's poll loop would drive it
// (read, drain next, reply, flush); the peer is either raw bytes written by
// the test or our own client connection.

#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "taskpb.h"
#include "ttrpc.h"

#define SVC "containerd.task.v2.Task"

static struct rp_ttrpc_conn srv, cli, scratch;
static int fds[2];

static int setup(void)
{
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) return -1;
  rp_ttrpc_conn_init(&srv, fds[0]);
  rp_ttrpc_conn_init(&cli, fds[1]);
  return 0;
}

static void teardown(void)
{
  close(fds[0]);
  close(fds[1]);
}

#define unhex unit_unhex

static void send_all(int fd, const void *p, size_t n)
{
  const uint8_t *b = p;
  while (n) {
    ssize_t w = write(fd, b, n);
    if (w <= 0) return;
    b += w;
    n -= (size_t)w;
  }
}

// Bytes of one Request frame on stream sid, built by our client encoder.
static size_t mk_request(uint8_t *buf, uint32_t sid, const char *svc, const char *method,
                         const char *id)
{
  struct rp_pb_id_request q = { rp_pb_cstr(id), { NULL, 0 } };
  uint32_t got;
  rp_ttrpc_conn_init(&scratch, -1);
  scratch.next_sid = sid;
  if (rp_ttrpc_conn_call(&scratch, svc, method, &rp_pb_state_request_msg, &q, "default", 0, &got,
                         NULL) < 0)
    return 0;
  memcpy(buf, scratch.out, scratch.out_len);
  return scratch.out_len;
}

static size_t mk_frame(uint8_t *buf, uint32_t len, uint32_t sid, uint8_t type)
{
  uint8_t h[10] = { len >> 24, len >> 16, len >> 8, len, sid >> 24, sid >> 16, sid >> 8, sid, type, 0 };
  memcpy(buf, h, sizeof(h));
  return sizeof(h);
}

// Server side of one loop turn: read, then the next call (1) or none (0).
static int srv_next(struct rp_ttrpc_call *call)
{
  struct rp_err e;
  rp_ttrpc_conn_read(&srv, &e);
  return rp_ttrpc_conn_next(&srv, call, &e);
}

// Client side: wait up to 1 s for the next reply.
static int cli_reply(struct rp_ttrpc_reply *r)
{
  struct rp_err e;
  for (int i = 0; i < 1000; i++) {
    rp_ttrpc_conn_flush(&srv, &e);
    int rc = rp_ttrpc_conn_next_reply(&cli, r, &e);
    if (rc) return rc;
    struct pollfd p = { cli.fd, POLLIN, 0 };
    poll(&p, 1, 1);
    rc = rp_ttrpc_conn_read(&cli, &e);
    if (rc == 0 || (rc < 0 && rc != -EAGAIN)) return -EPIPE;
  }
  return 0;
}

static int64_t now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int wait_reply(struct rp_ttrpc_conn *c, uint32_t sid, int timeout_ms,
                      struct rp_ttrpc_reply *r, struct rp_err *e)
{
  int64_t deadline = now_ms() + timeout_ms;
  for (;;) {
    int rc = rp_ttrpc_conn_flush(c, e);
    if (rc < 0) return rc;
    while ((rc = rp_ttrpc_conn_next_reply(c, r, e)) > 0)
      if (r->sid == sid) return 0;
    if (rc < 0) return rc;
    if (c->eof) return rp_errf(e, ECONNRESET, "ttrpc: connection closed before the reply");
    int64_t left = timeout_ms > 0 ? deadline - now_ms() : -1;
    if (timeout_ms > 0 && left <= 0)
      return rp_errf(e, ETIMEDOUT, "ttrpc: no reply within %d ms", timeout_ms);
    struct pollfd p = { c->fd, rp_ttrpc_conn_events(c), 0 };
    if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
      return rp_errf(e, errno, "ttrpc: poll: %s", strerror(errno));
    rc = rp_ttrpc_conn_read(c, e);
    if (rc < 0 && rc != -EAGAIN) return rc;
  }
}

// One blocking call, as a one-shot client would make it with the library:
// dial, send, wait up to timeout_ms (<= 0: no limit, and no timeout_nano
// sent), close. 0 = success (r->payload holds the response), -EREMOTEIO =
// the server answered an error (r->code, r->message), -ETIMEDOUT, or
// another < 0 from dialing or I/O.
static int call_sync(struct rp_ttrpc_conn *c, const char *addr, const char *service,
                     const char *method, const struct rp_pb_msg *d, const void *msg,
                     const char *ns, int timeout_ms, struct rp_ttrpc_reply *r,
                     struct rp_err *e)
{
  uint32_t sid;
  int fd = rp_ttrpc_dial(addr, e);
  if (fd < 0) return fd;
  rp_ttrpc_conn_init(c, fd);
  int64_t tmo = timeout_ms > 0 ? (int64_t)timeout_ms * 1000000 : 0;
  int rc = rp_ttrpc_conn_call(c, service, method, d, msg, ns, tmo, &sid, e);
  if (!rc) rc = wait_reply(c, sid, timeout_ms, r, e);
  close(fd);
  c->fd = -1;
  if (!rc && r->code)
    rc = rp_errf(e, EREMOTEIO, "%s/%s: %.*s (code %d)", service, method, (int)r->message.len,
                 r->message.p ? r->message.p : "", (int)r->code);
  return rc;
}

static int test_b8_request_bytes(void)
{
  struct rp_pb_id_request q = { RP_PB_S("foo"), { NULL, 0 } };
  uint8_t want[128];
  uint32_t sid;
  size_t n = unhex("00 00 00 50 00 00 00 01 01 00"
                   "0a 17 63 6f 6e 74 61 69 6e 65 72 64 2e 74 61 73 6b 2e 76 32 2e 54 61 73 6b"
                   "12 07 43 6f 6e 6e 65 63 74"
                   "1a 05 0a 03 66 6f 6f"
                   "2a 25 0a 1a 63 6f 6e 74 61 69 6e 65 72 64 2d 6e 61 6d 65 73 70 61 63 65 2d"
                   "   74 74 72 70 63 12 07 64 65 66 61 75 6c 74",
                   want);
  rp_ttrpc_conn_init(&scratch, -1);
  check(rp_ttrpc_conn_call(&scratch, SVC, "Connect", &rp_pb_connect_request_msg, &q, "default", 0,
                           &sid, NULL) == 0);
  check(sid == 1 && scratch.next_sid == 3);
  check(n == 90 && scratch.out_len == n && !memcmp(scratch.out, want, n));
  return 0;
}

static int test_b8_reply_bytes(void)
{
  struct rp_pb_connect_response cr = { 1234, 5678, { NULL, 0 } };
  struct rp_ttrpc_reply r;
  struct rp_ttrpc_call call = { .sid = 3, .method = RP_PB_S("Foo") };
  uint8_t want[64];
  rp_ttrpc_conn_init(&srv, -1);
  check(rp_ttrpc_conn_reply(&srv, 1, &rp_pb_connect_response_msg, &cr) == 0);
  size_t n = unhex("00 00 00 08 00 00 00 01 02 00  12 06 08 d2 09 10 ae 2c", want);
  check(srv.out_len == n && !memcmp(srv.out, want, n));
  // Error reply of B.8: data = 0a 0e 08 0c 12 0a "method Foo"
  rp_ttrpc_conn_init(&srv, -1);
  check(rp_ttrpc_conn_no_method(&srv, &call) == 0);
  n = unhex("00 00 00 10 00 00 00 03 02 00  0a 0e 08 0c 12 0a 6d 65 74 68 6f 64 20 46 6f 6f", want);
  check(srv.out_len == n && !memcmp(srv.out, want, n));
  // B.8's success reply with an empty status present decodes as success.
  check(setup() == 0);
  n = unhex("00 00 00 0a 00 00 00 01 02 00  0a 00  12 06 08 d2 09 10 ae 2c", want);
  send_all(fds[0], want, n);
  check(cli_reply(&r) == 1 && r.sid == 1 && r.code == 0 && r.payload.len == 6);
  check(rp_pb_decode(&rp_pb_connect_response_msg, r.payload.p, r.payload.len, &cr, NULL) == 0);
  check(cr.shim_pid == 1234 && cr.task_pid == 5678);
  n = unhex("00 00 00 00 00 00 00 03 02 00", want);   // Empty reply: zero-length frame
  send_all(fds[0], want, n);
  check(cli_reply(&r) == 1 && r.sid == 3 && r.code == 0 && r.payload.len == 0);
  teardown();
  return 0;
}

static int test_byte_by_byte(void)
{
  static uint8_t buf[512];
  struct rp_ttrpc_call call;
  check(setup() == 0);
  size_t n1 = mk_request(buf, 1, SVC, "State", "abc");
  size_t n = n1 + mk_request(buf + n1, 3, SVC, "Wait", "");
  for (size_t i = 0; i < n; i++) {
    send_all(fds[1], buf + i, 1);
    int rc = srv_next(&call);
    check(rc == 0 || rc == 1);
    if (rc == 1 && call.sid == 1) {
      check(rp_pb_str_eq(call.service, SVC) && rp_pb_str_eq(call.method, "State"));
      check(rp_pb_str_eq(call.ns, "default") && call.timeout_nano == 0);
    }
    check(rc == (i == n1 - 1 || i == n - 1));   // a call exactly at each frame's end
  }
  check(rp_pb_str_eq(call.method, "Wait") && call.sid == 3 && call.payload.len == 0);
  check(srv_next(&call) == 0 && !srv.dead && !srv.eof);
  teardown();
  return 0;
}

static int test_out_of_order(void)
{
  struct rp_ttrpc_call call[3];
  struct rp_ttrpc_reply r;
  struct rp_pb_id_request q = { RP_PB_S("c"), { NULL, 0 } };
  struct rp_pb_pid_response pr;
  uint32_t sid[3];
  check(setup() == 0);
  for (int i = 0; i < 3; i++)
    check(rp_ttrpc_conn_call(&cli, SVC, "Start", &rp_pb_start_request_msg, &q, NULL, 7, &sid[i],
                             NULL) == 0);
  check(sid[0] == 1 && sid[1] == 3 && sid[2] == 5);
  check(rp_ttrpc_conn_flush(&cli, NULL) == 0);
  for (int i = 0; i < 3; i++) check(srv_next(&call[i]) == 1 && call[i].sid == sid[i]);
  check(call[0].timeout_nano == 7 && call[0].ns.len == 0);
  // Stream 1 is "parked"; 5 and 3 are answered first, 1 last.
  static const int order[3] = { 2, 1, 0 };
  for (int k = 0; k < 3; k++) {
    pr.pid = 100 + order[k];
    check(rp_ttrpc_conn_reply(&srv, call[order[k]].sid, &rp_pb_start_response_msg, &pr) == 0);
  }
  for (int k = 0; k < 3; k++) {
    check(cli_reply(&r) == 1 && r.sid == sid[order[k]] && r.code == 0);
    check(rp_pb_decode(&rp_pb_start_response_msg, r.payload.p, r.payload.len, &pr, NULL) == 0);
    check(pr.pid == 100u + order[k]);
  }
  teardown();
  return 0;
}

// Send len bytes (zeros when p is NULL) while the server keeps reading, as
// a socket buffer cannot hold them at once. Returns the last srv_next().
static int stream(const uint8_t *p, size_t len, struct rp_ttrpc_call *call)
{
  static const uint8_t zeros[8192];
  int flags = fcntl(fds[1], F_GETFL), rc = 0;
  fcntl(fds[1], F_SETFL, flags | O_NONBLOCK);
  while (len && rc == 0) {
    size_t chunk = len < sizeof(zeros) ? len : sizeof(zeros);
    ssize_t w = write(fds[1], p ? p : zeros, chunk);
    if (w > 0) {
      len -= (size_t)w;
      if (p) p += w;
    }
    rc = srv_next(call);
  }
  fcntl(fds[1], F_SETFL, flags);
  return len ? -1 : rc;
}

static int test_oversized(void)
{
  static uint8_t buf[RP_TTRPC_BUF];
  struct rp_ttrpc_call call;
  struct rp_ttrpc_reply r;
  static const uint32_t sizes[] = { RP_TTRPC_BUF - RP_TTRPC_HDR + 1, RP_TTRPC_MAX_DATA + 1 };
  check(setup() == 0);
  for (int i = 0; i < 2; i++) {
    uint32_t sid = 1 + 4 * (uint32_t)i;
    size_t n = mk_frame(buf, sizes[i], sid, RP_TTRPC_T_REQUEST);
    send_all(fds[1], buf, n);
    check(stream(NULL, sizes[i], &call) == 0);
    check(cli_reply(&r) == 1 && r.sid == sid && r.code == RP_TTRPC_RESOURCE_EXHAUSTED);
    check(r.message.len && memmem(r.message.p, r.message.len, "exceeds", 7));
    n = mk_request(buf, sid + 2, SVC, "State", "after");   // connection still usable
    send_all(fds[1], buf, n);
    check(srv_next(&call) == 1 && call.sid == sid + 2 && !srv.dead);
  }
  // The largest frame that fits our buffer is accepted: a Request
  // {service "S", payload of L bytes} with 3 + 1 + 3 + L = BUF - HDR.
  uint32_t len = RP_TTRPC_BUF - RP_TTRPC_HDR, pl = len - 7;
  size_t n = mk_frame(buf, len, 9, RP_TTRPC_T_REQUEST);
  uint8_t head[] = { 0x0a, 1, 'S', 0x1a, (uint8_t)(pl | 0x80), (uint8_t)(pl >> 7 | 0x80),
                     (uint8_t)(pl >> 14) };
  memcpy(buf + n, head, sizeof(head));
  memset(buf + n + sizeof(head), 'p', pl);
  check(stream(buf, RP_TTRPC_BUF, &call) == 1);
  check(call.sid == 9 && rp_pb_str_eq(call.service, "S") && call.payload.len == pl);
  teardown();
  return 0;
}

// The shim closes a connection that owes the rest of a frame for too long:
// owing is true from a frame's first byte (or an oversized frame's header)
// until its last, and false between frames.
static int test_partial(void)
{
  static uint8_t buf[512];
  struct rp_ttrpc_call call;
  check(setup() == 0);
  check(!rp_ttrpc_conn_partial(&srv));
  size_t n = mk_request(buf, 1, SVC, "State", "x");
  send_all(fds[1], buf, 3);
  check(srv_next(&call) == 0 && rp_ttrpc_conn_partial(&srv));
  send_all(fds[1], buf + 3, n - 4);
  check(srv_next(&call) == 0 && rp_ttrpc_conn_partial(&srv));
  send_all(fds[1], buf + n - 1, 1);
  check(srv_next(&call) == 1 && !rp_ttrpc_conn_partial(&srv));
  n = mk_frame(buf, RP_TTRPC_MAX_DATA + 1, 3, RP_TTRPC_T_REQUEST);
  send_all(fds[1], buf, n);
  check(srv_next(&call) == 0 && rp_ttrpc_conn_partial(&srv));  // its data is still owed
  teardown();
  return 0;
}

static int test_truncated(void)
{
  static uint8_t buf[512];
  struct rp_ttrpc_call call;
  struct rp_err e;
  static const size_t cut[] = { 5, 12 };   // inside the header, inside the data
  for (int i = 0; i < 2; i++) {
    check(setup() == 0);
    mk_request(buf, 1, SVC, "State", "x");
    send_all(fds[1], buf, cut[i]);
    shutdown(fds[1], SHUT_WR);
    check(srv_next(&call) == 0);    // what is there so far
    check(rp_ttrpc_conn_read(&srv, &e) == 0 && srv.eof);
    check(rp_ttrpc_conn_next(&srv, &call, &e) == -EPROTO && srv.dead);
    check(strstr(e.msg, "middle of a frame") && rp_ttrpc_conn_events(&srv) == 0);
    teardown();
  }
  check(setup() == 0);   // a clean EOF between frames is no error
  shutdown(fds[1], SHUT_WR);
  check(srv_next(&call) == 0 && srv.eof && !srv.dead && rp_ttrpc_conn_events(&srv) == 0);
  teardown();
  return 0;
}

static int expect_status(int code, const char *text)
{
  struct rp_ttrpc_reply r;
  if (cli_reply(&r) != 1 || r.code != code) return -1;
  return memmem(r.message.p, r.message.len, text, strlen(text)) ? (int)r.sid : -1;
}

static int test_stream_ids(void)
{
  static uint8_t buf[256];
  struct rp_ttrpc_call call;
  check(setup() == 0);
  send_all(fds[1], buf, mk_request(buf, 2, SVC, "State", "x"));
  check(srv_next(&call) == 0);
  check(expect_status(3, "StreamID must be odd for client initiated streams") == 2);
  send_all(fds[1], buf, mk_request(buf, 5, SVC, "State", "x"));
  check(srv_next(&call) == 1 && call.sid == 5);
  static const uint32_t reused[] = { 3, 5 };
  for (int i = 0; i < 2; i++) {
    send_all(fds[1], buf, mk_request(buf, reused[i], SVC, "State", "x"));
    check(srv_next(&call) == 0);
    check(expect_status(3, "reused") == (int)reused[i]);
  }
  send_all(fds[1], buf, mk_request(buf, 7, SVC, "State", "x"));
  check(srv_next(&call) == 1 && call.sid == 7);
  teardown();
  return 0;
}

static int test_bad_frames(void)
{
  static uint8_t buf[256];
  struct rp_ttrpc_call call;
  struct rp_ttrpc_reply r;
  check(setup() == 0);
  size_t n = mk_frame(buf, 2, 1, RP_TTRPC_T_DATA);
  buf[n++] = 1, buf[n++] = 2;
  send_all(fds[1], buf, n);
  check(srv_next(&call) == 0 && expect_status(3, "data frames") == 1);
  n = mk_frame(buf, 3, 3, RP_TTRPC_T_REQUEST);   // undecodable Request
  memcpy(buf + n, "\x0a\x05x", 3);
  send_all(fds[1], buf, n + 3);
  check(srv_next(&call) == 0 && expect_status(3, "undecodable request") == 3);
  n = mk_frame(buf, 0, 5, RP_TTRPC_T_RESPONSE);  // no reply to a stray Response
  send_all(fds[1], buf, n);
  check(srv_next(&call) == 0 && srv.out_len == 0);
  check(rp_ttrpc_conn_next_reply(&cli, &r, NULL) == 0);
  send_all(fds[1], buf, mk_request(buf, 7, SVC, "State", "x"));
  check(srv_next(&call) == 1 && call.sid == 7);
  teardown();
  return 0;
}

static int test_unimplemented_and_decode(void)
{
  static uint8_t buf[256];
  struct rp_ttrpc_call call;
  struct rp_pb_kill_request kr;
  check(setup() == 0);
  send_all(fds[1], buf, mk_request(buf, 1, "containerd.task.v9.Nope", "State", "x"));
  check(srv_next(&call) == 1 && rp_ttrpc_conn_no_service(&srv, &call) == 0);
  check(expect_status(12, "service containerd.task.v9.Nope") == 1);
  send_all(fds[1], buf, mk_request(buf, 3, SVC, "Checkpoint", "x"));
  check(srv_next(&call) == 1 && rp_ttrpc_conn_no_method(&srv, &call) == 0);
  check(expect_status(12, "method Checkpoint") == 3);
  call.payload = RP_PB_S("\x0a\x09short");   // undecodable payload → INTERNAL
  check(rp_ttrpc_conn_decode(&srv, &call, &rp_pb_kill_request_msg, &kr) == -EBADMSG);
  check(expect_status(13, "length runs past the end") == 3);
  check(rp_ttrpc_conn_reply_status(&srv, 9, RP_TTRPC_NOT_FOUND, "task %s not found", "x") == 0);
  check(expect_status(5, "task x not found") == 9);
  teardown();
  return 0;
}

static int test_send_overflow(void)
{
  static char big[RP_TTRPC_BUF];
  struct rp_pb_state_response st = { .bundle = { big, sizeof(big) } };
  int small = 4096, rc = 0;
  check(setup() == 0);
  setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
  // A reply that can never fit becomes RESOURCE_EXHAUSTED, connection kept.
  check(rp_ttrpc_conn_reply(&srv, 1, &rp_pb_state_response_msg, &st) == 0 && !srv.dead);
  check(expect_status(8, "does not fit") == 1);
  // A peer that never reads: replies pile up until the connection is dead.
  st.bundle.len = 1000;
  for (int i = 0; i < 10000 && rc == 0; i++)
    rc = rp_ttrpc_conn_reply(&srv, 3 + 2 * (uint32_t)i, &rp_pb_state_response_msg, &st);
  check(rc == -ENOBUFS && srv.dead && rp_ttrpc_conn_events(&srv) == 0);
  check(rp_ttrpc_conn_reply_status(&srv, 1, 2, "x") == -EPIPE);
  teardown();
  return 0;
}

static int test_full_input_buffer(void)
{
  static uint8_t buf[RP_TTRPC_BUF * 3];
  struct rp_ttrpc_call call;
  struct rp_ttrpc_reply r;
  size_t n = 0;
  uint32_t sid = 1, got = 0, replies = 0;
  check(setup() == 0);
  while (n + 256 < sizeof(buf)) n += mk_request(buf + n, (sid += 2) - 2, SVC, "Pids", "ctr");
  uint32_t total = (sid - 1) / 2;
  int flags = fcntl(fds[1], F_GETFL);
  fcntl(fds[1], F_SETFL, flags | O_NONBLOCK);
  size_t off = 0;
  for (int turn = 0; turn < 100000 && replies < total; turn++) {
    ssize_t w = off < n ? write(fds[1], buf + off, n - off) : 0;
    if (w > 0) off += (size_t)w;
    while (srv_next(&call) == 1) {
      check(call.sid == 2 * got + 1);
      got++;
      check(rp_ttrpc_conn_reply(&srv, call.sid, NULL, NULL) == 0);
    }
    rp_ttrpc_conn_flush(&srv, NULL);
    rp_ttrpc_conn_read(&cli, NULL);
    while (rp_ttrpc_conn_next_reply(&cli, &r, NULL) == 1) check(r.sid == 2 * replies++ + 1);
  }
  check(got == total && replies == total && total > 2000 && !srv.dead);
  teardown();
  return 0;
}

static int test_peer_and_codes(void)
{
  struct rp_err e;
  check(setup() == 0);
  check(rp_ttrpc_peer_ok(fds[0], &e) == 0);
  teardown();
  check(rp_ttrpc_peer_ok(-1, &e) == -EBADF);
  check(rp_ttrpc_code_of(-ENOENT) == RP_TTRPC_NOT_FOUND);
  check(rp_ttrpc_code_of(EEXIST) == RP_TTRPC_ALREADY_EXISTS);
  check(rp_ttrpc_code_of(-ENOSYS) == RP_TTRPC_UNIMPLEMENTED);
  check(rp_ttrpc_code_of(0) == RP_TTRPC_OK && rp_ttrpc_code_of(-EIO) == RP_TTRPC_UNKNOWN);
  return 0;
}

// A child process serving Events.Forward once per connection: an Empty
// reply, an error status, or silence (to test the client's timeout).
static void serve_child(int lfd)
{
  static struct rp_ttrpc_conn c;
  struct rp_ttrpc_call call;
  for (;;) {
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0) _exit(0);
    rp_ttrpc_conn_init(&c, fd);
    while (rp_ttrpc_conn_events(&c)) {
      struct pollfd p = { fd, rp_ttrpc_conn_events(&c), 0 };
      poll(&p, 1, 1000);
      rp_ttrpc_conn_read(&c, NULL);
      while (rp_ttrpc_conn_next(&c, &call, NULL) == 1) {
        if (rp_pb_str_eq(call.method, "Forward") && rp_pb_str_eq(call.ns, "default"))
          rp_ttrpc_conn_reply(&c, call.sid, NULL, NULL);
        else if (!rp_pb_str_eq(call.method, "Silence"))
          rp_ttrpc_conn_no_method(&c, &call);
      }
      rp_ttrpc_conn_flush(&c, NULL);
    }
    close(fd);
  }
}

static int test_sync_client(void)
{
  static const char *ev = "containerd.services.events.ttrpc.v1.Events";
  struct rp_pb_forward_request fw = { .envelope = { .topic = RP_PB_S("/tasks/exit") } };
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  struct rp_ttrpc_reply r;
  struct rp_err e;
  char addr[128], dir[64];
  const char *tmp = getenv("TMPDIR");
  snprintf(dir, sizeof(dir), "%s/rp-ttrpc.XXXXXX", tmp && strlen(tmp) < 40 ? tmp : "/tmp");
  check(mkdtemp(dir));
  snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/s", dir);
  snprintf(addr, sizeof(addr), "unix://%s", sa.sun_path);
  int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  check(lfd >= 0 && bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(lfd, 4) == 0);
  pid_t pid = fork();
  check(pid >= 0);
  if (pid == 0) serve_child(lfd);
  close(lfd);
  int rc = call_sync(&cli, addr, ev, "Forward", &rp_pb_forward_request_msg, &fw,
                              "default", 2000, &r, &e);
  int rc2 = call_sync(&cli, sa.sun_path, ev, "Publish", NULL, NULL, "default", 2000, &r,
                               &e);
  int code2 = r.code;
  char msg2[RP_ERR_MSG];
  snprintf(msg2, sizeof(msg2), "%s", e.msg);
  int rc3 = call_sync(&cli, addr, ev, "Silence", NULL, NULL, NULL, 100, &r, &e);
  kill(pid, SIGTERM);
  waitpid(pid, NULL, 0);
  unlink(sa.sun_path);
  rmdir(dir);
  check(rc == 0 && r.sid == 1);
  check(rc2 == -EREMOTEIO && code2 == RP_TTRPC_UNIMPLEMENTED);
  check_str(msg2, "containerd.services.events.ttrpc.v1.Events/Publish: method Publish (code 12)");
  check(rc3 == -ETIMEDOUT && strstr(e.msg, "100 ms"));
  check(call_sync(&cli, addr, ev, "Forward", NULL, NULL, NULL, 100, &r, &e) == -ENOENT);
  check(rp_ttrpc_dial("unix://", &e) == -EINVAL);
  return 0;
}

int main(void)
{
  signal(SIGPIPE, SIG_IGN);
  RUN(test_b8_request_bytes);
  RUN(test_b8_reply_bytes);
  RUN(test_byte_by_byte);
  RUN(test_out_of_order);
  RUN(test_oversized);
  RUN(test_truncated);
  RUN(test_partial);
  RUN(test_stream_ids);
  RUN(test_bad_frames);
  RUN(test_unimplemented_and_decode);
  RUN(test_send_overflow);
  RUN(test_full_input_buffer);
  RUN(test_peer_and_codes);
  RUN(test_sync_client);
  return unit_end();
}
