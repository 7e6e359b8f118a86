// ttrpc.c - ttrpc framing, non-blocking server connection, client
//
// Protocol reference section B: frame layout B.2, types B.3, stream id
// rules B.4, Request/Response B.5, server replies B.6. Everything works on
// the two fixed buffers of struct rp_ttrpc_conn; frames are built in place
// in the output buffer and only counted once complete, so a partial frame
// is never sent. Server and client stay in one file: they share the
// framing and buffer code that makes up most of it.

#include "ttrpc.h"
#include "fmt.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

_Static_assert(RP_TTRPC_BUF > RP_TTRPC_HDR && RP_TTRPC_BUF <= RP_TTRPC_MAX_DATA + RP_TTRPC_HDR,
               "RP_TTRPC_BUF out of range");

static const struct rp_pb_field request_f[] = {
  RP_PB_F(struct rp_ttrpc_request, 1, RP_PB_STRING, service),
  RP_PB_F(struct rp_ttrpc_request, 2, RP_PB_STRING, method),
  RP_PB_F(struct rp_ttrpc_request, 3, RP_PB_BYTES, payload),
  RP_PB_F(struct rp_ttrpc_request, 4, RP_PB_INT64, timeout_nano),
  RP_PB_R(struct rp_ttrpc_request, 5, RP_PB_MESSAGE, metadata, &rp_pb_kv_msg),
};
static const struct rp_pb_field response_f[] = {
  RP_PB_M(struct rp_ttrpc_response, 1, status, rp_pb_status_msg),
  RP_PB_F(struct rp_ttrpc_response, 2, RP_PB_BYTES, payload),
};
const struct rp_pb_msg rp_ttrpc_request_msg =
    RP_PB_MSG("ttrpc.Request", struct rp_ttrpc_request, request_f);
const struct rp_pb_msg rp_ttrpc_response_msg =
    RP_PB_MSG("ttrpc.Response", struct rp_ttrpc_response, response_f);

struct frame {
  uint32_t len, sid;
  uint8_t type, flags;
  const uint8_t *data;
};

static uint32_t get32(const uint8_t *p)
{
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

void rp_ttrpc_conn_init(struct rp_ttrpc_conn *c, int fd)
{
  c->fd = fd;
  c->eof = c->dead = false;
  c->last_sid = c->discard = 0;
  c->next_sid = 1;   // client streams are odd, starting at 1
  c->in_off = c->in_len = c->out_len = 0;
}

static int fail(struct rp_ttrpc_conn *c, struct rp_err *e, int code, const char *what)
{
  c->dead = true;
  return rp_errf(e, code, "%s: %s", what, strerror(code));
}

int rp_ttrpc_conn_read(struct rp_ttrpc_conn *c, struct rp_err *e)
{
  if (c->in_off) {
    memmove(c->in, c->in + c->in_off, c->in_len - c->in_off);
    c->in_len -= c->in_off;
    c->in_off = 0;
  }
  // Full means at least one complete frame waits (bigger ones are dropped
  // while they stream in): the caller must drain next() first.
  if (c->in_len == sizeof(c->in) || c->eof || c->dead) return -EAGAIN;
  ssize_t n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, MSG_DONTWAIT);
  if (n > 0) {
    c->in_len += (uint32_t)n;
    return (int)n;
  }
  if (n == 0) {
    c->eof = true;
    return 0;
  }
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return -EAGAIN;
  return fail(c, e, errno, "ttrpc: read");
}

