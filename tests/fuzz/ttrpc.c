// ttrpc.c - fuzz the ttrpc server connection (lib/shim/ttrpc.c) over a socketpair
//
// Input: byte 0 = flags, bytes 1-4 = chunk sizes (0 = all the rest), then
// the byte stream a client sends. The stream goes into a real socket in
// chunks of those sizes, cycling; after each chunk the server side runs as
// the shim's poll loop does (rp_ttrpc_conn_read, drain rp_ttrpc_conn_next
// into a Task-like dispatcher, rp_ttrpc_conn_flush), and the client side
// reads the replies with rp_ttrpc_conn_next_reply. At the end the client
// half-closes and the server runs to EOF.
//
//   flags bit 0: the client reads no reply before it has sent everything
//                (the server must die cleanly on send-buffer overflow)
//         bit 1: smallest socket buffers
//         bit 2: Wait calls are parked and answered after EOF, as the shim
//                does until the task exits
//
// Replies: State gets a StateResponse holding the payload four times, Kill
// an error status quoting it, a parked Wait a WaitResponse, every other
// known method its own request echoed back.
//
// Oracles: the server never stalls (every round moves bytes or it is
// finished), its buffers stay within bounds, accepted calls have odd,
// increasing stream ids and slices inside the input buffer, every reply is
// a well-formed frame holding a decodable Response, and, unless the server
// died, every accepted call got an answer.
//
// scripts/fuzz.sh builds this twice: `ttrpc` with the shim's 64 KiB buffers
// and `ttrpc_small` with -DRP_TTRPC_BUF=1024, where oversized frames, full
// buffers and send-buffer overflow are reachable with small inputs (1024,
// not less: an error reply's message alone may take 511 bytes).

#include "fuzz.h"
#include "taskpb.h"
#include "ttrpc.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#define PREFIX 5
#define F_NOREAD 1
#define F_SMALLBUF 2
#define F_PARK 4
#define MAXPARK 8
#define ROUNDS 100000   // far more than any input needs: beyond it the loop hangs

static const struct {
  const char *name;
  const struct rp_pb_msg *req;
} methods[] = {
  { "Create", &rp_pb_create_task_request_msg }, { "Start", &rp_pb_start_request_msg },
  { "Delete", &rp_pb_delete_request_msg },      { "State", &rp_pb_state_request_msg },
  { "Kill", &rp_pb_kill_request_msg },          { "CloseIO", &rp_pb_close_io_request_msg },
  { "Pids", &rp_pb_pids_request_msg },          { "Checkpoint", &rp_pb_checkpoint_task_request_msg },
  { "Update", &rp_pb_update_task_request_msg }, { "Wait", &rp_pb_wait_request_msg },
  { "Stats", &rp_pb_stats_request_msg },        { "Connect", &rp_pb_connect_request_msg },
  { "Shutdown", &rp_pb_shutdown_request_msg },  { "Pause", &rp_pb_pause_request_msg },
  { "Resume", &rp_pb_resume_request_msg },      { "Exec", &rp_pb_exec_process_request_msg },
  { "ResizePty", &rp_pb_resize_pty_request_msg },
};

struct h {
  struct rp_ttrpc_conn *srv, *cli;
  int flags;
  uint32_t last_sid;               // last stream id handed to dispatch
  uint32_t *acc;                   // accepted stream ids
  uint8_t *answered;               // acc[i] got a reply
  size_t nacc, cap;
  uint32_t parked[MAXPARK];
  int nparked;
};

static void bounds(const struct rp_ttrpc_conn *c)
{
  FUZZ_CHECK(c->in_off <= c->in_len && c->in_len <= sizeof(c->in), "in %u/%u", c->in_off, c->in_len);
  FUZZ_CHECK(c->out_len <= sizeof(c->out), "out %u", c->out_len);
}

static void in_input(const struct rp_ttrpc_conn *c, struct rp_pb_str s, const char *what)
{
  FUZZ_CHECK(!s.len || fuzz_inside(s.p, s.len, c->in, c->in_len),
             "%s slice outside the input buffer", what);
}

