// create.c - the create operation (see rt.h)
//
// Order matters for crash safety: the state directory says "creating" with
// our pid before anything is claimed, the proxy waits for a commit byte
// before it serves, so a create killed at any step leaves only things that
// are recognisably stale (dead creator, dead claim holder) and get replaced.
// The file is long because it is one operation read top to bottom: the
// checks, then the processes it forks, which share its job struct.

#include "rt.h"
#include "board.h"
#include "cgroup.h"
#include "claim.h"
#include "console.h"
#include "elf.h"
#include "fault.h"
#include "fs.h"
#include "hooks.h"
#include "log.h"
#include "logsrc.h"
#include "ns.h"
#include "path.h"
#include "proc.h"
#include "proxy.h"
#include "resolve.h"
#include "sock.h"
#include "stage.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static struct rp_spec spec;  // large; one create at a time per process
static struct rp_rproc all_procs[RP_RPROC_MAX];

struct job {
  const struct rp_rt *rt;
  const struct rp_create *o;
  struct rp_state st;
  struct rp_rproc proc;
  int logfd, console, dirfd, ctl, lock, claimed;
  struct rp_err *e;
};

struct report {  // P1 -> create: the proxy's pid, or why there is none
  int pid;
  char msg[RP_ERR_MSG];
};

static int pick_processor(struct job *j)
{
  const char *name = rp_spec_processor(&spec);
  if (name) return rp_rproc_find(name, &j->proc, j->e);  // claim reads what it needs, live
  struct rp_rproc *all = all_procs;
  char list[256] = "";
  int n = rp_rproc_list(all, RP_RPROC_MAX, NULL);
  for (int i = 0, len = 0; i < n && len < 200; i++, len = (int)strlen(list))
    rp_fmt(list + len, sizeof(list) - (size_t)len, "%s%s", i ? ", " : "", all[i].name);
  return rp_errf(j->e, EINVAL, "no remote processor selected: set the annotation remoteproc.name "
                 "or the image environment MCU (available remote processors: %s)", n > 0 ? list : "none");
}

static int check_board(struct job *j)
{
  const char *want = rp_spec_board(&spec);
  struct rp_board b;
  char have[512];
  if (!want) return 0;
  rp_board_read(&b, NULL);
  if (rp_board_match(&b, want)) return 0;
  rp_board_describe(&b, have, sizeof(have));
  return rp_errf(j->e, EINVAL, "this container is for board \"%s\", but this board is %s", want, have);
}

// Everything start will need of the name and the file is checked here,
// before anything is claimed or copied: the name the kernel will be given
// (rp_stage_name) and the size.
static int check_firmware(struct job *j)
{
  struct rp_elf elf;
  char m[32], owner[RP_PATH_MAX], staged[sizeof(j->st.fw_staged)];
  int r = rp_stage_printable(spec.fw, j->e);
  if (r) return r;
  int fd = rp_rt_open_firmware(&j->st, spec.fw, 1, j->st.fw_resolved, sizeof(j->st.fw_resolved), j->e);
  if (fd < 0) return rp_errwrap(j->e, "firmware");
  r = rp_stage_fits(fd, spec.fw, j->e);
  if (!r && rp_elf_inspect(fd, spec.fw, &elf, j->e)) r = rp_errwrap(j->e, "firmware");
  close(fd);
  if (r) return r;
  if (rp_state_owner(j->st.dir, owner, sizeof(owner))) return rp_errf(j->e, ENAMETOOLONG, "state path too long");
  r = rp_stage_name(owner, rp_path_base(j->st.fw_resolved), staged, sizeof(staged), j->e);
  if (r) return r;
  rp_log(RP_LOG_INFO, "firmware %s: ELF%d %s, %d loadable segment(s)", spec.fw, elf.cls,
         rp_elf_machine_name(elf.machine, m, sizeof(m)), elf.nload);
  j->st.rsc = elf.has_rsc;
  if (!elf.has_rsc)
    rp_log(RP_LOG_WARN, "firmware %s has no .resource_table section: the kernel gets no trace "
           "buffer from it, so there will be no firmware log", spec.fw);
  rp_strlcpy(j->st.fw, spec.fw, sizeof(j->st.fw));
  return 0;
}