int rp_ttrpc_conn_flush(struct rp_ttrpc_conn *c, struct rp_err *e)
{
  while (c->out_len && !c->dead) {
    ssize_t n = send(c->fd, c->out, c->out_len, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 1;
    if (n <= 0) return fail(c, e, n < 0 ? errno : EPIPE, "ttrpc: write");
    memmove(c->out, c->out + n, c->out_len - (size_t)n);
    c->out_len -= (uint32_t)n;
  }
  return c->dead ? -EPIPE : 0;
}

bool rp_ttrpc_conn_partial(const struct rp_ttrpc_conn *c) { return c->discard || c->in_len > c->in_off; }

short rp_ttrpc_conn_events(const struct rp_ttrpc_conn *c)
{
  if (c->dead || c->eof) return 0;
  return POLLIN | (c->out_len ? POLLOUT : 0);
}

static int truncated(struct rp_ttrpc_conn *c, struct rp_err *e)
{
  c->dead = true;
  return rp_errf(e, EPROTO, "ttrpc: connection closed in the middle of a frame");
}

// 1 = complete frame in *f, 2 = oversized frame (header only; its data is
// being dropped), 0 = need more input, <0 = truncated at EOF.
static int next_frame(struct rp_ttrpc_conn *c, struct frame *f, struct rp_err *e)
{
  uint32_t avail = c->in_len - c->in_off;
  if (c->discard) {
    uint32_t n = avail < c->discard ? avail : c->discard;
    c->in_off += n;
    c->discard -= n;
    avail -= n;
    if (c->discard) return c->eof ? truncated(c, e) : 0;
  }
  if (avail < RP_TTRPC_HDR) return c->eof && avail ? truncated(c, e) : 0;
  const uint8_t *h = c->in + c->in_off;
  f->len = get32(h);
  f->sid = get32(h + 4);
  f->type = h[8];
  f->flags = h[9];
  if (f->len > RP_TTRPC_MAX_DATA || f->len > sizeof(c->in) - RP_TTRPC_HDR) {
    c->in_off += RP_TTRPC_HDR;
    c->discard = f->len;
    return 2;
  }
  if (avail - RP_TTRPC_HDR < f->len) return c->eof ? truncated(c, e) : 0;
  f->data = h + RP_TTRPC_HDR;
  c->in_off += RP_TTRPC_HDR + f->len;
  return 1;
}

// ---- output -------------------------------------------------------------

typedef void body_fn(struct rp_pb_writer *w, const void *arg);

// Build one frame at the end of the output buffer. When it does not fit,
// try to send what is queued and retry once; still no room means the peer
// is not reading (-ENOBUFS, connection dead) or, with an empty buffer, that
// the frame alone is too big (-EMSGSIZE, connection fine).
static int put_frame(struct rp_ttrpc_conn *c, uint32_t sid, uint8_t type, body_fn *body,
                     const void *arg)
{
  struct rp_pb_writer w;
  for (int retry = 0;; retry++) {
    if (c->dead) return -EPIPE;
    size_t used = c->out_len + RP_TTRPC_HDR;
    size_t cap = used < sizeof(c->out) ? sizeof(c->out) - used : 0;
    rp_pb_writer_init(&w, cap ? c->out + used : c->out, cap);
    body(&w, arg);
    if (!w.err) break;
    if (w.err != -E2BIG) return w.err;
    if (!c->out_len) return -EMSGSIZE;
    if (retry || rp_ttrpc_conn_flush(c, NULL) < 0) {
      c->dead = true;
      return -ENOBUFS;
    }
  }
  uint8_t *h = c->out + c->out_len;
  put32(h, (uint32_t)w.len);
  put32(h + 4, sid);
  h[8] = type;
  h[9] = 0;
  c->out_len += RP_TTRPC_HDR + (uint32_t)w.len;
  return 0;
}

struct payload_arg {
  const struct rp_pb_msg *d;
  const void *msg;
};

// Response.payload is bytes holding a serialized message: on the wire that
// is the same as embedding the message as field 2, so encode it in place.
static void payload_body(struct rp_pb_writer *w, const void *arg)
{
  const struct payload_arg *a = arg;
  if (a->d) rp_pb_put_msg(w, 2, a->d, a->msg, false);
}

static void status_body(struct rp_pb_writer *w, const void *arg)
{
  rp_pb_put_msg(w, 1, &rp_pb_status_msg, arg, false);
}

static int reply_vstatus(struct rp_ttrpc_conn *c, uint32_t sid, int code, const char *fmt,
                         va_list ap)
{
  char msg[RP_ERR_MSG];
  struct rp_pb_status st = { .code = code };
  rp_vsnprintf(msg, sizeof(msg), fmt, ap);
  st.message = rp_pb_cstr(msg);
  return put_frame(c, sid, RP_TTRPC_T_RESPONSE, status_body, &st);
}

int rp_ttrpc_conn_reply_status(struct rp_ttrpc_conn *c, uint32_t sid, int code,
                               const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int rc = reply_vstatus(c, sid, code, fmt, ap);
  va_end(ap);
  return rc;
}

int rp_ttrpc_conn_reply(struct rp_ttrpc_conn *c, uint32_t sid, const struct rp_pb_msg *d,
                        const void *msg)
{
  struct payload_arg a = { d, msg };
  int rc = put_frame(c, sid, RP_TTRPC_T_RESPONSE, payload_body, &a);
  if (rc == -EMSGSIZE)
    return rp_ttrpc_conn_reply_status(c, sid, RP_TTRPC_RESOURCE_EXHAUSTED,
                                      "%s does not fit the %u-byte send buffer",
                                      d ? d->name : "reply",
                                      (unsigned)sizeof(c->out));
  return rc;
}

int rp_ttrpc_conn_no_service(struct rp_ttrpc_conn *c, const struct rp_ttrpc_call *call)
{
  return rp_ttrpc_conn_reply_status(c, call->sid, RP_TTRPC_UNIMPLEMENTED, "service %.*s",
                                    (int)call->service.len, call->service.p);
}

int rp_ttrpc_conn_no_method(struct rp_ttrpc_conn *c, const struct rp_ttrpc_call *call)
{
  return rp_ttrpc_conn_reply_status(c, call->sid, RP_TTRPC_UNIMPLEMENTED, "method %.*s",
                                    (int)call->method.len, call->method.p);
}

int rp_ttrpc_conn_decode(struct rp_ttrpc_conn *c, const struct rp_ttrpc_call *call,
                         const struct rp_pb_msg *d, void *msg)
{
  struct rp_err e;
  int rc = rp_pb_decode(d, call->payload.p, call->payload.len, msg, &e);
  if (rc < 0)
    rp_ttrpc_conn_reply_status(c, call->sid, RP_TTRPC_INTERNAL,
                               "ttrpc: cannot decode the payload: %s", e.msg);
  return rc;
}

// ---- server input -------------------------------------------------------

static struct rp_pb_str find_ns(const struct rp_ttrpc_request *rq)
{
  for (uint32_t i = 0; i < rq->metadata.n; i++)
    if (rp_pb_str_eq(rq->metadata.v[i].key, RP_TTRPC_NS_KEY)) return rq->metadata.v[i].value;
  return (struct rp_pb_str){ "", 0 };
}

// Answer a protocol violation with INVALID_ARGUMENT; 0 = nothing for the caller.
static int __attribute__((format(printf, 3, 4)))
reject(struct rp_ttrpc_conn *c, uint32_t sid, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  reply_vstatus(c, sid, RP_TTRPC_INVALID_ARGUMENT, fmt, ap);
  va_end(ap);
  return 0;
}

// 1 = a valid request is in *call; 0 = the frame was answered or dropped.
static int accept_request(struct rp_ttrpc_conn *c, const struct frame *f,
                          struct rp_ttrpc_call *call)
{
  struct rp_ttrpc_request rq;
  struct rp_err e;
  if (!(f->sid & 1)) return reject(c, f->sid, "StreamID must be odd for client initiated streams");
  if (f->type == RP_TTRPC_T_DATA)
    return reject(c, f->sid, "stream %u: data frames are not accepted (unary calls only)", f->sid);
  if (f->type != RP_TTRPC_T_REQUEST) return 0;   // a client sends nothing else
  if (f->sid <= c->last_sid)
    return reject(c, f->sid, "stream %u reused: stream ids must increase (last was %u)", f->sid,
                  c->last_sid);
  c->last_sid = f->sid;
  if (rp_pb_decode(&rp_ttrpc_request_msg, f->data, f->len, &rq, &e) < 0)
    return reject(c, f->sid, "undecodable request: %s", e.msg);
  *call = (struct rp_ttrpc_call){ f->sid, rq.service, rq.method, rq.payload, rq.timeout_nano,
                                  find_ns(&rq) };
  return 1;
}

int rp_ttrpc_conn_next(struct rp_ttrpc_conn *c, struct rp_ttrpc_call *call, struct rp_err *e)
{
  struct frame f;
  int rc;
  while ((rc = next_frame(c, &f, e)) > 0) {
    if (rc == 2)
      rp_ttrpc_conn_reply_status(c, f.sid, RP_TTRPC_RESOURCE_EXHAUSTED,
                                 "message of %u bytes exceeds this server's limit of %u",
                                 f.len, (unsigned)(sizeof(c->in) - RP_TTRPC_HDR));
    else if (accept_request(c, &f, call))
      return 1;
    if (c->dead)
      return rp_errf(e, ENOBUFS, "ttrpc: send buffer full, the peer does not read replies");
  }
  return rc;
}

int rp_ttrpc_code_of(int err)
{
  switch (err < 0 ? -err : err) {
  case 0: return RP_TTRPC_OK;
  case ECANCELED: return RP_TTRPC_CANCELLED;
  case EINVAL: return RP_TTRPC_INVALID_ARGUMENT;
  case ETIMEDOUT: return RP_TTRPC_DEADLINE_EXCEEDED;
  case ENOENT:
  case ESRCH: return RP_TTRPC_NOT_FOUND;
  case EEXIST: return RP_TTRPC_ALREADY_EXISTS;
  case EPERM:
  case EACCES: return RP_TTRPC_PERMISSION_DENIED;
  case ENOMEM:
  case ENOSPC:
  case EMSGSIZE: return RP_TTRPC_RESOURCE_EXHAUSTED;
  case EBUSY: return RP_TTRPC_FAILED_PRECONDITION;
  case ERANGE: return RP_TTRPC_OUT_OF_RANGE;
  case ENOSYS:
  case EOPNOTSUPP: return RP_TTRPC_UNIMPLEMENTED;
  case EAGAIN: return RP_TTRPC_UNAVAILABLE;
  default: return RP_TTRPC_UNKNOWN;
  }
}

int rp_ttrpc_peer_ok(int fd, struct rp_err *e)
{
  struct ucred cr;
  socklen_t len = sizeof(cr);
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0)
    return rp_errf(e, errno, "SO_PEERCRED: %s", strerror(errno));
  if (cr.uid != geteuid() || cr.gid != getegid())
    return rp_errf(e, EPERM, "peer pid %d runs as uid %u gid %u, we as uid %u gid %u",
                   (int)cr.pid, (unsigned)cr.uid, (unsigned)cr.gid, (unsigned)geteuid(),
                   (unsigned)getegid());
  return 0;
}

