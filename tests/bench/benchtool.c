// benchtool.c - timing and sampling helper for scripts/bench.sh (host tool).
//
// Every duration is measured here with CLOCK_MONOTONIC around fork+exec (or
// around a blocking read), never by the shell, so the shell's own cost is
// not part of a figure. Durations are printed one per line in microseconds.
//
//   benchtool time N [--before SH] [--after SH] [--until FILE=PREFIX] -- CMD...
//       Run CMD N times; --before/--after run through /bin/sh -c outside the
//       timed part; --until keeps the clock running after CMD returned until
//       FILE's content starts with PREFIX (polled every 200 us).
//   benchtool cycle N PIDFILE -- CREATE... :: START... :: KILL... :: DELETE...
//       One sample = CREATE, START, KILL, waiting for the container's process
//       (the pid CREATE wrote to PIDFILE) to exit, DELETE. benchtool is a child
//       subreaper, as a shim is, so the process is its to wait for.
//   benchtool crash N --id ID --state FILE (--crash-file FILE | --kill-pidfile FILE)
//                   [--jitter-ms MS] -- EVENTS... :: START... :: DELETE...
//       EVENTS (ctr events) runs for the whole loop. One sample: START, wait
//       for its /tasks/start line and for FILE to read "running", sleep a
//       random 0..MS ms (so the crash falls at a random phase of any
//       polling), then t0, write "2" to the crash file (or SIGKILL the pid
//       in the pid file), block on the event stream until the /tasks/exit
//       line of ID, t1; then DELETE. Prints t1 - t0.
//   benchtool resident PID LO HI
//       The resident pages of PID between hex addresses LO and HI, one hex
//       address a line (from /proc/PID/pagemap: present or swapped).
//   benchtool cpu SECONDS PID...
//       For each PID: "PID TICKS_PCT SCHED_PCT MIN_PCT MAX_PCT": CPU use in
//       percent of one core over SECONDS, from utime+stime of /proc/PID/stat
//       (clock ticks) and from the sum of /proc/PID/task/*/schedstat (ns);
//       MIN/MAX over the one-second windows (schedstat).
//   benchtool poll MS [FILE]
//       Until killed: wake every MS milliseconds and read FILE once (pread
//       at 0 on a descriptor kept open). What the least a poller of a
//       processor's state costs: the floor under the proxy's idle CPU.
//       Without FILE it only wakes: what the machine charges for a timer
//       wake-up alone, which no poller can go below.
//
// Commands' stdout/stderr go to $BENCHTOOL_LOG (appended) or /dev/null.
// Exit status: 0, 1 when a command failed or a wait timed out (with a
// message on stderr), 2 on usage errors.

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *logpath;

static void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
static void die(int code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fputs("benchtool: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(code);
}

static long long now_ns(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void sleep_us(long us)
{
  struct timespec t = {us / 1000000, (us % 1000000) * 1000};
  while (nanosleep(&t, &t) && errno == EINTR) {}
}

// Children reaped while waiting for another one (we may be a subreaper):
// the last few, so a later wait for one of them knows it is gone.
static pid_t reaped[64];
static unsigned nreaped;
static volatile sig_atomic_t alarmed;

static void on_alarm(int sig) { (void)sig, alarmed = 1; }

// pid was reaped already (the note is consumed); forget=1 only drops it
// (a new process got a recycled pid).
static int was_reaped(pid_t pid, int forget)
{
  for (unsigned i = 0; i < 64 && i < nreaped; i++)
    if (reaped[i] == pid) return reaped[i] = 0, !forget;
  return 0;
}

static void child_stdio(void)
{
  int in = open("/dev/null", O_RDONLY);
  int out = open(logpath ? logpath : "/dev/null", O_WRONLY | O_APPEND | O_CREAT, 0644);
  if (in < 0 || out < 0) _exit(126);
  dup2(in, 0), dup2(out, 1), dup2(out, 2);
  if (in > 2) close(in);
  if (out > 2) close(out);
}

static pid_t spawn(char **argv)
{
  pid_t pid = fork();
  if (pid < 0) die(1, "fork: %s", strerror(errno));
  if (pid == 0) {
    child_stdio();
    execvp(argv[0], argv);
    _exit(127);
  }
  was_reaped(pid, 1);
  return pid;
}

static void describe(char **argv, char *buf, size_t cap)
{
  size_t n = 0;
  buf[0] = 0;
  for (int i = 0; argv[i] && n + 2 < cap; i++) {
    int w = snprintf(buf + n, cap - n, "%s%s", i ? " " : "", argv[i]);
    if (w < 0) break;
    n += (size_t)w;
  }
}

// Wait for pid; other children that end meanwhile are reaped and noted.
// -1 when there is no such child, -2 when SIGALRM interrupted the wait.
static int wait_pid(pid_t pid)
{
  int st;
  for (;;) {
    if (was_reaped(pid, 0)) return 0;
    pid_t r = waitpid(-1, &st, 0);
    if (r == pid) return st;
    if (r > 0) reaped[nreaped++ % 64] = r;
    if (r < 0 && errno == ECHILD) return -1;
    if (r < 0 && errno == EINTR && alarmed) return -2;
  }
}

static void reap_any(void)
{
  pid_t r;
  while ((r = waitpid(-1, NULL, WNOHANG)) > 0) reaped[nreaped++ % 64] = r;
}

// Run argv to completion; its exit status must be 0.
static void run(char **argv)
{
  int st = wait_pid(spawn(argv));
  if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
    char d[512];
    describe(argv, d, sizeof(d));
    die(1, "'%s' failed (%s %d)%s%s", d, st != -1 && WIFSIGNALED(st) ? "signal" : "status",
        st == -1 ? -1 : WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st), logpath ? "; see " : "",
        logpath ? logpath : "");
  }
}

