// claim.c - processor claims (see claim.h)

#include "claim.h"
#include "dir.h"
#include "fs.h"
#include "labels.h"
#include "num.h"
#include "path.h"
#include "proc.h"
#include "stage.h"
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

int rp_claim_dir(char *buf, size_t cap) { return rp_path_run(buf, cap, "rprocbox/claims"); }

static int claim_path(const char *dev, char *buf, size_t cap)
{
  char dir[RP_PATH_MAX];
  return rp_claim_dir(dir, sizeof(dir)) || rp_path_join(buf, cap, dir, dev);
}

int rp_claim_lock_open(struct rp_err *e)
{
  char dir[RP_PATH_MAX], lock[RP_PATH_MAX];
  if (rp_claim_dir(dir, sizeof(dir)) || rp_path_join(lock, sizeof(lock), dir, ".lock"))
    return rp_errf(e, ENAMETOOLONG, "claims path too long");
  int r = rp_fs_mkdir_p(dir, 0700, e);
  if (r) return r;
  int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  return fd < 0 ? rp_errf(e, errno, "cannot open %s: %s", lock, strerror(errno)) : fd;
}

int rp_claim_lock_hold(int fd, int on, struct rp_err *e)
{
  while (flock(fd, on ? LOCK_EX : LOCK_UN) < 0)
    if (errno != EINTR) return rp_errf(e, errno, "cannot lock the processor claims: %s", strerror(errno));
  return 0;
}

int rp_claim_lock(struct rp_err *e)
{
  int fd = rp_claim_lock_open(e);
  if (fd < 0) return fd;
  int r = rp_claim_lock_hold(fd, 1, e);
  if (r) close(fd);
  return r ? r : fd;
}

void rp_claim_unlock(int fd)
{
  if (fd >= 0) close(fd);  // closing releases the flock
}

// "<pid> <start>\n"; returns 0 when well formed.
static int parse_holder(const char *s, struct rp_claim *c)
{
  unsigned long long pid;
  if (rp_num_prefix(s, 0x3fffffff, &pid, &s) || *s++ != ' ' || !pid) return -1;
  if (rp_num_prefix(s, ~0ULL, &c->start, &s) || (*s && *s != '\n')) return -1;
  c->pid = (int)pid;
  return 0;
}

int rp_claim_get(const char *dev, struct rp_claim *c, struct rp_err *e)
{
  char p[RP_PATH_MAX], buf[RP_ID_MAX + 2048 + 64];
  if (claim_path(dev, p, sizeof(p))) return rp_errf(e, ENAMETOOLONG, "claims path too long");
  int n = rp_fs_read(p, buf, sizeof(buf), e);
  if (n == -ENOENT) return 0;
  if (n < 0) return n;
  memset(c, 0, sizeof(*c));
  char *id = buf, *dir = strchr(id, '\n'), *pid = dir ? strchr(dir + 1, '\n') : NULL;
  if (!pid) return rp_errf(e, EINVAL, "claim file %s is damaged", p);
  *dir++ = 0;
  *pid++ = 0;
  if (rp_strlcpy(c->id, id, sizeof(c->id)) || rp_strlcpy(c->statedir, dir, sizeof(c->statedir)) ||
      parse_holder(pid, c))
    return rp_errf(e, EINVAL, "claim file %s is damaged", p);
  return 1;
}

int rp_claim_live(const struct rp_claim *c) { return rp_proc_alive(c->pid, c->start); }

// A claim write killed between making its temporary file and renaming it
// left .<dev>.XXXXXX (rp_fs_write_atomic). Claims are written only under
// the claims lock, so for the holder of the lock every such file is stale.
static void drop_tmp(const char *dev)
{
  char dir[RP_PATH_MAX];
  struct rp_dir d;
  size_t n = strlen(dev);
  if (rp_claim_dir(dir, sizeof(dir)) || rp_dir_open(&d, AT_FDCWD, dir)) return;
  for (const char *f; (f = rp_dir_next(&d));)
    if (f[0] == '.' && !strncmp(f + 1, dev, n) && f[n + 1] == '.') unlinkat(d.fd, f, 0);
  rp_dir_close(&d);
}

int rp_claim_put(const char *dev, const struct rp_claim *c, struct rp_err *e)
{
  char p[RP_PATH_MAX], buf[RP_ID_MAX + 2048 + 64];
  if (claim_path(dev, p, sizeof(p))) return rp_errf(e, ENAMETOOLONG, "claims path too long");
  drop_tmp(dev);
  if (rp_fmt(buf, sizeof(buf), "%s\n%s\n%d %llu\n", c->id, c->statedir, c->pid, c->start))
    return rp_errf(e, ENAMETOOLONG, "claim too long");
  int r = rp_fs_write_atomic(p, buf, strlen(buf), 0600, e);
  rp_labels_refresh();
  return r;
}

