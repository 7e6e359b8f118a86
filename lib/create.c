// create.c - the create operation (see rt.h)
//
// Order matters for crash safety: the state directory says "creating" with
// our pid before anything is claimed, the proxy waits for a commit byte
// before it serves, so a create killed at any step leaves only things that
// are recognisably stale (dead creator, dead claim holder) and get replaced.
// The processes it forks are launch.c's, the claim policy claim.c's; this
// file is the operation read top to bottom: the checks, the state
// directory, the claim, the launch, the hooks and the commit.

#include "rt.h"
#include "board.h"
#include "cgroup.h"
#include "claim.h"
#include "console.h"
#include "coredump.h"
#include "elf.h"
#include "fault.h"
#include "fs.h"
#include "hooks.h"
#include "log.h"
#include "logsrc.h"
#include "ns.h"
#include "num.h"
#include "path.h"
#include "proc.h"
#include "resolve.h"
#include "sock.h"
#include "launch.h"
#include "stage.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

struct job {
  const struct rp_rt *rt;
  struct rp_spec *spec;  // the bundle's config, in the work area
  const struct rp_create *o;
  struct rp_state st;
  struct rp_rproc proc;
  int logfd, console, dirfd, ctl, lock, claimed;
  int core_fd;             // crash dumps wanted: their directory (coredump.h), else -1
  const char *core_mode;   // annotation remoteproc.coredump
  char core_dir[RP_PATH_MAX];
  struct rp_err *e;
  char wait[32];  // remoteproc.wait-rpmsg
  int wait_ms;
};

static int pick_processor(struct job *j)
{
  const char *name = rp_spec_processor(j->spec);
  if (name) return rp_rproc_find(name, &j->proc, j->e);  // claim reads what it needs, live
  struct rp_rproc *all = j->rt->work->procs;
  char list[256] = "";
  int n = rp_rproc_list(all, RP_RPROC_MAX, NULL);
  for (int i = 0, len = 0; i < n && len < 200; i++, len = (int)strlen(list))
    rp_fmt(list + len, sizeof(list) - (size_t)len, "%s%s", i ? ", " : "", all[i].name);
  return rp_errf(j->e, EINVAL, "no remote processor selected: set the annotation remoteproc.name "
                 "or the image environment MCU (available remote processors: %s)", n > 0 ? list : "none");
}

static int check_board(struct job *j)
{
  const char *want = rp_spec_board(j->spec);
  struct rp_board b;
  char have[512];
  if (!want) return 0;
  rp_board_read(&b, NULL);
  if (rp_board_match(&b, want)) return 0;
  rp_board_describe(&b, have, sizeof(have));
  return rp_errf(j->e, EINVAL, "this container is for board \"%s\", but this board is %s", want, have);
}

// Annotation remoteproc.firmware-check: strict refuses what the kernel's
// ELF loader would refuse; warn (the default) leaves it to the kernel.
static int firmware_strict(struct job *j)
{
  const char *v = rp_spec_annotation(j->spec, "remoteproc.firmware-check");
  if (!v || !strcmp(v, "warn")) return 0;
  if (!strcmp(v, "strict")) return 1;
  return rp_errf(j->e, EINVAL, "annotation remoteproc.firmware-check must be warn or strict, not %s", v);
}

// Everything start will need of the name and the file is checked here,
// before anything is claimed or copied: the name the kernel will be given
// (rp_stage_name), the size and, as far as the annotation asks, the format.
static int check_firmware(struct job *j)
{
  struct rp_elf elf;
  char m[32], owner[RP_PATH_MAX], staged[sizeof(j->st.fw_staged)];
  int strict = firmware_strict(j), r = strict < 0 ? strict : rp_stage_printable(j->spec->fw, j->e);
  if (r) return r;
  int fd = rp_rt_open_firmware(&j->st, j->spec->fw, 1, j->st.fw_resolved, sizeof(j->st.fw_resolved), j->e);
  if (fd < 0) return rp_errwrap(j->e, "firmware");
  int elf_r = rp_stage_fits(fd, j->spec->fw, j->e);
  if (!elf_r && (elf_r = rp_stage_format(fd, j->spec->fw, strict, &elf, j->e)) < 0) rp_errwrap(j->e, "firmware");
  close(fd);
  if (elf_r < 0) return elf_r;
  if (rp_state_owner(j->st.dir, owner, sizeof(owner))) return rp_errf(j->e, ENAMETOOLONG, "state path too long");
  r = rp_stage_name(owner, rp_path_base(j->st.fw_resolved), staged, sizeof(staged), j->e);
  if (r) return r;
  rp_strlcpy(j->st.fw, j->spec->fw, sizeof(j->st.fw));
  if (elf_r) return 0;  // not ELF: no resource table to look for
  rp_log(RP_LOG_INFO, "firmware %s: ELF%d %s, %d loadable segment(s)", j->spec->fw, elf.cls,
         rp_elf_machine_name(elf.machine, m, sizeof(m)), elf.nload);
  j->st.rsc = elf.has_rsc;
  if (!elf.has_rsc)
    rp_log(RP_LOG_WARN, "firmware %s has no .resource_table section: the kernel gets no trace "
           "buffer from it, so there will be no firmware log", j->spec->fw);
  return 0;
}