static void run_sh(const char *script)
{
  char *argv[] = {"/bin/sh", "-c", (char *)script, NULL};
  if (script) run(argv);
}

static int file_starts(const char *path, const char *prefix)
{
  char buf[256];
  int fd = open(path, O_RDONLY);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n < 0) return 0;
  buf[n] = 0;
  return !strncmp(buf, prefix, strlen(prefix));
}

static void wait_file(const char *path, const char *prefix, int timeout_ms)
{
  long long end = now_ns() + timeout_ms * 1000000LL;
  while (!file_starts(path, prefix)) {
    if (now_ns() > end) die(1, "%s did not read '%s' within %d ms", path, prefix, timeout_ms);
    sleep_us(200);
  }
}

// Split argv at "::" tokens into up to max NULL-terminated commands.
static int split(char **argv, char ***cmds, int max)
{
  int n = 0;
  cmds[n++] = argv;
  for (int i = 0; argv[i]; i++) {
    if (strcmp(argv[i], "::")) continue;
    argv[i] = NULL;
    if (n == max) die(2, "too many '::'-separated commands");
    cmds[n++] = &argv[i + 1];
  }
  for (int i = 0; i < n; i++)
    if (!cmds[i][0]) die(2, "empty command");
  return n;
}

static int count(const char *s)
{
  char *end;
  long n = strtol(s, &end, 10);
  if (*end || n < 1 || n > 1000000) die(2, "bad count '%s'", s);
  return (int)n;
}

// ---- time ----

static int cmd_time(int argc, char **argv)
{
  const char *before = NULL, *after = NULL, *until = NULL;
  int n = count(argv[1]), i = 2;
  for (; i < argc && strcmp(argv[i], "--"); i += 2) {
    if (i + 1 >= argc) die(2, "%s needs a value", argv[i]);
    if (!strcmp(argv[i], "--before")) before = argv[i + 1];
    else if (!strcmp(argv[i], "--after")) after = argv[i + 1];
    else if (!strcmp(argv[i], "--until")) until = argv[i + 1];
    else die(2, "time: unknown option %s", argv[i]);
  }
  if (i + 1 >= argc) die(2, "time: missing -- CMD");
  char **cmd = &argv[i + 1], file[4096] = "", *prefix = NULL;
  if (until) {
    const char *eq = strchr(until, '=');
    if (!eq || (size_t)(eq - until) >= sizeof(file)) die(2, "--until wants FILE=PREFIX");
    memcpy(file, until, (size_t)(eq - until));
    file[eq - until] = 0;
    prefix = (char *)eq + 1;
  }
  for (int k = 0; k < n; k++) {
    run_sh(before);
    long long t0 = now_ns();
    run(cmd);
    if (prefix) wait_file(file, prefix, 10000);
    long long t1 = now_ns();
    run_sh(after);
    printf("%lld\n", (t1 - t0) / 1000);
    fflush(stdout);
  }
  return 0;
}