// ---- client -------------------------------------------------------------

int rp_ttrpc_dial(const char *addr, struct rp_err *e)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  if (!strncmp(addr, "unix://", 7)) addr += 7;
  // containerd reads an address without unix:// as an abstract socket; we
  // only ever talk to path sockets, so an empty path is an error.
  if (!*addr) return rp_errf(e, EINVAL, "ttrpc: empty socket address");
  if (rp_strlcpy(sa.sun_path, addr, sizeof(sa.sun_path)) < 0)
    return rp_errf(e, ENAMETOOLONG, "ttrpc: socket path too long: %s", addr);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return rp_errf(e, errno, "ttrpc: socket: %s", strerror(errno));
  if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
    int err = errno;
    close(fd);
    return rp_errf(e, err, "ttrpc: connect %s: %s", addr, strerror(err));
  }
  return fd;
}

struct call_arg {
  const char *service, *method, *ns;
  const struct rp_pb_msg *d;
  const void *msg;
  int64_t timeout_nano;
};

static void request_body(struct rp_pb_writer *w, const void *arg)
{
  const struct call_arg *a = arg;
  rp_pb_put_bytes(w, 1, a->service, strlen(a->service));
  rp_pb_put_bytes(w, 2, a->method, strlen(a->method));
  if (a->d) rp_pb_put_msg(w, 3, a->d, a->msg, false);   // bytes field = the message
  if (a->timeout_nano) {
    rp_pb_put_tag(w, 4, RP_PB_VARINT);
    rp_pb_put_varint(w, (uint64_t)a->timeout_nano);
  }
  if (a->ns) {
    struct rp_pb_kv kv = { RP_PB_S(RP_TTRPC_NS_KEY), rp_pb_cstr(a->ns) };
    rp_pb_put_msg(w, 5, &rp_pb_kv_msg, &kv, true);
  }
}

