// events.c - ordered event publishing (see events.h)

#include "events.h"
#include "log.h"
#include "proc.h"
#include "taskpb.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define EVENTS_SERVICE "containerd.services.events.ttrpc.v1.Events"
#define FORWARD_TIMEOUT_MS 5000

// Sets every field but the connection's buffers and the queue, so those
// pages stay untouched until used (ev is normally static, hence zeroed).
void rp_events_init(struct rp_events *ev, const char *ttrpc_addr, const char *ns,
                    const char *publish_bin, const char *grpc_addr)
{
  ev->fd = -1;
  ev->sid = 0;
  ev->child = 0;
  ev->killed = 0;
  ev->tries = 0;
  ev->next_ms = ev->deadline_ms = 0;
  ev->head = ev->count = 0;
  rp_strlcpy(ev->addr, ttrpc_addr ? ttrpc_addr : "", sizeof(ev->addr));
  rp_strlcpy(ev->ns, ns ? ns : "", sizeof(ev->ns));
  rp_strlcpy(ev->publish_bin, publish_bin ? publish_bin : "", sizeof(ev->publish_bin));
  rp_strlcpy(ev->grpc, grpc_addr ? grpc_addr : "", sizeof(ev->grpc));
}

int rp_events_pending(const struct rp_events *ev) { return (int)ev->count; }

// The head may be in flight (its settling pops it), so the one after it goes.
static int drop_oldest(struct rp_events *ev)
{
  if (!ev->sid && !ev->child) {
    rp_log(RP_LOG_WARN, "event queue full: %s dropped", ev->q[ev->head].topic);
    ev->head = (ev->head + 1) % RP_EVENTS_QUEUE;
    ev->count--;
    ev->tries = 0;
    return 0;
  }
  if (ev->count < 2) return -1;
  unsigned i = (ev->head + 1) % RP_EVENTS_QUEUE;
  rp_log(RP_LOG_WARN, "event queue full: %s dropped", ev->q[i].topic);
  for (unsigned k = 1; k + 1 < ev->count; k++) {
    unsigned to = (ev->head + k) % RP_EVENTS_QUEUE;
    ev->q[to] = ev->q[(to + 1) % RP_EVENTS_QUEUE];
  }
  ev->count--;
  return 0;
}

void rp_events_publish(struct rp_events *ev, const char *topic, const struct rp_pb_msg *d,
                       const void *msg)
{
  struct timespec now;
  if (ev->count == RP_EVENTS_QUEUE) {  // never block the loop: one event goes
    if (drop_oldest(ev) < 0) {
      rp_log(RP_LOG_WARN, "event queue full: %s not published", topic);
      return;
    }
  }
  struct rp_event *q = &ev->q[(ev->head + ev->count) % RP_EVENTS_QUEUE];
  struct rp_pb_any a;  // the payload is sent as an Any of type d->name
  int n = rp_pb_any_pack(&a, d, msg, q->data, sizeof(q->data));
  if (n < 0) {
    rp_log(RP_LOG_WARN, "event %s larger than %d bytes: not published", topic, RP_EVENTS_SIZE);
    return;
  }
  rp_clock(CLOCK_REALTIME, &now);
  rp_strlcpy(q->topic, topic, sizeof(q->topic));
  q->type = a.type_url.p;
  q->len = (uint32_t)n;
  q->sec = now.tv_sec;
  q->nsec = (int32_t)now.tv_nsec;
  ev->count++;
}

static void close_conn(struct rp_events *ev)
{
  if (ev->fd >= 0) close(ev->fd);
  ev->fd = -1;
  ev->sid = 0;
}

static void done(struct rp_events *ev, int ok, long now)
{
  if (!ok) rp_log(RP_LOG_DEBUG, "publishing %s failed (attempt %d)", ev->q[ev->head].topic, ev->tries + 1);
  ev->sid = 0;
  ev->child = 0;
  ev->killed = 0;
  if (!ok && ++ev->tries < RP_EVENTS_TRIES) {
    ev->next_ms = now + (1000L << (ev->tries - 1));
    return;
  }
  ev->head = (ev->head + 1) % RP_EVENTS_QUEUE;  // sent, or given up on
  ev->count--;
  ev->tries = 0;
  ev->next_ms = now;
}

static struct rp_pb_any any_of(const struct rp_event *q)
{
  struct rp_pb_any a = {rp_pb_cstr(q->type), {(const char *)q->data, q->len}};
  return a;
}