// ---- cycle ----

static pid_t read_pidfile(const char *path)
{
  char buf[32];
  int fd = open(path, O_RDONLY);
  if (fd < 0) die(1, "cannot open pid file %s: %s", path, strerror(errno));
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  buf[n > 0 ? n : 0] = 0;
  long pid = strtol(buf, NULL, 10);
  if (pid <= 0) die(1, "no pid in %s", path);
  return (pid_t)pid;
}

static int cmd_cycle(int argc, char **argv)
{
  if (argc < 5 || strcmp(argv[3], "--")) die(2, "usage: cycle N PIDFILE -- CREATE :: START :: KILL :: DELETE");
  int n = count(argv[1]);
  const char *pidfile = argv[2];
  char **c[4];
  if (split(&argv[4], c, 4) != 4) die(2, "cycle wants 4 commands separated by '::'");
  if (prctl(PR_SET_CHILD_SUBREAPER, 1)) die(1, "PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
  struct sigaction sa = {.sa_handler = on_alarm};  // no SA_RESTART: alarm ends a wait
  sigaction(SIGALRM, &sa, NULL);
  for (int k = 0; k < n; k++) {
    unlink(pidfile);
    nreaped = 0;
    long long t0 = now_ns();
    run(c[0]);
    pid_t pid = read_pidfile(pidfile);
    run(c[1]);
    run(c[2]);
    // The container's process is ours (subreaper) once create returned.
    alarmed = 0;
    alarm(10);
    int st = wait_pid(pid);
    alarm(0);
    if (st == -2) die(1, "process %d did not exit within 10 s of kill", (int)pid);
    run(c[3]);
    long long t1 = now_ns();
    reap_any();
    printf("%lld\n", (t1 - t0) / 1000);
    fflush(stdout);
  }
  return 0;
}

// ---- crash ----

struct lines {
  int fd;
  char buf[1 << 16];
  size_t len;
};

// Block until a line holding every string in want[] arrives; 0 or -1 on
// timeout / end of stream.
static int wait_line(struct lines *l, const char *const *want, int nwant, int timeout_ms)
{
  long long end = now_ns() + timeout_ms * 1000000LL;
  for (;;) {
    char *nl;
    while ((nl = memchr(l->buf, '\n', l->len))) {
      *nl = 0;
      int ok = 1;
      for (int i = 0; i < nwant && ok; i++) ok = strstr(l->buf, want[i]) != NULL;
      size_t used = (size_t)(nl + 1 - l->buf);
      memmove(l->buf, nl + 1, l->len - used);
      l->len -= used;
      if (ok) return 0;
    }
    if (l->len == sizeof(l->buf)) l->len = 0;  // an absurdly long line: drop it
    long long left = (end - now_ns()) / 1000000;
    if (left <= 0) return -1;
    struct pollfd p = {l->fd, POLLIN, 0};
    int r = poll(&p, 1, (int)left);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    ssize_t got = read(l->fd, l->buf + l->len, sizeof(l->buf) - l->len);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return -1;
    l->len += (size_t)got;
  }
}

static int cmd_crash(int argc, char **argv)
{
  const char *id = NULL, *state = NULL, *crash = NULL, *kpid = NULL;
  long jitter = 50;
  int n = count(argv[1]), i = 2;
  for (; i < argc && strcmp(argv[i], "--"); i += 2) {
    if (i + 1 >= argc) die(2, "%s needs a value", argv[i]);
    if (!strcmp(argv[i], "--id")) id = argv[i + 1];
    else if (!strcmp(argv[i], "--state")) state = argv[i + 1];
    else if (!strcmp(argv[i], "--crash-file")) crash = argv[i + 1];
    else if (!strcmp(argv[i], "--kill-pidfile")) kpid = argv[i + 1];
    else if (!strcmp(argv[i], "--jitter-ms")) jitter = strtol(argv[i + 1], NULL, 10);
    else die(2, "crash: unknown option %s", argv[i]);
  }
  if (!id || (!crash && !kpid) || i + 1 >= argc) die(2, "crash: needs --id, --crash-file or --kill-pidfile, -- CMDS");
  char **c[3];
  if (split(&argv[i + 1], c, 3) != 3) die(2, "crash wants EVENTS :: START :: DELETE");
  char quoted[512], start_ev[] = "/tasks/start", exit_ev[] = "/tasks/exit";
  snprintf(quoted, sizeof(quoted), "\"container_id\":\"%s\"", id);
  const char *want_start[] = {start_ev, quoted}, *want_exit[] = {exit_ev, quoted};

  int pfd[2];
  if (pipe2(pfd, O_CLOEXEC)) die(1, "pipe: %s", strerror(errno));
  pid_t ev = fork();
  if (ev < 0) die(1, "fork: %s", strerror(errno));
  if (ev == 0) {
    child_stdio();
    dup2(pfd[1], 1);
    execvp(c[0][0], c[0]);
    _exit(127);
  }
  close(pfd[1]);
  static struct lines l;
  l.fd = pfd[0];
  sleep_us(500000);  // let the subscription reach containerd
  srand((unsigned)now_ns());
  int rc = 0;
  for (int k = 0; k < n && !rc; k++) {
    run(c[1]);
    if (wait_line(&l, want_start, 2, 10000)) {
      fprintf(stderr, "benchtool: no /tasks/start event for %s within 10 s\n", id);
      rc = 1;
      break;
    }
    if (state) wait_file(state, "running", 10000);
    pid_t victim = kpid ? read_pidfile(kpid) : 0;
    if (jitter > 0) sleep_us(rand() % (jitter * 1000));
    long long t0 = now_ns();
    if (crash) {
      int fd = open(crash, O_WRONLY);
      if (fd < 0 || write(fd, "2\n", 2) != 2) die(1, "cannot write %s: %s", crash, strerror(errno));
      close(fd);
    } else if (kill(victim, SIGKILL)) {
      die(1, "kill %d: %s", (int)victim, strerror(errno));
    }
    if (wait_line(&l, want_exit, 2, 10000)) {
      fprintf(stderr, "benchtool: no /tasks/exit event for %s within 10 s of the crash\n", id);
      rc = 1;
      break;
    }
    long long t1 = now_ns();
    printf("%lld\n", (t1 - t0) / 1000);
    fflush(stdout);
    run(c[2]);
  }
  kill(ev, SIGTERM);
  wait_pid(ev);
  return rc;
}

// ---- cpu ----

#define MAXP 16

static long long ticks(pid_t pid)
{
  char path[64], buf[2048];
  snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = 0;
  char *p = strrchr(buf, ')');  // comm may hold spaces
  if (!p) return -1;
  unsigned long long ut = 0, st = 0;
  // after ") ": state(3) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15)
  if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2) return -1;
  return (long long)(ut + st);
}