// Where the firmware log comes from: annotation remoteproc.log.
static int pick_log(struct job *j)
{
  const char *l = rp_spec_annotation(&spec, "remoteproc.log");
  char path[RP_PATH_MAX];
  if (!l || !strcmp(l, "trace") || !strcmp(l, "none")) {
    rp_strlcpy(j->st.log, l ? l : "trace", sizeof(j->st.log));
    return 0;
  }
  // No "..": /dev/../etc/x would name any file or FIFO of the host.
  if (strncmp(l, "/dev/", 5) || !rp_path_safe_rel(l + 5) || rp_path(path, sizeof(path), "%s", l + 1))
    return rp_errf(j->e, EINVAL, "annotation remoteproc.log must be trace, none or a /dev/ path, not %s", l);
  j->logfd = rp_logsrc_open(path, &j->proc, j->e);
  if (j->logfd < 0) return j->logfd;
  rp_strlcpy(j->st.log, l, sizeof(j->st.log));
  return 0;
}

// The realpath of directory path into field (of size cap): 0 or an errno.
static int real_dir(const char *path, char *field, size_t cap)
{
  char real[RP_PATH_MAX];
  struct stat st;
  if (!realpath(path, real)) return errno;
  if (stat(real, &st) || !S_ISDIR(st.st_mode)) return ENOTDIR;
  return rp_strlcpy(field, real, cap) ? ENAMETOOLONG : 0;
}

static int paths(struct job *j)
{
  char root[RP_PATH_MAX];
  int err = real_dir(j->o->bundle, j->st.bundle, sizeof(j->st.bundle));
  if (err == ENAMETOOLONG)
    return rp_errf(j->e, err, "the bundle's path is longer than %zu bytes", sizeof(j->st.bundle) - 1);
  if (err) return rp_errf(j->e, err, "bundle %s: %s", j->o->bundle, strerror(err));
  if (spec.root[0] == '/') rp_strlcpy(root, spec.root, sizeof(root));
  else if (rp_path_join(root, sizeof(root), j->st.bundle, spec.root)) return rp_errf(j->e, ENAMETOOLONG, "root path too long");
  err = real_dir(root, j->st.rootfs, sizeof(j->st.rootfs));
  if (err == ENAMETOOLONG)
    return rp_errf(j->e, err, "the container root's path is longer than %zu bytes", sizeof(j->st.rootfs) - 1);
  return err ? rp_errf(j->e, err, "container root %s is not a directory", root) : 0;
}

