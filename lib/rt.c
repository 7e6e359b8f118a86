// rt.c - start, kill, delete and state (see rt.h; create is in create.c)

#include "rt.h"
#include "cdi.h"
#include "coredump.h"
#include "claim.h"
#include "fault.h"
#include "fs.h"
#include "hooks.h"
#include "json.h"
#include "log.h"
#include "path.h"
#include "proc.h"
#include "proxy.h"
#include "resolve.h"
#include "sock.h"
#include "stage.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int rp_rt_hooks(const struct rp_rt *rt, const struct rp_state *st, const struct rp_spec *sp,
                enum rp_hook_kind k, struct rp_err *e)
{
  char *js = rt->work->json;
  if (!sp->nhook[k]) return 0;
  if (rp_rt_state_json(st, sp, js, sizeof(rt->work->json), 0) < 0)
    return rp_errf(e, E2BIG, "the state of container %s is too large for its hooks", st->id);
  return rp_hooks_run(sp, k, js, e);
}

// Read and lock the state of id; the returned lock fd must be closed. The
// directory may have been deleted and made again while we waited for the
// lock: then the lock is on the old one, and we try again.
static int open_locked(const struct rp_rt *rt, const char *id, struct rp_state *st, struct rp_err *e)
{
  for (int tries = 0; tries < 8; tries++) {
    struct stat a, b;
    int r = rp_state_locate(rt->root, id, st, e);
    int lock = r ? r : rp_state_lock(st, e);
    if (lock < 0) return lock;
    if (fstat(lock, &a) || stat(st->dir, &b) || a.st_ino != b.st_ino || a.st_dev != b.st_dev) {
      close(lock);
      continue;
    }
    r = rp_state_read(rt->root, id, st, e);
    if (!r) return lock;
    close(lock);
    return r;
  }
  return rp_errf(e, EAGAIN, "container %s keeps being deleted and made again", id);
}

static int same_id(const struct stat *s, const unsigned long long *id)
{
  return s->st_dev == id[0] && s->st_ino == id[1];
}

int rp_rt_open_firmware(struct rp_state *st, const char *path, int record, char *canon, size_t cap,
                        struct rp_err *e)
{
  struct stat rs, fs;
  int root = open(st->rootfs, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), r = 0;
  if (root < 0 || fstat(root, &rs)) {
    r = rp_errf(e, errno, "cannot open container root %s: %s", st->rootfs, strerror(errno));
    if (root >= 0) close(root);
    return r;
  }
  int fd = record || !st->root_id[1] || same_id(&rs, st->root_id)
               ? rp_resolve_openat(root, st->rootfs, path, canon, cap, e)
               : rp_errf(e, ESTALE, "container root %s is not the directory create checked", st->rootfs);
  close(root);
  if (fd < 0) return fd;
  if (fstat(fd, &fs)) r = rp_errf(e, errno, "cannot inspect %s: %s", path, strerror(errno));
  else if (fs.st_nlink != 1)
    r = rp_errf(e, EPERM, "%s has %llu hard links: a firmware file must have exactly one", path,
                (unsigned long long)fs.st_nlink);
  else if (!record && st->fw_id[1] && !same_id(&fs, st->fw_id))
    r = rp_errf(e, ESTALE, "%s is not the file create checked: it was replaced", path);
  if (r) {
    close(fd);
    return r;
  }
  if (record) st->root_id[0] = rs.st_dev, st->root_id[1] = rs.st_ino, st->fw_id[0] = fs.st_dev, st->fw_id[1] = fs.st_ino;
  return fd;
}

static int stage(struct rp_state *st, struct rp_err *e)
{
  char owner[RP_PATH_MAX], canon[1024];
  int fd = rp_rt_open_firmware(st, st->fw_resolved, 0, canon, sizeof(canon), e);
  if (fd < 0) return rp_errwrap(e, "firmware");
  if (rp_state_owner(st->dir, owner, sizeof(owner))) return rp_errf(e, ENAMETOOLONG, "state path too long");
  int r = rp_stage_copy(fd, owner, rp_path_base(canon), st->fw_staged, sizeof(st->fw_staged), e);
  close(fd);
  return r;
}

static int not_startable(const struct rp_state *st, enum rp_status s, struct rp_err *e)
{
  if (s == RP_ST_RUNNING) return rp_errf(e, EBUSY, "container %s is already running", st->id);
  if (s == RP_ST_CREATING) return rp_errf(e, EBUSY, "container %s is still being created", st->id);
  if (s == RP_ST_CREATED && st->phase == RP_PH_STARTING)
    return rp_errf(e, EBUSY, "container %s is already being started", st->id);
  return rp_errf(e, EINVAL, "container %s is stopped: it cannot be started again (delete and "
                 "create it)", st->id);
}