// Where the firmware log comes from: annotation remoteproc.log.
static int pick_log(struct job *j)
{
  const char *l = rp_spec_annotation(j->spec, "remoteproc.log");
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

// Annotations remoteproc.coredump (enabled or inline) and -dir, checked
// before anything changes; the directory is opened now, as the proxy may
// live in a root of its own that has no such directory.
static int pick_coredump(struct job *j)
{
  const char *k = "remoteproc.coredump", *m = rp_spec_annotation(j->spec, k);
  if (!m) return 0;
  if (strcmp(m, "enabled") && strcmp(m, "inline")) return rp_errf(j->e, EINVAL, "annotation %s must be enabled or inline, not %s", k, m);
  j->core_mode = m;
  j->core_fd = rp_core_open_dir(rp_spec_annotation(j->spec, "remoteproc.coredump-dir"), j->core_dir,
                                sizeof(j->core_dir), j->e);
  return j->core_fd < 0 ? rp_errwrap(j->e, "annotation remoteproc.coredump-dir") : 0;
}

// Annotations remoteproc.wait-rpmsg (a channel name, or any) and
// remoteproc.wait-timeout: start waits for that channel. The bound keeps
// start and wait within what a starter waits for the reply.
static int pick_wait(struct job *j)
{
  const char *w = rp_spec_annotation(j->spec, "remoteproc.wait-rpmsg"), *t = rp_spec_annotation(j->spec, "remoteproc.wait-timeout");
  unsigned long long s = 10;
  if (w && (!*w || rp_strlcpy(j->wait, w, sizeof(j->wait))))
    return rp_errf(j->e, EINVAL, "annotation remoteproc.wait-rpmsg must be a channel name or any");
  if (t && (rp_num_parse(t, 100, &s) || !s))
    return rp_errf(j->e, EINVAL, "annotation remoteproc.wait-timeout must be 1 to 100 seconds, not %s", t);
  j->wait_ms = (int)s * 1000;
  return 0;
}

// The realpath of directory path into field (of size cap): 0 or an errno.
static int real_dir(const char *path, char *field, size_t cap)
{
  char real[RP_PATH_MAX];
  struct stat st;
  if (rp_path_real(path, real, sizeof(real))) return errno;
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
  if (j->spec->root[0] == '/') rp_strlcpy(root, j->spec->root, sizeof(root));
  else if (rp_path_join(root, sizeof(root), j->st.bundle, j->spec->root)) return rp_errf(j->e, ENAMETOOLONG, "root path too long");
  err = real_dir(root, j->st.rootfs, sizeof(j->st.rootfs));
  if (err == ENAMETOOLONG)
    return rp_errf(j->e, err, "the container root's path is longer than %zu bytes", sizeof(j->st.rootfs) - 1);
  return err ? rp_errf(j->e, err, "container root %s is not a directory", root) : 0;
}

// A create's state says CREATING until the create dies or gets further.
// Judged dead, it is read again: a create that wrote CREATED and exited
// between the first read and the check is no dead one (taking it for one
// let two creates of one id both succeed).
static int died_creating(const struct job *j, struct rp_state *old)
{
  int creator = old->creator;
  unsigned long long start = old->creator_start;
  if (old->phase != RP_PH_CREATING || rp_state_status(old) != RP_ST_STOPPED) return 0;
  return !rp_state_read(j->rt->root, j->st.id, old, NULL) && old->phase == RP_PH_CREATING &&
         old->creator == creator && old->creator_start == start;
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
    int stale = rd == -ENOENT || (!rd && died_creating(j, &old));
    if (!stale) break;
    if (!rd && old.proc_dev[0]) rp_claim_drop(old.proc_dev, old.dir, NULL);
    rp_fs_rmtree(j->st.dir, NULL);
  }
  if (lock >= 0) close(lock);
  return r == -EEXIST ? rp_errf(j->e, EEXIST, "container %s already exists", j->st.id) : r;
}

// The claim, taken by create (held by create itself until the proxy
// exists), then handed to the proxy (rp_claim_take, rp_claim_hand).
static int claim(struct job *j, int pid, unsigned long long start, int hand)
{
  struct rp_claim c = {.pid = pid, .start = start};
  rp_strlcpy(c.id, j->st.id, sizeof(c.id));
  rp_strlcpy(c.statedir, j->st.dir, sizeof(c.statedir));
  if (hand) return rp_claim_hand(j->proc.dev, &c, j->e);
  int r = rp_claim_take(&j->proc, &c, j->e);
  j->claimed = !r;
  return r;
}