// Make the state directory; replace one left by a create that died.
static int make_dir(struct job *j)
{
  struct rp_state old;
  int r = rp_fs_mkdir_p(j->rt->root, 0711, j->e);
  if (r) return r;
  // Creates of one id take turns here (a lock on the root), and the one
  // that makes the directory writes state.json ("creating", its pid) before
  // its turn ends: a directory without state.json is then always one whose
  // create died, never one a racing create just made. Without this, racing
  // creates of one id removed each other's directories and all failed.
  int lock = open(j->rt->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  while (lock >= 0 && flock(lock, LOCK_EX) < 0 && errno == EINTR) {}
  r = -EEXIST;
  for (int tries = 0; tries < 2 && r == -EEXIST; tries++) {
    if (!mkdir(j->st.dir, 0700)) {
      if ((r = rp_state_write(&j->st, j->e))) rp_fs_rmtree(j->st.dir, NULL);
      break;
    }
    if (errno != EEXIST) {
      r = rp_errf(j->e, errno, "cannot create %s: %s", j->st.dir, strerror(errno));
      break;
    }
    int rd = rp_state_read(j->rt->root, j->st.id, &old, NULL);
    int stale = (rd == -ENOENT) || (!rd && !strcmp(old.phase, "creating") &&
                                    rp_state_status(&old) == RP_ST_STOPPED);
    if (!stale) break;
    if (!rd && old.proc_dev[0]) rp_claim_drop(old.proc_dev, old.dir, NULL);
    rp_fs_rmtree(j->st.dir, NULL);
  }
  if (lock >= 0) close(lock);
  return r == -EEXIST ? rp_errf(j->e, EEXIST, "container %s already exists", j->st.id) : r;
}

static int claim(struct job *j)
{
  struct rp_claim c = {0};
  char fw[RP_FW_NAME_MAX] = "";
  int lock = rp_claim_lock(j->e), r = 0;
  if (lock < 0) return lock;
  int had = rp_claim_get(j->proc.dev, &c, NULL) > 0 && strcmp(c.statedir, j->st.dir);
  int held = had && rp_claim_live(&c);
  int s = rp_rproc_state(&j->proc, j->e);
  rp_rproc_read(&j->proc, "firmware", fw, sizeof(fw), NULL);
  // A holder that has just died (kill KILL, until it or the guardian stops
  // the processor) still runs the firmware it staged, <owner>/<file>
  // (rp_state_owner): its container's, not of unknown origin.
  char owner[RP_PATH_MAX], mine[RP_PATH_MAX];
  if (had && !held && s >= 0 && s != RP_RS_OFFLINE && !rp_state_owner(c.statedir, owner, sizeof(owner)) &&
      !rp_fmt(mine, sizeof(mine), "%s/", owner))
    held = !strncmp(fw, mine, strlen(mine));
  if (held)
    r = rp_errf(j->e, EBUSY, "processor %s is in use by container %s", j->proc.name, c.id);
  else if (s < 0)
    r = s;
  else if (s == RP_RS_ATTACHED)
    r = rp_errf(j->e, EBUSY, "processor %s is attached to firmware started before Linux; stop it "
                "first (rproc stop %s)", j->proc.name, j->proc.name);
  else if (s != RP_RS_OFFLINE)
    r = rp_errf(j->e, EBUSY, "processor %s is already %s with firmware %s that no running container "
                "started; stop it first (rproc stop %s)", j->proc.name, rp_rstate_name(s), fw, j->proc.name);
  if (!r) {
    c = (struct rp_claim){.pid = j->st.creator, .start = j->st.creator_start};
    rp_strlcpy(c.id, j->st.id, sizeof(c.id));
    rp_strlcpy(c.statedir, j->st.dir, sizeof(c.statedir));
    r = rp_claim_put(j->proc.dev, &c, j->e);
    j->claimed = !r;
  }
  // Firmware staged by containers that no claim names any more (their
  // state and claim went with /run at a reboot) would stay in the firmware
  // directory for good: drop it (staged names: rp_state_owner).
  if (!r) rp_stage_sweep("remoteproc-runtime", rp_claim_names_owner);
  rp_claim_unlock(lock);
  return r;
}

// The claim passes from create to the proxy. A claim left naming create,
// which exits next, would look stale and hand the processor to the next
// container while this one runs: a failed write fails the create.
static int update_claim(struct job *j)
{
  struct rp_claim c = {.pid = j->st.pid, .start = j->st.pid_start};
  int lock = rp_claim_lock(j->e);
  if (lock < 0) return rp_errwrap(j->e, "cannot hand the processor claim to the container's process");
  rp_strlcpy(c.id, j->st.id, sizeof(c.id));
  rp_strlcpy(c.statedir, j->st.dir, sizeof(c.statedir));
  int r = rp_claim_put(j->proc.dev, &c, j->e);
  rp_claim_unlock(lock);
  return r ? rp_errwrap(j->e, "cannot hand the processor claim to the container's process") : 0;
}

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
static void stdio_for_proxy(struct job *j, int out)
{
  int io[3] = {j->o->stdio[0], out >= 0 ? out : j->o->stdio[1], j->o->stdio[2]};
  if (j->console >= 0) {
    setsid();
    ioctl(j->console, TIOCSCTTY, 0);
    io[0] = io[1] = io[2] = j->console;
  }
  for (int i = 0; i < 3; i++)
    if (io[i] >= 0 && io[i] != i) dup2(io[i], i);
}

// The proxy makes its stdout non-blocking (proxy.c setup_out), a flag of
// the open file: a FIFO or terminal the caller shares (a shell's tty, a
// parent's pipe) is opened again, as the proxy's own. -1 when it cannot be.
static int own_stdout(const struct job *j)
{
  struct stat st;
  char self[64];
  int fd = j->o->stdio[1] >= 0 ? j->o->stdio[1] : 1;
  if (j->console >= 0 || fstat(fd, &st) || !(S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))) return -1;
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
  int fds[6];
} kept;

