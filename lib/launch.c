// launch.c - the container's processes: the guardian and the proxy (see launch.h)

#include "launch.h"
#include "cgroup.h"
#include "claim.h"
#include "fs.h"
#include "log.h"
#include "ns.h"
#include "path.h"
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

struct report {  // P1 -> create: the proxy's pid, or why there is none
  int pid;
  char msg[RP_ERR_MSG];
};

// Move the descriptors the proxy keeps to 3, 4, ... and close the rest.
static void keep_fds(int *fds, int n)
{
  for (int i = 0; i < n; i++)
    if (fds[i] >= 0) fds[i] = fcntl(fds[i], F_DUPFD, 64 + i);
  for (int i = 0; i < n; i++)
    if (fds[i] >= 0) fds[i] = dup2(fds[i], 3 + i) < 0 ? -1 : 3 + i;
    else close(3 + i);  // an unused slot must not keep what the caller had there
  rp_proc_close_from(3 + n);
}

// The proxy's stdio; out: its own stdout (own_stdout), or -1.
static void stdio_for_proxy(const struct rp_launch *in, int out)
{
  int io[3] = {in->stdio[0], out >= 0 ? out : in->stdio[1], in->stdio[2]};
  if (in->console >= 0) {
    setsid();
    ioctl(in->console, TIOCSCTTY, 0);
    io[0] = io[1] = io[2] = in->console;
  }
  for (int i = 0; i < 3; i++)
    if (io[i] >= 0 && io[i] != i) dup2(io[i], i);
}

// The proxy makes its stdout non-blocking (proxy.c setup_out), a flag of
// the open file: a FIFO or terminal the caller shares (a shell's tty, a
// parent's pipe) is opened again, as the proxy's own. -1 when it cannot be.
static int own_stdout(const struct rp_launch *in)
{
  struct stat st;
  char self[64];
  int fd = in->stdio[1] >= 0 ? in->stdio[1] : 1;
  if (in->console >= 0 || fstat(fd, &st) || !(S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))) return -1;
  rp_fmt(self, sizeof(self), "/proc/self/fd/%d", fd);
  return open(self, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);  // no reader: ENXIO
}

// Long-lived children leave the caller's directory: holding it would keep
// its filesystem busy (umount: target is busy) for the container's life.
// Every path they use later is absolute or a descriptor.
static void leave_cwd(void) { (void)!chdir("/"); }

// All a long-lived child uses once the parent's working memory is given
// back (drop_parent_memory): static, so it does not matter where on the
// stack the compiler put the child's locals.
static struct {
  char id[RP_ID_MAX + 1], dir[sizeof(((struct rp_state *)0)->dir)], dev[24];
  struct rp_proxy_cfg cfg;
  char *title;
  size_t title_cap;
  int fds[7];
} kept;

// The proxy and the guardian live as long as the container: they must not
// keep the pages their parent (a create, or the whole shim) had written.
// frame: a local of the never-returning child function.
static void drop_parent_memory(const struct rp_launch *in, const void *frame)
{
  void (*hook)(void) = in->rt->child_hook;
  void *mine = in->mine;
  size_t mine_len = in->mine_len;
  kept.title = in->rt->title;
  kept.title_cap = in->rt->title_cap;
  rp_proc_forget_callers(frame, kept.title);
  rp_proc_forget(in->rt->work, sizeof(*in->rt->work));
  if (mine) rp_proc_forget(mine, mine_len);  // in may be in there: read first
  if (hook) hook();
  rp_proc_trim_stack();
}

// Pipe and socket ends a child gets: the proxy's commit socket, the
// guardian's death pipe, the claims lock file, the proxy's own stdout.
struct ends {
  int sync, death, claims, out;
};

static _Noreturn void proxy_child(const struct rp_launch *in, const struct ends *x)
{
  int anchor = 0, *fds = kept.fds;
  leave_cwd();
  stdio_for_proxy(in, x->out);
  fds[0] = in->cfg.ctl, fds[1] = x->sync, fds[2] = in->cfg.statedir, fds[3] = x->death;
  fds[4] = in->cfg.logfd, fds[5] = x->claims, fds[6] = in->cfg.core_fd;
  keep_fds(fds, 7);
  rp_strlcpy(kept.id, in->cfg.id, sizeof(kept.id));
  kept.cfg = in->cfg;
  kept.cfg.id = kept.id;
  kept.cfg.ctl = fds[0], kept.cfg.sync = fds[1], kept.cfg.statedir = fds[2];
  kept.cfg.logfd = fds[4], kept.cfg.claims = fds[5], kept.cfg.core_fd = fds[6];
  kept.cfg.own_out = x->out >= 0 || in->console >= 0;
  drop_parent_memory(in, &anchor);
  kept.cfg.title = kept.title, kept.cfg.title_cap = kept.title_cap;
  _exit(rp_proxy_run(&kept.cfg));
}

static _Noreturn void guard_child(const struct rp_launch *in, int death_rd)
{
  int anchor = 0, null = open("/dev/null", O_RDWR | O_CLOEXEC);
  // It prints nothing, and the caller's stdio must not stay open through it:
  // a caller reading create's output to EOF (go-runc with a terminal) would
  // wait for the container's end, and pipes would outlive the proxy.
  for (int i = 0; i < 3 && null >= 0; i++) dup2(null, i);
  leave_cwd();
  kept.fds[0] = death_rd;
  keep_fds(kept.fds, 1);
  rp_strlcpy(kept.dir, in->statedir, sizeof(kept.dir));
  rp_strlcpy(kept.dev, in->cfg.proc.dev, sizeof(kept.dev));
  drop_parent_memory(in, &anchor);
  _exit(rp_guard_run(kept.fds[0], kept.dir, kept.dev, kept.title, kept.title_cap));
}