static void dispatch(struct h *h, const struct rp_ttrpc_call *call)
{
  struct rp_ttrpc_conn *c = h->srv;
  FUZZ_CHECK(call->sid & 1, "even stream id %u accepted", call->sid);
  FUZZ_CHECK(call->sid > h->last_sid, "stream id %u after %u accepted", call->sid, h->last_sid);
  h->last_sid = call->sid;
  in_input(c, call->service, "service");
  in_input(c, call->method, "method");
  in_input(c, call->payload, "payload");
  in_input(c, call->ns, "namespace");
  FUZZ_CHECK(h->nacc < h->cap, "more calls than frames");
  h->answered[h->nacc] = 0;
  h->acc[h->nacc++] = call->sid;

  if (!rp_pb_str_eq(call->service, "containerd.task.v2.Task") &&
      !rp_pb_str_eq(call->service, "containerd.task.v3.Task")) {
    rp_ttrpc_conn_no_service(c, call);
    return;
  }
  size_t i = 0;
  while (i < sizeof(methods) / sizeof(*methods) && !rp_pb_str_eq(call->method, methods[i].name)) i++;
  if (i == sizeof(methods) / sizeof(*methods)) {
    rp_ttrpc_conn_no_method(c, call);
    return;
  }
  void *msg = malloc(methods[i].req->size);
  if (rp_ttrpc_conn_decode(c, call, methods[i].req, msg) >= 0) {
    if (methods[i].req == &rp_pb_wait_request_msg && (h->flags & F_PARK) && h->nparked < MAXPARK)
      h->parked[h->nparked++] = call->sid;
    else if (methods[i].req == &rp_pb_kill_request_msg)
      rp_ttrpc_conn_reply_status(c, call->sid, (int)(call->sid % 17), "kill %.*s",
                                 (int)call->payload.len, call->payload.p ? call->payload.p : "");
    else if (methods[i].req == &rp_pb_state_request_msg) {
      // A reply four times the request: too large for the send buffer
      // becomes RESOURCE_EXHAUSTED (reachable in ttrpc_small).
      struct rp_pb_state_response st = { .id = ((struct rp_pb_id_request *)msg)->id,
                                         .bundle = call->payload, .pid = call->sid,
                                         .stdin_ = call->payload, .stdout_ = call->payload,
                                         .stderr_ = call->payload };
      rp_ttrpc_conn_reply(c, call->sid, &rp_pb_state_response_msg, &st);
    } else  // echo the request: a reply built from slices into the input
      rp_ttrpc_conn_reply(c, call->sid, methods[i].req, msg);
  }
  free(msg);
}

// What counts as the server moving (dropping an oversized frame moves
// only discard: a round can read and drop a full buffer).
struct snap {
  uint32_t in_off, in_len, out_len, discard;
  bool eof, dead;
};

static struct snap snap(const struct rp_ttrpc_conn *c)
{
  return (struct snap){ c->in_off, c->in_len, c->out_len, c->discard, c->eof, c->dead };
}

static int moved(struct snap a, struct snap b)
{
  return a.in_off != b.in_off || a.in_len != b.in_len || a.out_len != b.out_len ||
         a.discard != b.discard || a.eof != b.eof || a.dead != b.dead;
}

// One turn of the shim's loop; 1 if anything moved.
static int serve(struct h *h)
{
  struct rp_ttrpc_conn *c = h->srv;
  struct rp_ttrpc_call call;
  struct rp_err e = { 0 };
  struct snap before = snap(c);
  if (!rp_ttrpc_conn_events(c)) return 0;   // the shim has closed it
  int r = rp_ttrpc_conn_read(c, &e);
  FUZZ_CHECK(r >= 0 || r == -EAGAIN || c->dead, "read %d", r);
  bounds(c);
  while ((r = rp_ttrpc_conn_next(c, &call, &e)) == 1) {
    dispatch(h, &call);
    bounds(c);
  }
  if (r < 0) {
    fuzz_check_err(r, &e);
    FUZZ_CHECK(c->dead, "next() failed (%s) on a live connection", e.msg);
  }
  rp_ttrpc_conn_flush(c, &e);
  bounds(c);
  return moved(before, snap(c));
}