// The legacy path: `<publish-binary> --address A publish --topic T --namespace N`
// with the serialized Any on stdin.
static int spawn_publisher(struct rp_events *ev, const struct rp_event *q)
{
  unsigned char buf[RP_EVENTS_SIZE + 128];
  struct rp_pb_any a = any_of(q);
  int n = rp_pb_encode(&rp_pb_any_msg, &a, buf, sizeof(buf)), in[2];
  if (n < 0 || !ev->publish_bin[0] || pipe2(in, O_CLOEXEC)) return -1;
  pid_t pid = _Fork();
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);  // the shim blocks signals it polls for
    char *argv[] = {ev->publish_bin, "--address", ev->grpc, "publish", "--topic",
                    (char *)q->topic, "--namespace", ev->ns, NULL};
    dup2(in[0], 0);
    rp_proc_close_from(3);
    execv(ev->publish_bin, argv);
    _exit(127);
  }
  close(in[0]);
  if (pid > 0) (void)!write(in[1], buf, (size_t)n);  // fits in the pipe: never blocks
  close(in[1]);
  if (pid < 0) return -1;
  ev->child = pid;
  return 0;
}

static int forward(struct rp_events *ev, const struct rp_event *q)
{
  struct rp_pb_forward_request f = {0};
  struct rp_err e;
  f.envelope.timestamp = (struct rp_pb_timestamp){q->sec, q->nsec};
  f.envelope.namespace = rp_pb_cstr(ev->ns);
  f.envelope.topic = rp_pb_cstr(q->topic);
  f.envelope.event = any_of(q);
  if (ev->fd < 0) {
    if ((ev->fd = rp_ttrpc_dial(ev->addr, &e)) < 0) {
      rp_log(RP_LOG_DEBUG, "%s", e.msg);
      return -1;
    }
    rp_ttrpc_conn_init(&ev->conn, ev->fd);
  }
  if (rp_ttrpc_conn_call(&ev->conn, EVENTS_SERVICE, "Forward", &rp_pb_forward_request_msg, &f,
                         ev->ns, (int64_t)FORWARD_TIMEOUT_MS * 1000000, &ev->sid, &e) < 0) {
    close_conn(ev);
    return -1;
  }
  rp_ttrpc_conn_flush(&ev->conn, &e);
  return 0;
}

static void attempt(struct rp_events *ev, long now)
{
  const struct rp_event *q = &ev->q[ev->head];
  ev->deadline_ms = now + FORWARD_TIMEOUT_MS;
  if (ev->addr[0] && forward(ev, q) == 0) return;
  if (spawn_publisher(ev, q) == 0) return;
  done(ev, 0, now);
}

// Read replies; the one for our stream settles the event in flight.
static void receive(struct rp_events *ev, short revents, long now)
{
  struct rp_ttrpc_reply r;
  struct rp_err e;
  if (revents & POLLOUT) rp_ttrpc_conn_flush(&ev->conn, &e);
  if (revents & (POLLIN | POLLHUP | POLLERR)) rp_ttrpc_conn_read(&ev->conn, &e);
  while (ev->sid && rp_ttrpc_conn_next_reply(&ev->conn, &r, &e) == 1) {
    if (r.code) rp_log(RP_LOG_DEBUG, "containerd refused event: %.*s", (int)r.message.len, r.message.p);
    if (r.sid == ev->sid) done(ev, r.code == 0, now);
  }
  if (!rp_ttrpc_conn_events(&ev->conn)) {  // containerd went away: reconnect later
    int inflight = ev->sid != 0;
    close_conn(ev);
    if (inflight) done(ev, 0, now);
  }
}

void rp_events_run(struct rp_events *ev, short revents, long now)
{
  if (ev->fd >= 0) receive(ev, revents, now);
  if ((ev->sid || ev->child) && now >= ev->deadline_ms) {
    if (ev->child) {  // a hung publisher: kill it once; the loop reaps it
      if (!ev->killed) kill(ev->child, SIGKILL);
      ev->killed = 1;
      return;
    }
    close_conn(ev);  // a late reply must not settle the next event
    done(ev, 0, now);
  }
  if (!ev->sid && !ev->child && ev->count && now >= ev->next_ms) attempt(ev, now);
}

int rp_events_child(struct rp_events *ev, pid_t pid, int status, long now)
{
  if (!ev->child || pid != ev->child) return 0;
  done(ev, status == 0, now);
  return 1;
}

int rp_events_poll(struct rp_events *ev, struct pollfd *p, long now)
{
  p->fd = ev->fd;
  p->events = ev->fd >= 0 ? rp_ttrpc_conn_events(&ev->conn) : 0;
  p->revents = 0;
  if (ev->killed) return -1;  // only the publisher's reaping moves us on
  if (ev->sid || ev->child) return ev->deadline_ms > now ? (int)(ev->deadline_ms - now) : 0;
  if (!ev->count) return -1;
  return ev->next_ms > now ? (int)(ev->next_ms - now) : 0;
}