// The firmware area, made if need be, for the proxy's small root (ns.h).
static const char *fw_area(char *buf, size_t cap)
{
  char fw[RP_PATH_MAX];
  if (rp_rproc_fwdir(fw, sizeof(fw), NULL, 0, NULL) || rp_path_join(buf, cap, fw, RP_STATE_AREA) ||
      rp_fs_mkdir_p(buf, 0755, NULL))
    return NULL;
  return buf;
}

// One warning for the namespaces not used: user and time always (ns.h),
// the others when not root may not make or join them.
static void warn_skipped(const struct rp_launch *in, int skipped)
{
  char names[96] = "";
  for (int i = 0; i < in->spec->nns; i++)
    if (skipped & in->spec->ns[i].type & ~(CLONE_NEWUSER | 0x80))
      rp_fmt(names + strlen(names), sizeof(names) - strlen(names), "%s%s", names[0] ? ", " : "",
             rp_spec_ns_name(in->spec->ns[i].type));
  if (names[0])
    rp_log(RP_LOG_WARN, "container %s: not root, so the namespaces %s are not used: the proxy stays "
           "in the caller's", in->cfg.id, names);
  else if (skipped)
    rp_log(RP_LOG_WARN, "container %s: user and time namespaces are not used: the proxy must write "
           "the host's sysfs", in->cfg.id);
}

// In the container's namespaces, with a root of its own when it has a
// mount namespace of its own; then fork the proxy. Returns its pid, or -1
// with the reason in e.
static pid_t enter_and_fork(const struct rp_launch *in, struct ends *x, struct rp_err *e)
{
  char area[RP_PATH_MAX];
  const char *fw = in->cfg.sandbox ? NULL : fw_area(area, sizeof(area));
  int skipped;
  x->claims = rp_claim_lock_open(NULL);  // host paths: before the namespaces
  x->out = own_stdout(in);
  if (rp_ns_enter(in->spec, &skipped, e)) return -1;
  warn_skipped(in, skipped);
  // A failure here leaves the proxy with the copy of every mount: it
  // works, it only pins them.
  if (rp_ns_new(in->spec, CLONE_NEWNS) && !(skipped & CLONE_NEWNS)) rp_ns_keep_only_sys(in->statedir, fw, NULL);
  pid_t pid = _Fork();
  if (pid == 0) proxy_child(in, x);
  if (pid < 0) rp_errf(e, errno, "cannot fork the proxy: %s", strerror(errno));
  return pid;
}

// P1: the guardian first (host namespaces), then the proxy in the
// container's namespaces. A forked child ends with _exit: returning would
// run the caller's code twice.
static _Noreturn void first_child(const struct rp_launch *in, int sync, int rep)
{
  struct report r = {0};
  struct rp_err e = {0};
  struct ends x = {.sync = sync};
  int death[2];
  // Before forking: a child leaving the caller's directory itself could
  // still be there, unscheduled, when create returns and the caller unmounts it.
  leave_cwd();
  if (pipe(death)) _exit(1);
  if (in->guardian) {
    pid_t g = _Fork();
    if (g == 0) {
      close(death[1]);
      guard_child(in, death[0]);
    }
  }
  close(death[0]);
  x.death = death[1];
  // Here, so that the proxy is born in the cgroup (its memory counted
  // there, a cgroup namespace rooted there) and the guardian is not.
  r.pid = in->cgroup[0] && rp_cg_join(in->cgroup, getpid(), &e) ? -1 : enter_and_fork(in, &x, &e);
  if (r.pid < 0) rp_strlcpy(r.msg, e.msg, sizeof(r.msg));
  (void)!write(rep, &r, sizeof(r));
  _exit(0);
}

int rp_launch(const struct rp_launch *in, pid_t *pid, int *sync_wr, struct rp_err *e)
{
  int sync[2], rep[2] = {-1, -1};
  struct report r = {0};
  // A socket, so that create's commit to a proxy that died is an error,
  // not a SIGPIPE (send MSG_NOSIGNAL).
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sync))
    return rp_errf(e, errno, "cannot create a socket pair: %s", strerror(errno));
  pid_t p1 = pipe2(rep, O_CLOEXEC) ? -1 : _Fork();
  if (p1 < 0) {
    int err = errno;
    close(sync[0]), close(sync[1]);
    if (rep[0] >= 0) close(rep[0]), close(rep[1]);
    return rp_errf(e, err, "cannot start the container's process: %s", strerror(err));
  }
  if (p1 == 0) {
    close(sync[1]), close(rep[0]);
    if (in->close_fd >= 0) close(in->close_fd);
    first_child(in, sync[0], rep[1]);
  }
  close(sync[0]), close(rep[1]);
  ssize_t n = read(rep[0], &r, sizeof(r));
  close(rep[0]);
  rp_proc_wait(p1, NULL, 0);
  if (n != (ssize_t)sizeof(r) || r.pid <= 0) {
    close(sync[1]);
    return rp_errf(e, EIO, "cannot start the container's process: %s", n == sizeof(r) ? r.msg : "it died");
  }
  *pid = r.pid;
  *sync_wr = sync[1];
  return 0;
}