int rp_rt_start_send(const struct rp_rt *rt, const char *id, struct rp_err *e)
{
  struct rp_state *cur = &rt->work->cur;
  char msg[RP_PROXY_MSG];
  int lock = open_locked(rt, id, cur, e), fd = -1, r = 0;
  if (lock < 0) return lock;
  enum rp_status s = rp_state_status(cur);
  if (s != RP_ST_CREATED || cur->phase != RP_PH_CREATED) r = not_startable(cur, s, e);
  if (!r && !cur->sandbox) r = stage(cur, e);
  if (!r) rp_fault("after-stage");  // test-only kill points: see fault.h
  // "starting" keeps a second start out while this one waits unlocked for
  // the reply: it would fail and take the staged firmware of a running
  // container with it. The guardian learns the firmware name here too.
  int written = 0;
  if (!r) {
    cur->phase = RP_PH_STARTING;
    written = !(r = rp_state_write(cur, e));
  }
  if (!r) rp_fault("after-starting");
  int dirfd = r ? -1 : open(cur->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (!r && (fd = rp_sock_connect(dirfd, "ctl", e)) < 0)
    r = rp_errf(e, ESRCH, "container %s is not running: its process is gone", id);
  if (!r && (rp_fmt(msg, sizeof(msg), "start %s", cur->fw_staged) ||
             send(fd, msg, strlen(msg), MSG_NOSIGNAL) < 0))
    r = rp_errf(e, EIO, "cannot reach the process of container %s: %s", id, strerror(errno));
  if (!r) rp_fault("after-send");
  if (r && written) {  // the request never reached the proxy: startable again
    cur->phase = RP_PH_CREATED;
    rp_state_write(cur, NULL);
  }
  if (dirfd >= 0) close(dirfd);
  close(lock);
  if (r && fd >= 0) close(fd);
  return r ? r : fd;
}

// Hooks after the fact: their failures are warnings (runtime-spec).
static void after_hooks(const struct rp_rt *rt, const struct rp_state *st, enum rp_hook_kind k)
{
  struct rp_err e;
  struct rp_spec *sp = &rt->work->spec;
  if (rp_spec_load(st->dir, sp, NULL)) return;
  if (rp_rt_hooks(rt, st, sp, k, &e)) rp_log(RP_LOG_WARN, "%s", e.msg);
}

int rp_rt_start_finish(const struct rp_rt *rt, const char *id, int fd, struct rp_err *e)
{
  struct rp_state *cur = &rt->work->cur;
  char reply[RP_PROXY_MSG], owner[RP_PATH_MAX];
  ssize_t n = recv(fd, reply, sizeof(reply) - 1, MSG_DONTWAIT);
  close(fd);
  reply[n > 0 ? n : 0] = 0;
  rp_fault("after-reply");
  int lock = open_locked(rt, id, cur, e);
  if (lock < 0) return lock;
  int r = 0;
  if (!strcmp(reply, "ok")) {
    cur->phase = RP_PH_STARTED;
  } else {
    r = rp_errf(e, EIO, "%s", n > 4 ? reply + 4 : "the container's process died while starting");
    if (!rp_state_owner(cur->dir, owner, sizeof(owner))) rp_stage_remove(owner, NULL);
    cur->fw_staged[0] = 0;
  }
  int w = rp_state_write(cur, r ? NULL : e);
  close(lock);
  if (!r && !w) after_hooks(rt, cur, RP_HOOK_POSTSTART);
  return r ? r : w;
}

int rp_rt_start(const struct rp_rt *rt, const char *id, struct rp_err *e)
{
  int fd = rp_rt_start_send(rt, id, e);
  if (fd < 0) return fd;
  struct pollfd p = {fd, POLLIN, 0};
  int n;
  do n = poll(&p, 1, RP_START_TIMEOUT_MS);
  while (n < 0 && errno == EINTR);
  if (n == 0) {
    close(fd);
    return rp_errf(e, ETIMEDOUT, "container %s: the processor did not confirm its start within %d s",
                   id, RP_START_TIMEOUT_MS / 1000);
  }
  return rp_rt_start_finish(rt, id, fd, e);
}

static struct rp_rproc proc_of(const struct rp_state *st)
{
  struct rp_rproc p = {0};
  rp_strlcpy(p.dev, st->proc_dev, sizeof(p.dev));
  rp_strlcpy(p.name, st->proc_name, sizeof(p.name));
  return p;
}

// The signals that stop a process rather than ask it to end.
static int stops(int sig) { return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU; }

#define GONE_WAIT_MS 2000

// 1 when the proxy is gone within GONE_WAIT_MS.
static int wait_gone(const struct rp_state *st)
{
  struct timespec t = {0, 5 * 1000 * 1000};
  for (int i = 0; i < GONE_WAIT_MS / 5; i++, nanosleep(&t, NULL))
    if (!rp_proc_alive(st->pid, st->pid_start)) return 1;
  return 0;
}

// SIGKILL leaves the processor to us: firmware must never outlive kill -9.
// The proxy goes first: one still inside its start write would otherwise
// bring the firmware up again after our stop, so a proxy that does not go
// (stuck in the kernel) keeps the processor as it is.
static int hard_kill(const struct rp_state *st, struct rp_err *e)
{
  if (st->pid > 0 && rp_proc_alive(st->pid, st->pid_start)) kill(st->pid, SIGKILL);
  if (st->pid > 0 && !wait_gone(st))
    return rp_errf(e, ETIMEDOUT, "its process %d did not end within %d s of SIGKILL", st->pid, GONE_WAIT_MS / 1000);
  if (st->sandbox || !st->fw_staged[0]) return 0;
  struct rp_rproc p = proc_of(st);
  int r = rp_proxy_stop_ours(&p, st->fw_staged, -1, e);
  return r < 0 ? r : 0;
}

int rp_rt_kill(const struct rp_rt *rt, const char *id, int sig, int all, struct rp_err *e)
{
  struct rp_state *cur = &rt->work->cur;
  int lock = open_locked(rt, id, cur, e), r = 0;
  if (lock < 0) return lock;
  enum rp_status s = rp_state_status(cur);
  if (s != RP_ST_CREATED && s != RP_ST_RUNNING) {
    if (sig == SIGKILL) hard_kill(cur, NULL);  // whatever is left still gets stopped
    r = all ? 0 : rp_errf(e, ESRCH, "cannot signal container %s: container not running", id);
  } else if (sig == SIGKILL) {
    r = hard_kill(cur, e);
  } else if (kill(cur->pid, sig)) {
    r = rp_errf(e, errno, "cannot signal container %s: %s", id, strerror(errno));
  } else if (!stops(sig)) {
    kill(cur->pid, SIGCONT);  // a proxy stopped by an earlier STOP must run to handle it
  }
  close(lock);
  return r;
}

int rp_rt_destroy(const struct rp_rt *rt, struct rp_state *st, struct rp_err *e)
{
  char owner[RP_PATH_MAX];
  struct rp_err ce = {0};
  // A processor that would not stop keeps its container, state and claim
  // included, so that the delete can be tried again once it is dealt with.
  int r = hard_kill(st, e);
  if (r) return rp_errwrap(e, "container %s is kept: its processor still runs", st->id);
  rp_fault("after-stop");
  if (!st->sandbox) {
    rp_cdi_write(NULL, NULL, 0, NULL);  // its rpmsg nodes are gone (a pod sandbox held none)
    if (!rp_state_owner(st->dir, owner, sizeof(owner))) r = rp_stage_remove(owner, e);
    struct rp_rproc p = proc_of(st);
    if (st->proc_dev[0]) rp_core_restore(st->dir, &p), rp_claim_drop(st->proc_dev, st->dir, NULL);
  }
  rp_fault("after-unclaim");
  // A cgroup that stays (a process of a hook still in it) keeps nothing
  // of the container alive: the delete goes on and says so.
  if (st->cgroup[0] && rp_cg_remove(st->cgroup, &ce))
    rp_log(RP_LOG_WARN, "container %s: %s", st->id, ce.msg);
  after_hooks(rt, st, RP_HOOK_POSTSTOP);
  int rm = rp_fs_rmtree(st->dir, r ? NULL : e);
  return r ? r : rm;
}

// delete --force of a container whose state.json cannot be read (damaged,
// or too large): what is left of it is found through its key (its staged
// firmware, remoteproc-runtime/<key>/) and its claim (its proxy and
// processor), and destroyed like any other. Before, nothing could remove it.
static int claimed_by(const char *dev, const struct rp_claim *c, int r, void *st_)
{
  struct rp_state *st = st_;
  if (r > 0 && !strcmp(c->statedir, st->dir)) {
    st->pid = c->pid, st->pid_start = c->start;
    rp_strlcpy(st->proc_dev, dev, sizeof(st->proc_dev));
  }
  return 0;
}

static int destroy_damaged(const struct rp_rt *rt, const char *id, struct rp_err *e)
{
  struct rp_state *cur = &rt->work->cur;
  char dir[RP_PATH_MAX], mine[RP_PATH_MAX];
  memset(cur, 0, sizeof(*cur));
  if (rp_state_locate(rt->root, id, cur, e)) return -e->code;
  rp_claim_each(claimed_by, cur);
  struct rp_rproc p = proc_of(cur);
  if (rp_state_owner(cur->dir, dir, sizeof(dir)) || rp_fmt(mine, sizeof(mine), "%s/", dir))
    return rp_errf(e, ENAMETOOLONG, "state path too long");
  if (!cur->proc_dev[0] || rp_rproc_read(&p, "firmware", cur->fw_staged, sizeof(cur->fw_staged), NULL) < 0 ||
      strncmp(cur->fw_staged, mine, strlen(mine)))
    cur->fw_staged[0] = 0;  // only firmware it staged itself is stopped
  rp_errclear(e);
  return rp_rt_destroy(rt, cur, e);
}

int rp_rt_delete(const struct rp_rt *rt, const char *id, int force, struct rp_err *e)
{
  struct rp_state *cur = &rt->work->cur;
  struct rp_state loc = {0};
  int lock = open_locked(rt, id, cur, e);
  if (lock == -ENOENT && force) {  // gone, or a directory without state: clean quietly
    if (!rp_state_locate(rt->root, id, &loc, NULL)) rp_fs_rmtree(loc.dir, NULL);
    rp_errclear(e);
    return 0;
  }
  if ((lock == -EINVAL || lock == -EFBIG) && force && !rp_state_valid_id(id, NULL))
    return destroy_damaged(rt, id, e);
  if (lock < 0) return lock;
  enum rp_status s = rp_state_status(cur);
  int r = 0;
  if (!force && (s == RP_ST_RUNNING || s == RP_ST_CREATING))
    r = rp_errf(e, EBUSY, "cannot delete container %s that is not stopped: %s", id, rp_status_name(s));
  if (!r) r = rp_rt_destroy(rt, cur, e);
  close(lock);
  return r;
}

static void annotations(struct rp_jw *w, const struct rp_state *st, const struct rp_spec *sp)
{
  char exit_reason[RP_ERR_MSG], v[RP_ERR_MSG + 16];
  int code;
  rp_jw_key(w, "annotations");
  rp_jw_obj(w);
  for (int i = 0; sp && i < sp->nann; i++)
    if (strncmp(sp->ann_key[i], "remoteproc.", 11)) rp_jw_kstr(w, sp->ann_key[i], sp->ann_val[i]);
  if (!st->sandbox) {
    rp_jw_kstr(w, "remoteproc.name", st->proc_name);
    rp_jw_kstr(w, "remoteproc.device", st->proc_dev);
    rp_jw_kstr(w, "remoteproc.resolved-path", st->fw_resolved);
    if (st->fw_staged[0]) rp_jw_kstr(w, "remoteproc.firmware", st->fw_staged);
  }
  if (rp_state_exit(st, &code, exit_reason, sizeof(exit_reason)) == 0) {
    rp_fmt(v, sizeof(v), "%d %s", code, exit_reason);
    rp_jw_kstr(w, "remoteproc.exit", v);
  }
  rp_jw_end(w);
}

int rp_rt_state_json(const struct rp_state *st, const struct rp_spec *sp, char *buf, size_t cap, int indent)
{
  struct rp_jw w;
  enum rp_status s = rp_state_status(st);
  rp_jw_init(&w, buf, cap, indent);
  rp_jw_obj(&w);
  rp_jw_kstr(&w, "ociVersion", "1.2.0");
  rp_jw_kstr(&w, "id", st->id);
  rp_jw_kstr(&w, "status", rp_status_name(s));
  rp_jw_kint(&w, "pid", s == RP_ST_STOPPED ? 0 : st->pid);
  rp_jw_kstr(&w, "bundle", st->bundle);
  rp_jw_kstr(&w, "rootfs", st->rootfs);
  rp_jw_kstr(&w, "created", st->created);
  rp_jw_kstr(&w, "owner", "");
  annotations(&w, st, sp);
  rp_jw_end(&w);
  return rp_jw_finish(&w);
}

const char *rp_rt_state_text(const struct rp_rt *rt, const struct rp_state *st, int indent)
{
  struct rp_work *w = rt->work;
  int loaded = !rp_spec_load(st->dir, &w->spec, NULL);
  return rp_rt_state_json(st, loaded ? &w->spec : NULL, w->json, sizeof(w->json), indent) < 0 ? NULL : w->json;
}
