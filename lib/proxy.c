// proxy.c - the process that holds a remote processor (see proxy.h)
//
// One poll loop: the control socket (start), a signalfd (stop requests), the
// log source, and a 50 ms tick while running. Nothing here allocates.

#include "proxy.h"
#include "fmt.h"
#include "cdi.h"
#include "claim.h"
#include "coredump.h"
#include "fs.h"
#include "path.h"
#include "proc.h"
#include "rpmsg.h"
#include "state.h"
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct px {
  const struct rp_proxy_cfg *c;
  struct rp_rproc p;
  char fw[RP_FW_NAME_MAX];   // firmware we started
  int running, sigfd;
  int logdead, outdead;      // the tty hung up; nobody reads our stdout
  int had_trace;             // trace0 existed while running
  int fd_state, fd_fw;       // sysfs attributes kept open for polling
  int last_state;            // what the previous tick read, or -1
  unsigned ticks;            // ticks since the start: the slower cadences
  long unsure_since;         // when a possible kernel recovery began, or 0
  long unknown_since;        // when a word no kernel shows appeared, or 0
  long trace_next;           // no trace0: when to look for it again
  int chans, seen;           // rpmsg channels now, ever
  struct rp_trace trace;
  int dump_seen;             // the last crash dump saved (its devcdN), or -1
  char dump[RP_PATH_MAX];    // its file
  char out[8192];            // log text waiting for a slow reader
  size_t outlen, dropped;
  char in[4096];             // stdin waiting for the firmware's tty to take it
  size_t inlen;
  int tty, indead;           // the log source takes input; stdin ended
  enum { OUT_OWN, OUT_SOCK, OUT_GUARDED } out_mode;  // see setup_out
};