int rp_claim_drop(const char *dev, const char *statedir, struct rp_err *e)
{
  struct rp_claim c;
  char p[RP_PATH_MAX];
  int lock = rp_claim_lock(e);
  if (lock < 0) return lock;
  int r = rp_claim_get(dev, &c, e);
  if (r > 0 && !strcmp(c.statedir, statedir)) {
    r = 0;
    if (claim_path(dev, p, sizeof(p))) r = rp_errf(e, ENAMETOOLONG, "claims path too long");
    else if (unlink(p) && errno != ENOENT) r = rp_errf(e, errno, "cannot remove %s: %s", p, strerror(errno));
  }
  rp_claim_unlock(lock);
  rp_labels_refresh();
  return r < 0 ? r : 0;
}

int rp_claim_holder(const struct rp_rproc *p, struct rp_claim *c, struct rp_err *e)
{
  int r = rp_claim_get(p->dev, c, e);
  return r <= 0 ? r : rp_claim_live(c);
}

int rp_claim_each(int (*fn)(const char *dev, const struct rp_claim *c, int r, void *arg), void *arg)
{
  char dir[RP_PATH_MAX];
  struct rp_claim c;
  struct rp_dir d;
  int stop = 0;
  if (rp_claim_dir(dir, sizeof(dir)) || rp_dir_open(&d, AT_FDCWD, dir)) return -ENOENT;
  for (const char *n; !stop && (n = rp_dir_next(&d));)
    if (n[0] != '.')  // the lock, and temporary files of a write
      stop = fn(n, &c, rp_claim_get(n, &c, NULL), arg);
  rp_dir_close(&d);
  return stop;
}

static int names(const char *dev, const struct rp_claim *c, int r, void *want)
{
  char owner[RP_PATH_MAX];
  return r < 0 || (r > 0 && (rp_state_owner(c->statedir, owner, sizeof(owner)) || !strcmp(owner, want)));
}

int rp_claim_names_owner(const char *name)
{
  char want[RP_PATH_MAX];
  if (rp_fmt(want, sizeof(want), RP_STATE_AREA "/%s", name)) return 1;
  return rp_claim_each(names, want) != 0;  // unreadable directory: named, to be safe
}

// Who runs the processor, as the policy sees it: the live holder of its
// claim, or a holder that has just died (kill KILL, until it or the
// guardian stops the processor) and still runs the firmware it staged,
// <owner>/<file> (rp_state_owner): its container's, not of unknown origin.
static int held(const struct rp_claim *c, int had, int s, const char *fw)
{
  char owner[RP_PATH_MAX], mine[RP_PATH_MAX];
  if (!had) return 0;
  if (rp_claim_live(c)) return 1;
  return s >= 0 && s != RP_RS_OFFLINE && !rp_state_owner(c->statedir, owner, sizeof(owner)) &&
         !rp_fmt(mine, sizeof(mine), "%s/", owner) && !strncmp(fw, mine, strlen(mine));
}

// Refused: held by another container, attached, or running firmware that
// no running container started.
static int refuse(const struct rp_rproc *p, const struct rp_claim *old, int had, int s, const char *fw,
                  struct rp_err *e)
{
  if (held(old, had, s, fw)) return rp_errf(e, EBUSY, "processor %s is in use by container %s", p->name, old->id);
  if (s < 0) return s;
  if (s == RP_RS_ATTACHED)
    return rp_errf(e, EBUSY, "processor %s is attached to firmware started before Linux; stop it "
                   "first (rproc stop %s)", p->name, p->name);
  if (s != RP_RS_OFFLINE)
    return rp_errf(e, EBUSY, "processor %s is already %s with firmware %s that no running container "
                   "started; stop it first (rproc stop %s)", p->name, rp_rstate_name(s), fw, p->name);
  return 0;
}

int rp_claim_take(const struct rp_rproc *p, const struct rp_claim *c, struct rp_err *e)
{
  struct rp_claim old = {0};
  char fw[RP_FW_NAME_MAX] = "";
  int lock = rp_claim_lock(e);
  if (lock < 0) return lock;
  int had = rp_claim_get(p->dev, &old, NULL) > 0 && strcmp(old.statedir, c->statedir);
  int s = rp_rproc_settled(p, RP_RPROC_SETTLE_MS, e);
  rp_rproc_read(p, "firmware", fw, sizeof(fw), NULL);
  int r = refuse(p, &old, had, s, fw, e);
  if (!r) r = rp_claim_put(p->dev, c, e);
  // Firmware staged by containers that no claim names any more (their
  // state and claim went with /run at a reboot) would stay in the firmware
  // directory for good: drop it (staged names: rp_state_owner).
  if (!r) rp_stage_sweep(RP_STATE_AREA, rp_claim_names_owner);
  rp_claim_unlock(lock);
  return r;
}

// A claim left naming create, which exits next, would look stale and hand
// the processor to the next container while this one runs: a failed write
// fails the create.
int rp_claim_hand(const char *dev, const struct rp_claim *c, struct rp_err *e)
{
  int lock = rp_claim_lock(e), r = lock < 0 ? lock : rp_claim_put(dev, c, e);
  if (lock >= 0) rp_claim_unlock(lock);
  return r ? rp_errwrap(e, "cannot hand the processor claim to the container's process") : 0;
}