static long long sched_ns(pid_t pid)
{
  char path[64], f[400], buf[256];
  snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
  DIR *d = opendir(path);
  if (!d) return -1;
  long long sum = 0;
  int seen = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    snprintf(f, sizeof(f), "%s/%s/schedstat", path, e->d_name);
    int fd = open(f, O_RDONLY);
    if (fd < 0) continue;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n > 0) buf[n] = 0, sum += strtoll(buf, NULL, 10), seen = 1;
  }
  closedir(d);
  return seen ? sum : -1;
}

// CPU time in ns: schedstat, or (a kernel without CONFIG_SCHED_INFO) ticks.
static int nosched;
static long long cpu_ns(pid_t pid)
{
  if (!nosched) {
    long long v = sched_ns(pid);
    if (v >= 0 || kill(pid, 0)) return v;
    nosched = 1;
    fprintf(stderr, "benchtool: no /proc/%d/task/*/schedstat: using clock ticks\n", (int)pid);
  }
  long long t = ticks(pid);
  return t < 0 ? -1 : t * (1000000000LL / sysconf(_SC_CLK_TCK));
}

static int cmd_cpu(int argc, char **argv)
{
  int secs = count(argv[1]), np = argc - 2;
  if (np < 1 || np > MAXP) die(2, "cpu: 1 to %d pids", MAXP);
  pid_t pid[MAXP];
  long long t0[MAXP], s0[MAXP], sprev[MAXP];
  double mn[MAXP], mx[MAXP];
  long hz = sysconf(_SC_CLK_TCK);
  for (int i = 0; i < np; i++) {
    pid[i] = (pid_t)strtol(argv[2 + i], NULL, 10);
    t0[i] = ticks(pid[i]);
    s0[i] = sprev[i] = cpu_ns(pid[i]);
    if (t0[i] < 0 || s0[i] < 0) die(1, "process %s is gone", argv[2 + i]);
    mn[i] = 1e9, mx[i] = -1;
  }
  long long w0 = now_ns(), wprev = w0;
  for (int s = 1; s <= secs; s++) {
    long long target = w0 + s * 1000000000LL, left = target - now_ns();
    if (left > 0) sleep_us((long)(left / 1000));
    long long w = now_ns();
    for (int i = 0; i < np; i++) {
      long long v = cpu_ns(pid[i]);
      if (v < 0) die(1, "process %d ended during the measurement", (int)pid[i]);
      double pct = 100.0 * (double)(v - sprev[i]) / (double)(w - wprev);
      if (pct < mn[i]) mn[i] = pct;
      if (pct > mx[i]) mx[i] = pct;
      sprev[i] = v;
    }
    wprev = w;
  }
  double wall = (double)(wprev - w0) / 1e9;
  for (int i = 0; i < np; i++) {
    long long t = ticks(pid[i]);
    if (t < 0) die(1, "process %d ended during the measurement", (int)pid[i]);
    printf("%d %.4f %.4f %.4f %.4f\n", (int)pid[i], 100.0 * (double)(t - t0[i]) / (double)hz / wall,
           100.0 * (double)(sprev[i] - s0[i]) / 1e9 / wall, mn[i], mx[i]);
  }
  return 0;
}