static long now_ms(void)
{
  struct timespec t;
  rp_clock(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void set_title(const struct rp_proxy_cfg *c)
{
  char comm[16];
  rp_fmt(comm, sizeof(comm), "rproxy:%s", c->id);
  rp_proc_set_name(comm);
  if (!c->title || c->title_cap < 2) return;
  memset(c->title, 0, c->title_cap);
  rp_fmt(c->title, c->title_cap, "remoteproc-proxy %s %s", c->id, c->sandbox ? "(sandbox)" : c->proc.name);
}

// Lifecycle news for the container's stderr: `docker logs` shows why it ended.
static void say(struct px *x, const char *fmt, const char *arg)
{
  char line[RP_ERR_MSG + 64];
  int n = rp_snprintf(line, sizeof(line), "remoteproc-runtime: ");
  n += rp_snprintf(line + n, sizeof(line) - (size_t)n, fmt, x->c->proc.name, arg);
  if (n > (int)sizeof(line) - 2) n = (int)sizeof(line) - 2;
  line[n++] = '\n';
  (void)!write(2, line, (size_t)n);
}

static void flush_out(struct px *x);

static int finish(struct px *x, int code, const char *reason)
{
  char line[RP_ERR_MSG + 32];
  int fd = openat(x->c->statedir, "exit", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd >= 0) {
    rp_fmt(line, sizeof(line), "%d %s\n", code, reason);
    rp_fs_write_all(fd, line, strlen(line));
    close(fd);
  }
  flush_out(x);  // best effort: it never blocks
  return code;
}

// Queue log text; when the reader lags, keep what is queued and count the rest.
static void relay(struct px *x, const char *s, size_t n)
{
  size_t room = sizeof(x->out) - x->outlen, take = n < room ? n : room;
  memcpy(x->out + x->outlen, s, take);
  x->outlen += take;
  x->dropped += n - take;
}

// A slow log reader must never stall the loop. O_NONBLOCK belongs to the
// open file description, which may be the caller's (a shell's terminal, a
// parent's pipe), so it is set only on one of our own (c->own_out); a socket
// gets MSG_DONTWAIT on each send; anything else is written in small pieces
// when poll says it has room (a pipe then has a free page, a tty its room).
static void setup_out(struct px *x)
{
  struct stat st;
  if (fstat(1, &st)) return;
  x->out_mode = S_ISSOCK(st.st_mode) ? OUT_SOCK : x->c->own_out || S_ISREG(st.st_mode) ? OUT_OWN : OUT_GUARDED;
  if (x->out_mode == OUT_OWN && !S_ISREG(st.st_mode)) fcntl(1, F_SETFL, fcntl(1, F_GETFL) | O_NONBLOCK);
}

static ssize_t out_write(struct px *x)
{
  size_t n = x->outlen;
  if (x->out_mode == OUT_SOCK) return send(1, x->out, n, MSG_DONTWAIT | MSG_NOSIGNAL);
  if (x->out_mode == OUT_GUARDED) {
    struct pollfd p = {1, POLLOUT, 0};
    if (poll(&p, 1, 0) < 1) {  // no room (a hangup or error shows in the write)
      errno = EAGAIN;
      return -1;
    }
    if (n > 256) n = 256;
  }
  return write(1, x->out, n);
}

static void flush_out(struct px *x)
{
  while (x->outlen && !x->outdead) {
    ssize_t w = out_write(x);
    if (w < 0 && errno != EAGAIN && errno != EINTR) x->outdead = 1;  // reader gone for good
    if (w <= 0) return;
    memmove(x->out, x->out + w, x->outlen - (size_t)w);
    x->outlen -= (size_t)w;
  }
  if (x->dropped) {
    char note[64];
    rp_fmt(note, sizeof(note), "[remoteproc-runtime: %zu bytes of firmware log dropped]\n", x->dropped);
    x->dropped = 0;
    relay(x, note, strlen(note));
  }
}

int rp_proxy_stop_ours(const struct rp_rproc *p, const char *fw, int lockfd, struct rp_err *e)
{
  char cur[RP_FW_NAME_MAX];
  int lock = lockfd >= 0 ? rp_claim_lock_hold(lockfd, 1, e) : rp_claim_lock(e), stopped = 0;
  if (lock < 0) return lock;
  for (int i = 0; i < 16; i++) {  // starts are reference counted: stop until offline
    int s = rp_rproc_settled(p, RP_RPROC_SETTLE_MS, e);  // a stop is never written twice for one
    if (s == -ETIMEDOUT) stopped = s;
    if (s < 0 || s == RP_RS_OFFLINE || !fw[0]) break;
    if (rp_rproc_read(p, "firmware", cur, sizeof(cur), NULL) < 0 || strcmp(cur, fw)) break;
    int r = rp_rproc_stop(p, e);
    if (r) {
      stopped = r;
      break;
    }
    stopped = 1;
  }
  if (lockfd >= 0) rp_claim_lock_hold(lockfd, 0, NULL);
  else rp_claim_unlock(lock);
  return stopped;
}

// Start the processor with firmware fw; reply holds "ok" or "err ...".
static int do_start(struct px *x, const char *fw, char *reply, size_t cap)
{
  struct rp_err e = {0};
  char cur[RP_FW_NAME_MAX] = "";
  if (x->c->sandbox) return rp_fmt(reply, cap, "ok"), 0;
  int s = rp_rproc_settled(&x->p, RP_PROXY_START_TIMEOUT, &e);
  rp_rproc_read(&x->p, "firmware", cur, sizeof(cur), NULL);
  if (s == RP_RS_RUNNING && !strcmp(cur, fw)) {  // a retried start: never start twice
    rp_strlcpy(x->fw, fw, sizeof(x->fw));
    return rp_fmt(reply, cap, "ok"), 0;
  }
  if (s >= 0 && s != RP_RS_OFFLINE)
    rp_errf(&e, EBUSY, "processor %s is %s with firmware %s that this container did not start",
            x->p.name, rp_rstate_name(s), cur);
  if (!e.code && strcmp(cur, fw)) rp_rproc_write(&x->p, "firmware", fw, &e);
  if (!e.code) rp_rproc_write(&x->p, "state", "start", &e);
  if (!e.code) {
    rp_strlcpy(x->fw, fw, sizeof(x->fw));
    s = rp_rproc_wait(&x->p, RP_RS_RUNNING, RP_PROXY_START_TIMEOUT, &e);
    if (s >= 0 && s != RP_RS_RUNNING)
      rp_errf(&e, ETIMEDOUT, "processor %s did not reach running within %d ms (state %s)", x->p.name,
              RP_PROXY_START_TIMEOUT, rp_rstate_name(s));
  }
  static struct rp_rpmsg m;
  if (!e.code && x->c->wait_rpmsg[0] && rp_rpmsg_wait(&x->p, x->c->wait_rpmsg, x->c->wait_ms, &m, &e))
    rp_proxy_stop_ours(&x->p, fw, x->c->claims, NULL);  // left offline
  if (e.code) return rp_fmt(reply, cap, "err %s", e.msg), -1;
  return rp_fmt(reply, cap, "ok"), 0;
}

// Once a second while running: the processor's rpmsg channels. When their
// number moved the CDI spec is written again; when they come back after
// they went (a running container's channels go only in a kernel recovery)
// the log says so. A recovery quicker than a look goes unnoticed here.
static void rpmsg_look(struct px *x)
{
  static struct rp_rpmsg m;
  char names[256];
  int n = rp_rpmsg_scan(&x->p, &m, 0), back = n && !x->chans && x->seen;
  if (n != x->chans) rp_cdi_write(NULL, NULL, 0, NULL);
  x->chans = n, x->seen |= n;
  if (!back) return;
  rp_rpmsg_names(&m, names, sizeof(names));
  say(x, "rpmsg channels of %s are back: %s", names);
}

// The container's status is "running" while this proxy lives and this file
// exists (rp_state_status): written before the reply, so a starter that
// dies before it records the start leaves no doubt.
static void mark_started(struct px *x)
{
  int fd = openat(x->c->statedir, "started", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd >= 0) close(fd);
}

// A control connection: one request, one reply. Returns an exit code when
// the proxy must end, else -1.
static int on_ctl(struct px *x)
{
  char msg[RP_PROXY_MSG], reply[RP_PROXY_MSG];
  int fd = accept4(x->c->ctl, NULL, NULL, SOCK_CLOEXEC);
  if (fd < 0) return -1;
  struct timeval tv = {2, 0};  // a peer that never writes must not hold us
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ssize_t n = recv(fd, msg, sizeof(msg) - 1, 0);
  int code = -1;
  msg[n > 0 ? n : 0] = 0;
  if (n <= 0 || strncmp(msg, "start ", 6)) {
    rp_fmt(reply, sizeof(reply), "err unknown request");
  } else if (x->running) {
    rp_fmt(reply, sizeof(reply), "err container %s is already running", x->c->id);
  } else if (do_start(x, msg + 6, reply, sizeof(reply)) == 0) {
    x->running = 1;
    mark_started(x);
    rpmsg_look(x);
  } else {
    code = RP_PROXY_NOSTART;
    finish(x, code, reply + 4);
  }
  send(fd, reply, strlen(reply), MSG_NOSIGNAL);
  close(fd);
  return code;
}

// Firmware without a resource table has no trace0 (unless a kernel recovery
// or an attached processor brings one): look for it once a second, not on
// every tick.
static int trace_due(const struct px *x)
{
  return x->c->has_rsc || x->trace.fd >= 0 || now_ms() >= x->trace_next;
}

// Reads of the log source per wake-up: a source that never runs dry (a
// FIFO flooded by its writer) must still leave the loop to its signals and
// its state tick; what is left is read at the next turn.
#define LOG_READS 16

static void pump_log(struct px *x)
{
  char buf[4096];
  int n = 0;
  if (x->c->logfd >= 0 && !x->logdead) {
    for (int k = 0; k < LOG_READS && (n = (int)read(x->c->logfd, buf, sizeof(buf))) > 0; k++) relay(x, buf, (size_t)n);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
      x->logdead = 1;  // only a tty ends (a FIFO is held open for writing too)
      say(x, "the tty of %s hung up%s", "");
    }
  } else if (x->c->trace && !x->c->sandbox && trace_due(x)) {
    for (int k = 0; k < LOG_READS && (n = rp_trace_poll(&x->trace, buf, sizeof(buf))) > 0; k++) relay(x, buf, (size_t)n);
    if (n == -ENOENT && !x->c->has_rsc) x->trace_next = now_ms() + 1000;
  }
  flush_out(x);
}

// The container's stdin goes to the firmware's tty (its shell). While the
// tty takes no more, stdin is left unread (poll skips it once the buffer is
// full): input waits in the caller's pipe or terminal, none is dropped.
// stdin is read only when poll found it readable (it may be a blocking pipe
// of the caller's); its end only means no more input.
static void pump_in(struct px *x, int readable)
{
  ssize_t n = readable ? read(0, x->in + x->inlen, sizeof(x->in) - x->inlen) : 0;
  if (n > 0) x->inlen += (size_t)n;
  else if (readable && (n == 0 || (errno != EAGAIN && errno != EINTR))) x->indead = 1;
  n = x->inlen ? write(x->c->logfd, x->in, x->inlen) : 0;
  if (n <= 0) return;
  memmove(x->in, x->in + n, x->inlen - (size_t)n);
  x->inlen -= (size_t)n;
}

// With recovery enabled the kernel answers a crash by showing "crashed",
// then "offline" while it starts the same firmware again. Only a user's
// stop removes trace0, so when there was one its absence settles it;
// otherwise give the kernel as long as a start may take.
static int recovering(struct px *x, int s)
{
  if (!rp_rproc_may_recover(&x->p, s, x->had_trace || x->c->has_rsc, x->trace.path)) return 0;
  long now = now_ms();
  if (!x->unsure_since) x->unsure_since = now;
  return now - x->unsure_since < RP_PROXY_START_TIMEOUT;
}

// A word no kernel shows is a driver on plain files still answering a
// write: waited on for as long as a start may take, never answered.
static int unsettled(struct px *x, int s)
{
  if (s != RP_RS_UNKNOWN) return x->unknown_since = 0;
  long now = now_ms();
  if (!x->unknown_since) x->unknown_since = now;
  return now - x->unknown_since < RP_PROXY_START_TIMEOUT;
}

// The state on every tick through a descriptor kept open: one pread. The
// firmware name only when the state moved, or every RP_PROXY_FW_TICKS:
// replacing it takes a stop and a start, which a tick sees unless both fall
// between two looks. Returns the state, or -1 when it is gone.
static int look(struct px *x, char *fw, size_t cap)
{
  char st[32];
  fw[0] = 0;
  if (x->fd_state < 0) x->fd_state = rp_rproc_open(&x->p, "state");
  if (x->fd_state < 0 || rp_rproc_reread(x->fd_state, st, sizeof(st)) < 0) return -1;
  int s = (int)rp_rstate_parse(st);
  if (s == x->last_state && x->ticks % RP_PROXY_FW_TICKS) return s;
  if (x->fd_fw < 0) x->fd_fw = rp_rproc_open(&x->p, "firmware");
  if (x->fd_fw < 0 || rp_rproc_reread(x->fd_fw, fw, cap) < 0) fw[0] = 0;
  return s;
}

// A crash dump of our processor, when the container asked for them, is
// saved and named in the log. recover: see rp_core_keep.
static void keep_dump(struct px *x, int recover)
{
  struct rp_err e;
  if (rp_core_keep(&x->p, recover, &x->dump_seen, x->c->core_fd, x->c->core_dir, x->c->id, x->dump,
                   sizeof(x->dump), &e))
    say(x, "no crash dump of %s: %s", e.msg), x->dump[0] = 0;
  else
    say(x, "crash dump of %s saved as %s", x->dump);
}

// A crash with the kernel's recovery disabled. The kernel takes a dump only
// in a recovery, so when one is wanted the proxy asks for a recovery (which
// dumps, then starts the firmware again) and then stops the processor: the
// container still ends as crashed, and the firmware runs only a moment.
static int crashed(struct px *x)
{
  char why[RP_ERR_MSG];
  say(x, "firmware on %s crashed%s; stopping the processor", "");
  if (x->c->core_fd >= 0) keep_dump(x, 1);
  rp_rproc_stop(&x->p, NULL);
  rp_fmt(why, sizeof(why), "the firmware crashed%s%s", x->dump[0] ? "; crash dump " : "", x->dump);
  return finish(x, RP_PROXY_CRASHED, why);
}

// One look at the processor while running; an exit code when it ended. The
// log is fetched every RP_PROXY_LOG_TICKS and at once when the state moved,
// so the lines before a crash are out before the proxy says it ended.
static int tick(struct px *x)
{
  char cur[RP_FW_NAME_MAX];
  x->ticks++;
  if (x->c->sandbox) {
    pump_log(x);
    return -1;
  }
  int s = look(x, cur, sizeof(cur)), moved = s != x->last_state;
  x->last_state = s;
  if (moved || x->ticks % RP_PROXY_LOG_TICKS == 0) pump_log(x);
  if (s < 0) {
    say(x, "processor %s disappeared%s", "");
    return finish(x, RP_PROXY_GONE, "the processor disappeared");
  }
  if (cur[0] && strcmp(cur, x->fw)) {
    say(x, "someone else replaced the firmware of %s with %s", cur);
    return finish(x, RP_PROXY_LOST, "someone else replaced the firmware");
  }
  if (unsettled(x, s)) return -1;
  // With the kernel's recovery enabled, the kernel dumps by itself; inline,
  // its recovery waits for the dump to be read.
  if (x->c->core_fd >= 0 && (s != RP_RS_RUNNING || x->ticks % RP_PROXY_FW_TICKS == 0) &&
      rp_core_pending(&x->p, x->dump_seen) >= 0)
    keep_dump(x, 0);
  if (s == RP_RS_RUNNING || s == RP_RS_ATTACHED) {
    if (x->unsure_since) say(x, "firmware on %s crashed%s; the kernel recovered it", "");
    x->unsure_since = 0;
    if (x->ticks % RP_PROXY_FW_TICKS == 0) rpmsg_look(x);
    x->had_trace |= x->trace.fd >= 0;
    return -1;
  }
  if (recovering(x, s)) return -1;
  if (s == RP_RS_CRASHED) return crashed(x);
  say(x, "%s was stopped by someone else (state %s)", rp_rstate_name(s));
  return finish(x, RP_PROXY_LOST, "someone else stopped the processor");
}

static int on_signal(struct px *x)
{
  struct signalfd_siginfo si;
  if (read(x->sigfd, &si, sizeof(si)) != sizeof(si)) return -1;
  if (si.ssi_signo != SIGTERM && si.ssi_signo != SIGINT && si.ssi_signo != SIGHUP &&
      si.ssi_signo != SIGQUIT)
    return -1;  // other signals mean nothing to a remote processor
  pump_log(x);
  if (x->running && !x->c->sandbox) {
    struct rp_err e;
    if (rp_proxy_stop_ours(&x->p, x->fw, x->c->claims, &e) < 0) say(x, "cannot stop %s: %s", e.msg);
  }
  return finish(x, RP_PROXY_STOPPED, "stopped on request");
}

static int setup_signals(void)
{
  sigset_t set;
  // Every signal a sender can aim at us arrives on the signalfd, so none
  // ends the proxy by its default action (kill ID ALRM must not stop the
  // firmware). Fault signals stay unblocked: they come from our own bugs.
  sigfillset(&set);
  sigdelset(&set, SIGSEGV), sigdelset(&set, SIGBUS), sigdelset(&set, SIGFPE);
  sigdelset(&set, SIGILL), sigdelset(&set, SIGTRAP), sigdelset(&set, SIGSYS);
  sigprocmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);
  return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

// Wait for create to commit; 0 when committed, else the proxy must vanish.
static int wait_commit(struct px *x)
{
  struct pollfd p[2] = {{x->c->sync, POLLIN, 0}, {x->sigfd, POLLIN, 0}};
  for (;;) {
    if (poll(p, 2, -1) < 0 && errno != EINTR) return -1;
    if (p[1].revents && on_signal(x) >= 0) return -1;
    if (!p[0].revents) continue;
    char b;
    ssize_t n = read(x->c->sync, &b, 1);
    close(x->c->sync);
    return n == 1 && b == 'C' ? 0 : -1;
  }
}

int rp_proxy_run(const struct rp_proxy_cfg *c)
{
  static struct px x;
  x = (struct px){.c = c, .p = c->proc, .fd_state = -1, .fd_fw = -1, .last_state = -1, .dump_seen = -1};
  set_title(c);
  x.sigfd = setup_signals();
  rp_trace_init(&x.trace, &c->proc);
  setup_out(&x);
  if (c->logfd >= 0) fcntl(c->logfd, F_SETFL, fcntl(c->logfd, F_GETFL) | O_NONBLOCK);
  x.tty = isatty(c->logfd);  // a FIFO log takes no input: it would come back as log
  if (x.sigfd < 0 || wait_commit(&x)) return RP_PROXY_STOPPED;
  long next = 0;
  for (;;) {
    int code = -1, timeout = -1;
    if (x.running) {  // the tick runs on time even while log text keeps arriving
      long now = now_ms();
      if (now >= next) {
        if ((code = tick(&x)) >= 0) return code;
        next = now + RP_PROXY_TICK_MS;
      }
      timeout = (int)(next - now);
    }
    int in = x.running && x.tty && !x.logdead;
    struct pollfd p[5] = {{c->ctl, POLLIN, 0}, {x.sigfd, POLLIN, 0},
                          {x.running && !x.logdead ? c->logfd : -1, x.inlen ? POLLIN | POLLOUT : POLLIN, 0},
                          {x.outlen && !x.outdead ? 1 : -1, POLLOUT, 0},
                          {in && !x.indead && x.inlen < sizeof(x.in) ? 0 : -1, POLLIN, 0}};
    if (poll(p, 5, timeout) < 0 && errno != EINTR) return finish(&x, RP_PROXY_GONE, "poll failed");
    if (p[1].revents) code = on_signal(&x);
    if (code < 0 && p[0].revents) code = on_ctl(&x);
    if (code < 0 && (p[2].revents || p[3].revents)) pump_log(&x);
    if (code < 0 && in) pump_in(&x, p[4].revents);
    if (code >= 0) return code;
  }
}

int rp_guard_run(int death_rd, const char *statedir, const char *dev, char *title, size_t cap)
{
  char buf[64], fw[RP_FW_NAME_MAX], ours[RP_PATH_MAX];
  struct rp_rproc p = {0};
  rp_proc_set_name("rproc-guard");
  if (title && cap > 1) {
    memset(title, 0, cap);
    rp_fmt(title, cap, "remoteproc-guard %s", dev);
  }
  signal(SIGTERM, SIG_IGN), signal(SIGINT, SIG_IGN), signal(SIGHUP, SIG_IGN);
  while (read(death_rd, buf, sizeof(buf)) != 0)  // only EOF: the proxy is gone
    if (errno != EINTR && errno != EAGAIN) break;
  // Firmware this container staged is named <owner>/<file> (rp_state_owner),
  // whatever became of its state directory meanwhile.
  char owner[RP_PATH_MAX];
  if (rp_state_owner(statedir, owner, sizeof(owner)) || rp_fmt(ours, sizeof(ours), "%s/", owner)) return 1;
  rp_strlcpy(p.dev, dev, sizeof(p.dev));
  rp_strlcpy(p.name, dev, sizeof(p.name));
  // A proxy killed while a recovery waited for it to read an inline dump:
  // released here, the recovery ends, and the firmware is stopped below.
  if (rp_core_pending(&p, -1) >= 0) rp_core_recover(&p);
  int r = 0;  // never started, or something else runs: nothing to stop
  if (rp_rproc_read(&p, "firmware", fw, sizeof(fw), NULL) >= 0 && !strncmp(fw, ours, strlen(ours)))
    r = rp_proxy_stop_ours(&p, fw, -1, NULL) < 0;
  rp_core_restore(statedir, &p);
  // A container that ran: its processor's rpmsg nodes are gone, so the CDI
  // spec is written again, here, where the container already counts as
  // stopped, not in the proxy's last moments (a delete right after a stop
  // must not wait), and not for a create that failed (it would linger).
  if (!rp_path_join(ours, sizeof(ours), statedir, "started") && !access(ours, F_OK)) rp_cdi_write(NULL, NULL, 0, NULL);
  return r;
}
