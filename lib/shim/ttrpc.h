// ttrpc.h - ttrpc frames, a poll-loop server connection, and a client
//
// Wire: protocol reference section B (10-byte header: data length u32 BE,
// stream id u32 BE, type u8, flags u8; data = protobuf ttrpc.Request or
// ttrpc.Response). Unary calls only: the shim's services and Events.Forward
// never stream.
//
// One struct rp_ttrpc_conn per socket, caller-owned (it holds both fixed
// buffers, ~128 KiB: keep it static, not on a small stack). Nothing blocks
// (the caller polls). A server loop looks like:
//
//   pfd.events = rp_ttrpc_conn_events(c);      // 0 → close the connection
//   poll(...);
//   if (pfd.revents & POLLIN) rp_ttrpc_conn_read(c, &e);
//   while (rp_ttrpc_conn_next(c, &call, &e) == 1) dispatch(c, &call);
//   rp_ttrpc_conn_flush(c, &e);                // also when POLLOUT fires
//
// dispatch() may answer at once or park call.sid and answer later (Wait):
// replies are queued by stream id in any order. Slices in a call (service,
// method, payload, ns) point into c->in and stay valid until the next
// rp_ttrpc_conn_read(); copy what a parked request needs.

#ifndef RP_TTRPC_H
#define RP_TTRPC_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "pb.h"

#define RP_TTRPC_HDR 10
#define RP_TTRPC_MAX_DATA 4194304u   // protocol maximum of one frame's data
#ifndef RP_TTRPC_BUF
#define RP_TTRPC_BUF 65536           // our receive and send buffer, each
#endif
#define RP_TTRPC_METADATA_MAX 16
#define RP_TTRPC_NS_KEY "containerd-namespace-ttrpc"

enum { RP_TTRPC_T_REQUEST = 1, RP_TTRPC_T_RESPONSE = 2, RP_TTRPC_T_DATA = 3 };

// google.rpc.Code values carried in Status.code
enum {
  RP_TTRPC_OK = 0,
  RP_TTRPC_CANCELLED = 1,
  RP_TTRPC_UNKNOWN = 2,
  RP_TTRPC_INVALID_ARGUMENT = 3,
  RP_TTRPC_DEADLINE_EXCEEDED = 4,
  RP_TTRPC_NOT_FOUND = 5,
  RP_TTRPC_ALREADY_EXISTS = 6,
  RP_TTRPC_PERMISSION_DENIED = 7,
  RP_TTRPC_RESOURCE_EXHAUSTED = 8,
  RP_TTRPC_FAILED_PRECONDITION = 9,
  RP_TTRPC_ABORTED = 10,
  RP_TTRPC_OUT_OF_RANGE = 11,
  RP_TTRPC_UNIMPLEMENTED = 12,
  RP_TTRPC_INTERNAL = 13,
  RP_TTRPC_UNAVAILABLE = 14,
  RP_TTRPC_DATA_LOSS = 15,
  RP_TTRPC_UNAUTHENTICATED = 16,
};

struct rp_ttrpc_request {    // ttrpc.Request
  struct rp_pb_str service, method, payload;
  int64_t timeout_nano;
  RP_PB_REPEATED(struct rp_pb_kv, RP_TTRPC_METADATA_MAX) metadata;
};
struct rp_ttrpc_response {   // ttrpc.Response
  struct rp_pb_status status;
  struct rp_pb_str payload;
};
extern const struct rp_pb_msg rp_ttrpc_request_msg, rp_ttrpc_response_msg;

struct rp_ttrpc_conn {
  int fd;
  bool eof;             // the peer closed the connection
  bool dead;            // I/O error, truncated frame or send backlog overflow
  uint32_t last_sid;    // server: highest request stream id accepted
  uint32_t next_sid;    // client: stream id of the next call (odd)
  uint32_t discard;     // bytes of an oversized frame still to drop
  uint32_t in_off, in_len, out_len;
  uint8_t in[RP_TTRPC_BUF];
  uint8_t out[RP_TTRPC_BUF];
};

// A request as the server sees it.
struct rp_ttrpc_call {
  uint32_t sid;
  struct rp_pb_str service, method, payload;
  int64_t timeout_nano;    // 0 = no deadline; else relative, from receipt
  struct rp_pb_str ns;     // first containerd-namespace-ttrpc value, or empty
};

// A response as the client sees it (code 0 = success, also when absent).
struct rp_ttrpc_reply {
  uint32_t sid;
  int32_t code;
  struct rp_pb_str message, payload;
};