int rp_ttrpc_conn_call(struct rp_ttrpc_conn *c, const char *service, const char *method,
                       const struct rp_pb_msg *d, const void *msg, const char *ns,
                       int64_t timeout_nano, uint32_t *sid, struct rp_err *e)
{
  struct call_arg a = { service, method, ns, d, msg, timeout_nano };
  int rc = put_frame(c, c->next_sid, RP_TTRPC_T_REQUEST, request_body, &a);
  if (rc < 0)
    return rp_errf(e, -rc, "ttrpc: %s/%s: %s", service, method,
                   rc == -EMSGSIZE ? "request too large" : rc == -ENOBUFS ? "send buffer full"
                                                                          : strerror(-rc));
  *sid = c->next_sid;
  c->next_sid += 2;
  return 0;
}

int rp_ttrpc_conn_next_reply(struct rp_ttrpc_conn *c, struct rp_ttrpc_reply *r,
                             struct rp_err *e)
{
  struct rp_ttrpc_response rs;
  struct frame f;
  int rc;
  while ((rc = next_frame(c, &f, e)) > 0) {
    *r = (struct rp_ttrpc_reply){ .sid = f.sid };
    if (rc == 2) {
      r->code = RP_TTRPC_RESOURCE_EXHAUSTED;
      r->message = RP_PB_S("ttrpc: response too large for the receive buffer");
    } else if (f.type != RP_TTRPC_T_RESPONSE) {
      continue;   // a server sends nothing else to a unary client
    } else if (rp_pb_decode(&rp_ttrpc_response_msg, f.data, f.len, &rs, NULL) < 0) {
      r->code = RP_TTRPC_INTERNAL;
      r->message = RP_PB_S("ttrpc: undecodable response");
    } else {
      r->code = rs.status.code;
      r->message = rs.status.message;
      r->payload = rs.payload;
    }
    return 1;
  }
  return rc;
}