// The proxy and the guardian live as long as the container: they must not
// keep the pages their parent (a create, or the whole shim) had written.
// frame: a local of the never-returning child function.
static void drop_parent_memory(struct job *j, const void *frame)
{
  void (*hook)(void) = j->rt->child_hook;
  kept.title = j->rt->title;
  kept.title_cap = j->rt->title_cap;
  rp_proc_forget_callers(frame, kept.title);
  rp_proc_forget(&spec, sizeof(spec));
  rp_proc_forget(all_procs, sizeof(all_procs));
  rp_proc_forget(j, sizeof(*j));
  rp_rt_forget();
  if (hook) hook();
  rp_proc_trim_stack();
}

// Pipe and socket ends a child gets: the proxy's commit socket, the
// guardian's death pipe, the claims lock file, the proxy's own stdout.
struct ends {
  int sync, death, claims, out;
};

static _Noreturn void proxy_child(struct job *j, const struct ends *x)
{
  int anchor = 0, *fds = kept.fds;
  leave_cwd();
  stdio_for_proxy(j, x->out);
  fds[0] = j->ctl, fds[1] = x->sync, fds[2] = j->dirfd, fds[3] = x->death, fds[4] = j->logfd, fds[5] = x->claims;
  keep_fds(fds, 6);
  rp_strlcpy(kept.id, j->st.id, sizeof(kept.id));
  kept.cfg = (struct rp_proxy_cfg){.id = kept.id, .sandbox = j->st.sandbox, .proc = j->proc, .ctl = fds[0],
                                   .sync = fds[1], .statedir = fds[2], .logfd = fds[4], .claims = fds[5],
                                   .own_out = x->out >= 0 || j->console >= 0,
                                   .trace = !strcmp(j->st.log, "trace"), .has_rsc = j->st.rsc};
  drop_parent_memory(j, &anchor);
  kept.cfg.title = kept.title, kept.cfg.title_cap = kept.title_cap;
  _exit(rp_proxy_run(&kept.cfg));
}

static _Noreturn void guard_child(struct job *j, int death_rd)
{
  int anchor = 0, null = open("/dev/null", O_RDWR | O_CLOEXEC);
  // It prints nothing, and the caller's stdio must not stay open through it:
  // a caller reading create's output to EOF (go-runc with a terminal) would
  // wait for the container's end, and pipes would outlive the proxy.
  for (int i = 0; i < 3 && null >= 0; i++) dup2(null, i);
  leave_cwd();
  kept.fds[0] = death_rd;
  keep_fds(kept.fds, 1);
  rp_strlcpy(kept.dir, j->st.dir, sizeof(kept.dir));
  rp_strlcpy(kept.dev, j->proc.dev, sizeof(kept.dev));
  drop_parent_memory(j, &anchor);
  _exit(rp_guard_run(kept.fds[0], kept.dir, kept.dev, kept.title, kept.title_cap));
}

// The firmware area, made if need be, for the proxy's small root (ns.h).
static const char *fw_area(char *buf, size_t cap)
{
  char fw[RP_PATH_MAX];
  if (rp_rproc_fwdir(fw, sizeof(fw), NULL, 0, NULL) || rp_path_join(buf, cap, fw, "remoteproc-runtime") ||
      rp_fs_mkdir_p(buf, 0755, NULL))
    return NULL;
  return buf;
}

// In the container's namespaces, with a root of its own when it has a
// mount namespace of its own; then fork the proxy. Returns its pid, or -1
// with the reason in e.
static pid_t enter_and_fork(struct job *j, struct ends *x, struct rp_err *e)
{
  char area[RP_PATH_MAX];
  const char *fw = j->st.sandbox ? NULL : fw_area(area, sizeof(area));
  int skipped;
  x->claims = rp_claim_lock_open(NULL);  // host paths: before the namespaces
  x->out = own_stdout(j);
  if (rp_ns_enter(&spec, &skipped, e)) return -1;
  if (skipped) rp_log(RP_LOG_WARN, "container %s: user and time namespaces are not used: the proxy "
                      "must write the host's sysfs", j->st.id);
  // A failure here leaves the proxy with the copy of every mount: it
  // works, it only pins them.
  if (rp_ns_new(&spec, CLONE_NEWNS)) rp_ns_keep_only_sys(j->st.dir, fw, NULL);
  pid_t pid = fork();
  if (pid == 0) proxy_child(j, x);
  if (pid < 0) rp_errf(e, errno, "cannot fork the proxy: %s", strerror(errno));
  return pid;
}