// ---- both sides ---------------------------------------------------------

void rp_ttrpc_conn_init(struct rp_ttrpc_conn *c, int fd);
// Read what the socket has (never blocks). >0 bytes read, 0 = EOF (c->eof),
// -EAGAIN = nothing now (or input buffer full: drain next() first), other
// negative = error (c->dead). Moves unconsumed input: invalidates slices.
int rp_ttrpc_conn_read(struct rp_ttrpc_conn *c, struct rp_err *e);
// Write queued frames as far as the socket accepts. 0 = all sent, 1 = some
// still pending (poll POLLOUT), <0 = error (c->dead).
int rp_ttrpc_conn_flush(struct rp_ttrpc_conn *c, struct rp_err *e);
// poll() events to wait for: POLLIN, plus POLLOUT while output is pending;
// 0 once the connection is finished (eof or dead): close c->fd then.
// True while the peer owes the rest of a frame (after next() returned 0).
bool rp_ttrpc_conn_partial(const struct rp_ttrpc_conn *c);

short rp_ttrpc_conn_events(const struct rp_ttrpc_conn *c);

// ---- server -------------------------------------------------------------

// Next complete, valid request: 1 = *call filled, 0 = none yet, <0 = fatal
// (truncated frame at EOF, or the peer let our send buffer overflow).
// Protocol errors are answered here and never returned: even stream id or
// one not above the last → INVALID_ARGUMENT; undecodable Request or a Data
// frame → INVALID_ARGUMENT; frame larger than our buffer or than 4 MiB →
// its bytes are dropped unread and RESOURCE_EXHAUSTED goes back on it.
int rp_ttrpc_conn_next(struct rp_ttrpc_conn *c, struct rp_ttrpc_call *call, struct rp_err *e);
// Queue a successful Response whose payload is msg encoded with d (d NULL:
// empty payload, i.e. google.protobuf.Empty). A reply larger than the whole
// send buffer becomes RESOURCE_EXHAUSTED. 0, or <0 (c->dead on overflow).
int rp_ttrpc_conn_reply(struct rp_ttrpc_conn *c, uint32_t sid, const struct rp_pb_msg *d,
                        const void *msg);
// Queue an error Response {status: {code, message}} (no details).
int rp_ttrpc_conn_reply_status(struct rp_ttrpc_conn *c, uint32_t sid, int code,
                               const char *fmt, ...) __attribute__((format(printf, 4, 5)));
// UNIMPLEMENTED "service <name>" / "method <name>" (what containerd expects).
int rp_ttrpc_conn_no_service(struct rp_ttrpc_conn *c, const struct rp_ttrpc_call *call);
int rp_ttrpc_conn_no_method(struct rp_ttrpc_conn *c, const struct rp_ttrpc_call *call);
// Decode call->payload as d into msg; on failure answer INTERNAL on the
// call's stream and return <0 (the caller then just moves on).
int rp_ttrpc_conn_decode(struct rp_ttrpc_conn *c, const struct rp_ttrpc_call *call,
                         const struct rp_pb_msg *d, void *msg);
// Status code for a negative (or positive) errno value: ENOENT → NOT_FOUND…
int rp_ttrpc_code_of(int err);
// SO_PEERCRED uid and gid must equal our euid/egid. 0 or -EPERM.
int rp_ttrpc_peer_ok(int fd, struct rp_err *e);

// ---- client -------------------------------------------------------------

// Connect to a unix socket path, "unix://" prefix optional. Returns a
// non-blocking, close-on-exec fd or <0.
int rp_ttrpc_dial(const char *addr, struct rp_err *e);
// Queue a Request {service, method, payload = msg encoded with d (d NULL:
// empty), timeout_nano (0 = none), metadata containerd-namespace-ttrpc = ns
// (ns NULL: none)} on the next odd stream id, stored in *sid. 0 or <0.
int rp_ttrpc_conn_call(struct rp_ttrpc_conn *c, const char *service, const char *method,
                       const struct rp_pb_msg *d, const void *msg, const char *ns,
                       int64_t timeout_nano, uint32_t *sid, struct rp_err *e);
// Next Response: 1 = *r filled (match r->sid), 0 = none yet, <0 = fatal.
// An oversized or undecodable Response is reported as a reply with code
// RESOURCE_EXHAUSTED / INTERNAL. Slices point into c->in (see read()).
int rp_ttrpc_conn_next_reply(struct rp_ttrpc_conn *c, struct rp_ttrpc_reply *r,
                             struct rp_err *e);

#endif
