// hooks.c - run OCI hooks (see hooks.h)

#include "hooks.h"
#include "fs.h"
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const kind_names[RP_HOOK_KINDS] = {"prestart", "createRuntime", "poststart", "poststop"};

static void child(const struct rp_hook *h, int in, int err)
{
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);  // a mask survives execve: `run` holds TERM/INT
  setpgid(0, 0);  // a group of its own: at its timeout, all it started goes with it
  dup2(in, 0);
  dup2(err, 2);
  if (dup2(err, 1) < 0) _exit(127);
  rp_proc_close_from(3);
  signal(SIGPIPE, SIG_DFL);
  execve(h->path, (char *const *)h->argv, (char *const *)h->envp);
  _exit(127);
}

static long now_ms(void)
{
  struct timespec t;
  rp_clock(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

// Append what errfd has within wait_ms to msg; 1 when it had text. EOF
// sets *errfd to -1 (poll ignores negative fds).
static int collect(int *errfd, int wait_ms, char *msg, size_t cap, size_t *used)
{
  struct pollfd p = {*errfd, POLLIN, 0};
  char buf[256];
  if (poll(&p, 1, wait_ms) <= 0) return 0;
  ssize_t n = read(*errfd, buf, sizeof(buf));
  if (n > 0 && *used + 1 < cap) {
    size_t k = (size_t)n < cap - 1 - *used ? (size_t)n : cap - 1 - *used;
    memcpy(msg + *used, buf, k);
    msg[*used += k] = 0;
  }
  if (n == 0) *errfd = -1;
  return n > 0;
}

// Wait for pid, collecting its stderr into msg; -ETIMEDOUT kills it.
static int reap(pid_t pid, int errfd, int timeout_s, char *msg, size_t cap, int *status)
{
  long deadline = now_ms() + timeout_s * 1000L;
  size_t used = 0;
  for (;;) {
    if (rp_proc_wait(pid, status, WNOHANG) == pid) {
      // What it wrote just before it ended is still in the pipe; a child
      // it left behind may hold the pipe open, hence the bound.
      for (int i = 0; i < 16 && collect(&errfd, 0, msg, cap, &used); i++) {}
      return 0;
    }
    long left = deadline - now_ms();
    if (left <= 0) {
      kill(-pid, SIGKILL);
      rp_proc_wait(pid, status, 0);
      return -ETIMEDOUT;
    }
    collect(&errfd, left < 20 ? (int)left : 20, msg, cap, &used);
  }
}

static int run_one(const struct rp_hook *h, const char *kind, const char *json, struct rp_err *e)
{
  int in[2], er[2], status = 0;
  char msg[200] = "";
  if (pipe2(in, O_CLOEXEC)) return rp_errf(e, errno, "cannot run %s hook: %s", kind, strerror(errno));
  if (pipe2(er, O_CLOEXEC)) {
    close(in[0]), close(in[1]);
    return rp_errf(e, errno, "cannot run %s hook: %s", kind, strerror(errno));
  }
  pid_t pid = _Fork();
  if (pid == 0) child(h, in[0], er[1]);
  if (pid > 0) setpgid(pid, pid);  // also here: the group must exist before any kill of it
  close(in[0]);
  close(er[1]);
  if (pid < 0) {
    close(in[1]), close(er[0]);
    return rp_errf(e, errno, "cannot run %s hook: %s", kind, strerror(errno));
  }
  signal(SIGPIPE, SIG_IGN);  // a hook that ignores its stdin must not kill us
  rp_fs_write_all(in[1], json, strlen(json));
  close(in[1]);
  int r = reap(pid, er[0], h->timeout, msg, sizeof(msg), &status);
  close(er[0]);
  msg[strcspn(msg, "\n")] = 0;
  if (r == -ETIMEDOUT)
    return rp_errf(e, ETIMEDOUT, "%s hook %s did not finish within %d s", kind, h->path, h->timeout);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && !msg[0])
    return rp_errf(e, ENOENT, "%s hook %s could not be executed", kind, h->path);
  return rp_errf(e, EIO, "%s hook %s failed (exit status %d)%s%s", kind, h->path,
                 rp_proc_exit_code(status), msg[0] ? ": " : "", msg);
}

int rp_hooks_run(const struct rp_spec *s, enum rp_hook_kind kind, const char *state_json,
                 struct rp_err *e)
{
  for (int i = 0; i < s->nhook[kind]; i++) {
    int r = run_one(&s->hook[kind][i], kind_names[kind], state_json, e);
    if (r) return r;
  }
  return 0;
}