// P1: the guardian first (host namespaces), then the proxy in the
// container's namespaces. A forked child ends with _exit: returning would
// run the caller's code twice.
static _Noreturn void first_child(struct job *j, int sync, int rep)
{
  struct report r = {0};
  struct rp_err e = {0};
  struct ends x = {.sync = sync};
  int death[2];
  // Before forking: a child leaving the caller's directory itself could
  // still be there, unscheduled, when create returns and the caller unmounts it.
  leave_cwd();
  if (pipe(death)) _exit(1);
  if (!j->st.sandbox && !j->o->no_guardian) {
    pid_t g = fork();
    if (g == 0) {
      close(death[1]);
      guard_child(j, death[0]);
    }
  }
  close(death[0]);
  x.death = death[1];
  // Here, so that the proxy is born in the cgroup (its memory counted
  // there, a cgroup namespace rooted there) and the guardian is not.
  r.pid = j->st.cgroup[0] && rp_cg_join(j->st.cgroup, getpid(), &e) ? -1 : enter_and_fork(j, &x, &e);
  if (r.pid < 0) rp_strlcpy(r.msg, e.msg, sizeof(r.msg));
  (void)!write(rep, &r, sizeof(r));
  _exit(0);
}

static int spawn(struct job *j, int *sync_wr)
{
  int sync[2], rep[2] = {-1, -1};
  struct report r = {0};
  // A socket, so that create's commit to a proxy that died is an error,
  // not a SIGPIPE (send MSG_NOSIGNAL).
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sync))
    return rp_errf(j->e, errno, "cannot create a socket pair: %s", strerror(errno));
  pid_t p1 = pipe2(rep, O_CLOEXEC) ? -1 : fork();
  if (p1 < 0) {
    int err = errno;
    close(sync[0]), close(sync[1]);
    if (rep[0] >= 0) close(rep[0]), close(rep[1]);
    return rp_errf(j->e, err, "cannot start the container's process: %s", strerror(err));
  }
  if (p1 == 0) {
    close(sync[1]), close(rep[0]), close(j->lock);
    first_child(j, sync[0], rep[1]);
  }
  close(sync[0]), close(rep[1]);
  ssize_t n = read(rep[0], &r, sizeof(r));
  close(rep[0]);
  rp_proc_wait(p1, NULL, 0);
  if (n != (ssize_t)sizeof(r) || r.pid <= 0) {
    close(sync[1]);
    return rp_errf(j->e, EIO, "cannot start the container's process: %s", n == sizeof(r) ? r.msg : "it died");
  }
  j->st.pid = r.pid;
  rp_proc_starttime(r.pid, &j->st.pid_start);
  *sync_wr = sync[1];
  return 0;
}

static int hooks(struct job *j, enum rp_hook_kind k) { return rp_rt_hooks(&j->st, &spec, k, j->e); }

static int write_pid_file(struct job *j)
{
  char pid[16];
  if (!j->o->pid_file) return 0;
  rp_fmt(pid, sizeof(pid), "%d", j->st.pid);
  return rp_fs_write_atomic(j->o->pid_file, pid, strlen(pid), 0644, j->e);
}