// ---- poll ----

static int cmd_poll(int argc, char **argv)
{
  if (argc != 2 && argc != 3) die(2, "usage: poll MS [FILE]");
  int ms = count(argv[1]), fd = argc == 3 ? open(argv[2], O_RDONLY | O_CLOEXEC) : -2;
  char buf[64];
  if (fd == -1) die(1, "cannot open %s: %s", argv[2], strerror(errno));
  for (;;) {
    poll(NULL, 0, ms);
    if (fd >= 0 && pread(fd, buf, sizeof(buf), 0) < 0) die(1, "cannot read %s: %s", argv[2], strerror(errno));
  }
}

// ---- resident ----

static int cmd_resident(int argc, char **argv)
{
  if (argc != 4) die(2, "usage: resident PID LO HI");
  unsigned long long lo = strtoull(argv[2], NULL, 16), hi = strtoull(argv[3], NULL, 16);
  long page = sysconf(_SC_PAGESIZE);
  char path[64];
  snprintf(path, sizeof(path), "/proc/%s/pagemap", argv[1]);
  int fd = open(path, O_RDONLY);
  if (fd < 0) die(1, "cannot open %s: %s", path, strerror(errno));
  for (unsigned long long a = lo & ~(unsigned long long)(page - 1); a < hi; a += (unsigned long long)page) {
    unsigned long long e;
    if (pread(fd, &e, sizeof(e), (off_t)(a / (unsigned long long)page * sizeof(e))) != sizeof(e))
      die(1, "cannot read %s at %llx: %s", path, a, strerror(errno));
    if (e >> 62) printf("%llx\n", a);  // bit 63 present, bit 62 swapped
  }
  close(fd);
  return 0;
}

int main(int argc, char **argv)
{
  logpath = getenv("BENCHTOOL_LOG");
  if (logpath && !*logpath) logpath = NULL;
  signal(SIGPIPE, SIG_IGN);
  if (argc >= 3 && !strcmp(argv[1], "time")) return cmd_time(argc - 1, argv + 1);
  if (argc >= 3 && !strcmp(argv[1], "cycle")) return cmd_cycle(argc - 1, argv + 1);
  if (argc >= 3 && !strcmp(argv[1], "crash")) return cmd_crash(argc - 1, argv + 1);
  if (argc >= 3 && !strcmp(argv[1], "cpu")) return cmd_cpu(argc - 1, argv + 1);
  if (argc >= 3 && !strcmp(argv[1], "resident")) return cmd_resident(argc - 1, argv + 1);
  if (argc >= 3 && !strcmp(argv[1], "poll")) return cmd_poll(argc - 1, argv + 1);
  fputs("usage: benchtool time|cycle|crash|cpu|resident|poll ... (see tests/bench/benchtool.c)\n", stderr);
  return 2;
}