// The container's processes (launch.h), from what create checked and opened.
static int launch(struct job *j, int *sync_wr)
{
  static struct rp_launch in;  // static: given back in the children with the job
  in = (struct rp_launch){
      .cfg = {.id = j->st.id, .sandbox = j->st.sandbox, .proc = j->proc, .ctl = j->ctl, .statedir = j->dirfd,
              .logfd = j->logfd, .trace = !strcmp(j->st.log, "trace"), .has_rsc = j->st.rsc, .core_fd = j->core_fd,
              .wait_ms = j->wait_ms},
      .spec = j->spec, .statedir = j->st.dir, .guardian = !j->st.sandbox && !j->o->no_guardian,
      .console = j->console, .stdio = {j->o->stdio[0], j->o->stdio[1], j->o->stdio[2]},
      .cgroup = j->st.cgroup, .close_fd = j->lock, .rt = j->rt, .mine = j, .mine_len = sizeof(*j)};
  rp_strlcpy(in.cfg.core_dir, j->core_dir, sizeof(in.cfg.core_dir));
  pid_t pid;
  rp_strlcpy(in.cfg.wait_rpmsg, j->wait, sizeof(in.cfg.wait_rpmsg));
  int r = rp_launch(&in, &pid, sync_wr, j->e);
  if (r) return r;
  j->st.pid = pid;
  rp_proc_starttime(pid, &j->st.pid_start);
  return 0;
}

static int hooks(struct job *j, enum rp_hook_kind k) { return rp_rt_hooks(j->rt, &j->st, j->spec, k, j->e); }

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
  const char *p = j->spec->cgroups_path;
  int sd = j->rt->systemd_cgroup;
  if (!p) return 0;
  return rp_cg_resolve(p, sd < 0 ? p[0] != '/' : sd, j->st.cgroup, sizeof(j->st.cgroup), j->e);
}

// Everything up to the fork; the state directory exists when it succeeds.
static int prepare(struct job *j)
{
  int r = rp_state_locate(j->rt->root, j->o->id, &j->st, j->e);
  if (!r) r = rp_spec_load(j->o->bundle, j->spec, j->e);
  if (!r) r = paths(j);
  if (!r) r = rp_ns_check(j->spec, j->e);
  if (!r) r = pick_cgroup(j);
  if (r) return r;
  j->st.sandbox = j->spec->sandbox;
  j->st.mounts = j->o->mounts;
  if (!j->spec->sandbox) {
    r = pick_processor(j);
    if (!r) r = check_board(j);
    if (!r) r = check_firmware(j);
    if (!r) r = pick_log(j);
    if (!r) r = pick_coredump(j);
    if (!r) r = pick_wait(j);
    if (r) return r;
    rp_strlcpy(j->st.proc_name, j->proc.name, sizeof(j->st.proc_name));
    rp_strlcpy(j->st.proc_dev, j->proc.dev, sizeof(j->st.proc_dev));
  }
  j->st.phase = RP_PH_CREATING;
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
  if (!j->st.sandbox && (r = claim(j, j->st.creator, j->st.creator_start, 0))) return r;
  if (j->core_mode && (r = rp_core_apply(&j->proc, j->core_mode, j->st.dir, j->e))) return r;
  if (j->o->console_socket && (j->console = rp_console_setup(j->o->console_socket, isatty(j->logfd), j->e)) < 0)
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
  if (j->claimed) rp_core_restore(j->st.dir, &j->proc), rp_claim_drop(j->proc.dev, j->st.dir, NULL);
  rp_fs_rmtree(j->st.dir, NULL);
}

static void close_job(struct job *j)
{
  int fds[] = {j->logfd, j->console, j->dirfd, j->ctl, j->lock, j->core_fd};
  for (unsigned i = 0; i < sizeof(fds) / sizeof(*fds); i++)
    if (fds[i] >= 0) close(fds[i]);
}

int rp_rt_create(const struct rp_rt *rt, const struct rp_create *o, int *pid, struct rp_err *e)
{
  static struct job j;
  int sync = -1;
  j = (struct job){.rt = rt, .spec = &rt->work->spec, .o = o, .logfd = -1, .console = -1, .dirfd = -1, .ctl = -1, .lock = -1, .core_fd = -1, .e = e};
  int r = prepare(&j);
  if (r) {
    close_job(&j);
    return r;
  }
  rp_fault("after-statedir");  // test-only kill points: see fault.h
  r = setup(&j);
  if (!r) rp_fault("after-claim");
  if (!r) r = launch(&j, &sync);
  if (!r) rp_fault("after-fork");
  if (!r && !j.st.sandbox) r = claim(&j, j.st.pid, j.st.pid_start, 1);
  if (!r) r = rp_state_write(&j.st, e);
  if (!r) r = hooks(&j, RP_HOOK_PRESTART);
  if (!r) r = hooks(&j, RP_HOOK_CREATE_RUNTIME);
  if (!r) rp_fault("after-hooks");
  if (!r) {
    j.st.phase = RP_PH_CREATED;
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