static int copy_config(struct job *j)
{
  char src[RP_PATH_MAX], dst[RP_PATH_MAX];
  rp_path_join(src, sizeof(src), j->st.bundle, "config.json");
  rp_path_join(dst, sizeof(dst), j->st.dir, "config.json");
  int fd = open(src, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return rp_errf(j->e, errno, "cannot open %s: %s", src, strerror(errno));
  int r = rp_fs_copy_atomic(fd, dst, 0600, RP_SPEC_BYTES, j->e);
  close(fd);
  return r;
}

// linux.cgroupsPath checked and resolved before anything is made. The
// shim is given no --systemd-cgroup: there the path's form decides.
static int pick_cgroup(struct job *j)
{
  const char *p = spec.cgroups_path;
  int sd = j->rt->systemd_cgroup;
  if (!p) return 0;
  return rp_cg_resolve(p, sd < 0 ? p[0] != '/' : sd, j->st.cgroup, sizeof(j->st.cgroup), j->e);
}

// Everything up to the fork; the state directory exists when it succeeds.
static int prepare(struct job *j)
{
  int r = rp_state_locate(j->rt->root, j->o->id, &j->st, j->e);
  if (!r) r = rp_spec_load(j->o->bundle, &spec, j->e);
  if (!r) r = paths(j);
  if (!r) r = rp_ns_check(&spec, j->e);
  if (!r) r = pick_cgroup(j);
  if (r) return r;
  j->st.sandbox = spec.sandbox;
  j->st.mounts = j->o->mounts;
  if (!spec.sandbox) {
    r = pick_processor(j);
    if (!r) r = check_board(j);
    if (!r) r = check_firmware(j);
    if (!r) r = pick_log(j);
    if (r) return r;
    rp_strlcpy(j->st.proc_name, j->proc.name, sizeof(j->st.proc_name));
    rp_strlcpy(j->st.proc_dev, j->proc.dev, sizeof(j->st.proc_dev));
  }
  rp_strlcpy(j->st.phase, "creating", sizeof(j->st.phase));
  rp_log_time(j->st.created, sizeof(j->st.created));
  j->st.creator = getpid();
  rp_proc_starttime(j->st.creator, &j->st.creator_start);
  return make_dir(j);
}

static int setup(struct job *j)
{
  int r;
  if ((j->lock = rp_state_lock(&j->st, j->e)) < 0) return j->lock;
  if ((r = rp_state_write(&j->st, j->e)) || (r = copy_config(j))) return r;
  if (j->st.cgroup[0] && (r = rp_cg_create(j->st.cgroup, j->e))) return r;
  if (!j->st.sandbox && (r = claim(j))) return r;
  if (j->o->console_socket && (j->console = rp_console_setup(j->o->console_socket, j->e)) < 0)
    return j->console;
  j->dirfd = open(j->st.dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (j->dirfd < 0) return rp_errf(j->e, errno, "cannot open %s: %s", j->st.dir, strerror(errno));
  j->ctl = rp_sock_listen(j->dirfd, "ctl", j->e);
  return j->ctl < 0 ? j->ctl : 0;
}

static void abandon(struct job *j)
{
  if (j->st.pid > 0) kill(j->st.pid, SIGKILL);
  if (j->st.cgroup[0]) rp_cg_remove(j->st.cgroup, NULL);
  if (j->claimed) rp_claim_drop(j->proc.dev, j->st.dir, NULL);
  rp_fs_rmtree(j->st.dir, NULL);
}

static void close_job(struct job *j)
{
  int fds[] = {j->logfd, j->console, j->dirfd, j->ctl, j->lock};
  for (unsigned i = 0; i < sizeof(fds) / sizeof(*fds); i++)
    if (fds[i] >= 0) close(fds[i]);
}

int rp_rt_create(const struct rp_rt *rt, const struct rp_create *o, int *pid, struct rp_err *e)
{
  static struct job j;
  int sync = -1;
  j = (struct job){.rt = rt, .o = o, .logfd = -1, .console = -1, .dirfd = -1, .ctl = -1, .lock = -1, .e = e};
  int r = prepare(&j);
  if (r) {
    close_job(&j);
    return r;
  }
  rp_fault("after-statedir");  // test-only kill points: see fault.h
  r = setup(&j);
  if (!r) rp_fault("after-claim");
  if (!r) r = spawn(&j, &sync);
  if (!r) rp_fault("after-fork");
  if (!r && !j.st.sandbox) r = update_claim(&j);
  if (!r) r = rp_state_write(&j.st, e);
  if (!r) r = hooks(&j, RP_HOOK_PRESTART);
  if (!r) r = hooks(&j, RP_HOOK_CREATE_RUNTIME);
  if (!r) rp_fault("after-hooks");
  if (!r) {
    rp_strlcpy(j.st.phase, "created", sizeof(j.st.phase));
    r = rp_state_write(&j.st, e);
  }
  if (!r) rp_fault("after-created");
  if (!r) r = write_pid_file(&j);
  if (!r && send(sync, "C", 1, MSG_NOSIGNAL) != 1) r = rp_errf(e, EIO, "the container's process died during create");
  if (!r) rp_fault("after-commit");
  if (sync >= 0) close(sync);
  if (r) abandon(&j);
  close_job(&j);
  if (!r) *pid = j.st.pid;
  return r;
}
