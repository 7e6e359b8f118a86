// shim.c - the shim server's poll loop (see shim.h, shimint.h)
//
// Order inside one turn matters: parked Starts are settled before children
// are reaped, so a firmware that crashes right after starting still yields
// TaskStart before TaskExit.

#include "shimint.h"
#include "fmt.h"
#include "log.h"
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct shim shim;

long shim_now_ms(void)
{
  struct timespec t;
  rp_clock(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

struct rp_pb_timestamp shim_now_ts(void)
{
  struct timespec t;
  rp_clock(CLOCK_REALTIME, &t);
  return (struct rp_pb_timestamp){t.tv_sec, (int32_t)t.tv_nsec};
}

// A parked request whose connection closed (or was reused) is dropped.
static struct rp_ttrpc_conn *live(const struct waiter *w)
{
  struct conn *c = &shim.c[w->conn];
  return c->used && c->gen == w->gen ? &c->c : NULL;
}

void shim_reply(const struct waiter *w, const struct rp_pb_msg *d, const void *msg)
{
  struct rp_ttrpc_conn *c = live(w);
  if (c) rp_ttrpc_conn_reply(c, w->sid, d, msg);
}

void shim_reply_err(const struct waiter *w, int code, const char *fmt, ...)
{
  char msg[RP_ERR_MSG];
  va_list ap;
  va_start(ap, fmt);
  rp_vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  struct rp_ttrpc_conn *c = live(w);
  rp_log(RP_LOG_DEBUG, "<- error %d: %s", code, msg);
  if (c) rp_ttrpc_conn_reply_status(c, w->sid, code, "%s", msg);
}

static void drop_conn(int i)
{
  close(shim.c[i].c.fd);
  shim.c[i].used = 0;
  shim_task_conn_closed(i);  // its parked requests die with it
}

// With every slot taken, the connection that has owed a request longest
// (never sent one, or stopped in the middle of a frame) makes room: stalled
// clients must not lock the others out. -1 when every one has spoken.
static int victim(void)
{
  int v = -1;
  for (int i = 0; i < SHIM_CONNS; i++) {
    const struct conn *c = &shim.c[i];
    if (c->used && (!c->spoke || c->partial) && (v < 0 || c->since < shim.c[v].since)) v = i;
  }
  return v;
}

static int free_slot(void)
{
  for (int i = 0; i < SHIM_CONNS; i++)
    if (!shim.c[i].used) return i;
  int v = victim();
  if (v >= 0) {
    rp_log(RP_LOG_WARN, "too many connections; closing one that has sent no whole request");
    drop_conn(v);
  }
  return v;
}

static void accept_conn(long now)
{
  struct rp_err e;
  int fd = accept4(shim.lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) return;
  if (rp_ttrpc_peer_ok(fd, &e)) {  // only containerd's own user may drive us
    rp_log(RP_LOG_WARN, "%s", e.msg);
    close(fd);
    return;
  }
  int i = free_slot();
  if (i < 0) {
    rp_log(RP_LOG_WARN, "too many connections; refusing one");
    close(fd);
    return;
  }
  struct conn *c = &shim.c[i];  // field by field: the buffers stay untouched until used
  c->used = 1, c->gen = ++shim.gen, c->spoke = c->partial = 0, c->since = now;
  rp_ttrpc_conn_init(&c->c, fd);
}

static void serve_conn(int i, short revents, long now)
{
  struct conn *s = &shim.c[i];
  struct rp_ttrpc_conn *c = &s->c;
  struct rp_ttrpc_call call;
  struct rp_err e;
  if (revents & (POLLIN | POLLHUP | POLLERR)) rp_ttrpc_conn_read(c, &e);
  while (rp_ttrpc_conn_next(c, &call, &e) == 1) {
    s->spoke = 1;
    s->partial = 0;
    shim_task_call(i, &call);
  }
  rp_ttrpc_conn_flush(c, &e);
  if (!s->partial && rp_ttrpc_conn_partial(c)) s->since = now;
  s->partial = rp_ttrpc_conn_partial(c);
  if (s->partial && now - s->since >= SHIM_FRAME_MS) {
    rp_log(RP_LOG_WARN, "closing a connection that left a frame unfinished for %d s", SHIM_FRAME_MS / 1000);
    c->dead = true;
  }
  if (!rp_ttrpc_conn_events(c)) drop_conn(i);
}

static void reap(void)
{
  int status;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    if (rp_events_child(&shim.ev, pid, status, shim_now_ms())) continue;
    struct task *t = shim_task_by_pid(pid);
    if (t) shim_task_exited(t, status);  // guardians and helpers are just reaped
  }
}

static void on_signal(void)
{
  struct signalfd_siginfo si;
  while (read(shim.sigfd, &si, sizeof(si)) == sizeof(si)) {
    if (si.ssi_signo == SIGCHLD) continue;  // reaped below in any case
    if (!shim.stopping) shim.stop_deadline = shim_now_ms() + 2000;
    shim.stopping = 1;
  }
  reap();
}

static void settle_starts(struct pollfd *p, int n, long now)
{
  for (int i = 0; i < SHIM_TASKS; i++) {
    struct task *t = &shim.t[i];
    if (!t->used || t->start_fd < 0) continue;
    int ready = 0;
    for (int k = 0; k < n; k++) ready |= p[k].fd == t->start_fd && p[k].revents;
    if (ready || now >= t->start_deadline) shim_task_started(t, !ready);
  }
}

static int timeout_ms(long now, int ev_timeout)
{
  long t = ev_timeout < 0 ? LONG_MAX : ev_timeout;
  for (int i = 0; i < SHIM_TASKS; i++)
    if (shim.t[i].used && shim.t[i].start_fd >= 0 && shim.t[i].start_deadline - now < t)
      t = shim.t[i].start_deadline - now;
  if (shim.stopping && shim.stop_deadline - now < t) t = shim.stop_deadline - now;
  for (int i = 0; i < SHIM_CONNS; i++)
    if (shim.c[i].used && shim.c[i].partial && shim.c[i].since + SHIM_FRAME_MS - now < t)
      t = shim.c[i].since + SHIM_FRAME_MS - now;
  if (t == LONG_MAX) return -1;
  return t < 0 ? 0 : t > INT_MAX ? INT_MAX : (int)t;
}

// Build the poll set: listener, signals, events, connections, starts.
static int poll_set(struct pollfd *p, long now, int *ev_timeout)
{
  int n = 0;
  p[n++] = (struct pollfd){shim.stopping ? -1 : shim.lfd, POLLIN, 0};
  p[n++] = (struct pollfd){shim.sigfd, POLLIN, 0};
  *ev_timeout = rp_events_poll(&shim.ev, &p[n++], now);
  for (int i = 0; i < SHIM_CONNS; i++)
    p[n++] = (struct pollfd){shim.c[i].used ? shim.c[i].c.fd : -1,
                             shim.c[i].used ? rp_ttrpc_conn_events(&shim.c[i].c) : 0, 0};
  for (int i = 0; i < SHIM_TASKS; i++)
    if (shim.t[i].used && shim.t[i].start_fd >= 0) p[n++] = (struct pollfd){shim.t[i].start_fd, POLLIN, 0};
  return n;
}

static int done(long now)
{
  if (!shim.stopping) return 0;
  int flushed = !rp_events_pending(&shim.ev);
  for (int i = 0; i < SHIM_CONNS; i++)
    if (shim.c[i].used && shim.c[i].c.out_len) flushed = 0;
  return flushed || now >= shim.stop_deadline;
}

// Once stopping, the socket goes at once: a `start` for this group that
// comes meanwhile must bind a fresh server, not find this one on its way out.
static void stop_listening(void)
{
  if (shim.lfd < 0) return;
  close(shim.lfd);
  shim.lfd = -1;
  if (shim.socket[0]) unlink(shim.socket);
}

static void loop(void)
{
  struct pollfd p[3 + SHIM_CONNS + SHIM_TASKS];
  for (;;) {
    long now = shim_now_ms();
    if (shim.stopping) stop_listening();
    int evt, n = poll_set(p, now, &evt);
    if (done(now)) return;
    if (poll(p, (nfds_t)n, timeout_ms(now, evt)) < 0 && errno != EINTR) return;
    now = shim_now_ms();
    settle_starts(p + 3 + SHIM_CONNS, n - 3 - SHIM_CONNS, now);
    if (p[1].revents) on_signal();
    for (int i = 0; i < SHIM_CONNS; i++)
      if (shim.c[i].used) serve_conn(i, p[3 + i].revents, now);
    // After serving: a connection that just closed frees its slot, so the
    // next one reuses those buffer pages instead of touching new ones.
    if (p[0].revents && !shim.stopping) accept_conn(now);
    rp_events_run(&shim.ev, p[2].revents, now);
  }
}

// In each proxy and guardian: the shim's tables and buffers are not theirs.
static void forget_shim(void) { rp_proc_forget(&shim, sizeof(shim)); }

static int setup(const struct rp_shim_opts *o, int lfd, char *title, size_t cap)
{
  sigset_t set;
  struct rp_err e;
  // The state is static, so it starts zeroed and serving happens once per
  // process: no memset, which would make every page of it resident.
  shim.o = *o;
  shim.rt.child_hook = forget_shim;
  shim.rt.work = o->work;
  shim.rt.systemd_cgroup = -1;
  shim.lfd = lfd;
  struct sockaddr_un a;
  socklen_t alen = sizeof(a);
  if (!getsockname(lfd, (struct sockaddr *)&a, &alen) && alen > sizeof(sa_family_t) && a.sun_path[0])
    rp_strlcpy(shim.socket, a.sun_path, sizeof(shim.socket));
  shim.rt.title = title;
  shim.rt.title_cap = cap;
  if (rp_state_default_root(shim.rt.root, sizeof(shim.rt.root), &e)) return -1;
  // Proxies are grandchildren (create forks twice): be their reaper.
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD), sigaddset(&set, SIGTERM), sigaddset(&set, SIGINT);
  sigprocmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);
  shim.sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  shim.devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK);
  rp_events_init(&shim.ev, o->ttrpc, o->ns, o->publish_bin, o->grpc);
  return shim.sigfd < 0 || shim.devnull < 0 ? -1 : 0;
}

int rp_shim_serve(const struct rp_shim_opts *o, int lfd, char *title, size_t title_cap)
{
  if (setup(o, lfd, title, title_cap)) return 1;
  loop();
  stop_listening();
  for (int i = 0; i < SHIM_CONNS; i++)  // best effort: the last replies go out
    if (shim.c[i].used) rp_ttrpc_conn_flush(&shim.c[i].c, NULL);
  return 0;
}