// The client reads what it can; 1 if anything moved.
static int client(struct h *h)
{
  struct rp_ttrpc_conn *c = h->cli;
  struct rp_ttrpc_reply rep;
  struct rp_err e = { 0 };
  int r = rp_ttrpc_conn_read(c, &e), got = r > 0;
  FUZZ_CHECK(r > 0 || r == -EAGAIN, "client read %d: %s", r, e.msg);
  while ((r = rp_ttrpc_conn_next_reply(c, &rep, &e)) == 1) {
    got = 1;
    FUZZ_CHECK(rep.code >= 0 && rep.code <= 16, "reply code %d", (int)rep.code);
    FUZZ_CHECK(!rp_pb_str_eq(rep.message, "ttrpc: undecodable response"), "undecodable reply");
    FUZZ_CHECK(!rp_pb_str_eq(rep.message, "ttrpc: response too large for the receive buffer"),
               "reply larger than a buffer");
    for (size_t i = 0; i < h->nacc; i++)
      if (h->acc[i] == rep.sid) h->answered[i] = 1;
  }
  FUZZ_CHECK(r == 0, "client next_reply %d", r);
  bounds(c);
  return got;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < PREFIX) return 0;
  int sv[2];
  FUZZ_CHECK(!socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv), "socketpair");
  struct h h = { calloc(1, sizeof(*h.srv)), calloc(1, sizeof(*h.cli)), data[0], 0, NULL, NULL, 0,
                 size / RP_TTRPC_HDR + 1, { 0 }, 0 };
  h.acc = calloc(h.cap, sizeof(*h.acc));
  h.answered = calloc(h.cap, 1);
  rp_ttrpc_conn_init(h.srv, sv[0]);
  rp_ttrpc_conn_init(h.cli, sv[1]);
  if (h.flags & F_SMALLBUF) {
    int one = 1;
    for (int i = 0; i < 2; i++) {
      setsockopt(sv[i], SOL_SOCKET, SO_SNDBUF, &one, sizeof(one));
      setsockopt(sv[i], SOL_SOCKET, SO_RCVBUF, &one, sizeof(one));
    }
  }

  size_t off = PREFIX;
  int stall = 0, rounds = 0;
  for (unsigned k = 0; off < size && rp_ttrpc_conn_events(h.srv); k++) {
    size_t n = data[1 + k % 4] ? data[1 + k % 4] : size - off;
    if (n > size - off) n = size - off;
    ssize_t w = send(sv[1], data + off, n, MSG_DONTWAIT | MSG_NOSIGNAL);
    int any = w > 0;
    if (w > 0) off += (size_t)w;
    any |= serve(&h);
    if (!(h.flags & F_NOREAD)) any |= client(&h);
    stall = any ? 0 : stall + 1;
    FUZZ_CHECK(stall < 3, "stalled with %zu bytes unsent: the server neither reads nor dies",
               size - off);
    FUZZ_CHECK(++rounds < ROUNDS, "feeding does not end");
  }
  shutdown(sv[1], SHUT_WR);
  // The server runs until it sees EOF (or has died).
  for (stall = 0; rp_ttrpc_conn_events(h.srv);) {
    int any = serve(&h) | client(&h);
    stall = any ? 0 : stall + 1;
    FUZZ_CHECK(stall < 3, "server neither reaches EOF nor dies");
    FUZZ_CHECK(++rounds < ROUNDS, "draining does not end");
  }
  // Parked Waits are answered as when the task exits; then everything is
  // flushed (the shim would close here, a test wants to see every reply).
  for (int i = 0; i < h.nparked && !h.srv->dead; i++) {
    struct rp_pb_wait_response resp = { .exit_status = h.parked[i] };
    rp_ttrpc_conn_reply(h.srv, h.parked[i], &rp_pb_wait_response_msg, &resp);
    bounds(h.srv);
  }
  for (stall = 0; !h.srv->dead;) {
    struct snap before = snap(h.srv);
    int r = rp_ttrpc_conn_flush(h.srv, NULL), any = client(&h);
    any |= moved(before, snap(h.srv));
    if (r == 0 && !any) break;
    stall = any ? 0 : stall + 1;
    FUZZ_CHECK(stall < 3, "flushing stalls");
    FUZZ_CHECK(++rounds < ROUNDS, "flushing does not end");
  }
  while (client(&h)) {}
  if (!h.srv->dead)
    for (size_t i = 0; i < h.nacc; i++)
      FUZZ_CHECK(h.answered[i], "call on stream %u never answered", h.acc[i]);

  close(sv[0]);
  close(sv[1]);
  free(h.acc);
  free(h.answered);
  free(h.srv);
  free(h.cli);
  return 0;
}
