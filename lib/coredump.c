// coredump.c - saving the kernel's crash dumps (see coredump.h)
//
// No allocation: the dump is copied in chunks through a stack buffer, the
// devcoredump directory listed with rp_dir.

#include "coredump.h"
#include "dir.h"
#include "fs.h"
#include "log.h"
#include "num.h"
#include "path.h"
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define STAMP_LEN 20  // 20261208T011500.123Z
#define DCD "sys/class/devcoredump"

#define PREV "coredump"  // in the state directory

int rp_core_apply(const struct rp_rproc *p, const char *mode, const char *statedir, struct rp_err *e)
{
  char prev[24], path[RP_PATH_MAX];
  int n = rp_rproc_read(p, "coredump", prev, sizeof(prev), e);
  if (n < 0) return n;
  if (rp_path_join(path, sizeof(path), statedir, PREV)) return rp_errf(e, ENAMETOOLONG, "state path too long");
  int r = rp_fs_write_atomic(path, prev, (size_t)n, 0600, e);
  return r ? r : rp_rproc_write(p, "coredump", mode, e);
}

void rp_core_restore(const char *statedir, const struct rp_rproc *p)
{
  char path[RP_PATH_MAX], prev[24];
  if (rp_path_join(path, sizeof(path), statedir, PREV) || rp_fs_read(path, prev, sizeof(prev), NULL) <= 0) return;
  if (!rp_rproc_write(p, "coredump", prev, NULL)) unlink(path);
}

int rp_core_pending(const struct rp_rproc *p, int seen)
{
  char dir[RP_PATH_MAX], link[300], to[256];
  struct rp_dir d;
  int hit = -1;
  if (rp_path(dir, sizeof(dir), DCD) || rp_dir_open(&d, AT_FDCWD, dir)) return -1;
  for (const char *name; hit < 0 && (name = rp_dir_next(&d));) {
    unsigned long long n;
    ssize_t len = rp_fmt(link, sizeof(link), "%s/failing_device", name) ? -1 : readlinkat(d.fd, link, to, sizeof(to) - 1);
    if (len <= 0 || strncmp(name, "devcd", 5) || rp_num_parse(name + 5, 1 << 30, &n) || (int)n <= seen) continue;
    to[len] = 0;
    if (!strcmp(rp_path_base(to), p->dev)) hit = (int)n;
  }
  rp_dir_close(&d);
  return hit;
}

static int data_open(int n, int flags)
{
  char path[RP_PATH_MAX];
  if (rp_path(path, sizeof(path), DCD "/devcd%d/data", n)) return -1;
  return open(path, flags | O_CLOEXEC);
}

// Free dump n, read or not.
static void release(int n)
{
  int fd = data_open(n, O_WRONLY);
  if (fd >= 0) (void)!write(fd, "1", 1), close(fd);
}

// Copy dump n to file, then release it: the kernel takes no second dump of
// a device while one is there, and an inline recovery waits for this.
static int copy(int n, int dirfd, const char *file, struct rp_err *e)
{
  char buf[8192];
  int in = data_open(n, O_RDONLY), out = openat(dirfd, file, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  int err = in < 0 || out < 0 ? errno : 0;
  for (ssize_t got; !err && (got = read(in, buf, sizeof(buf))) != 0;)
    err = got < 0 ? (errno == EINTR ? 0 : errno) : -rp_fs_write_all(out, buf, (size_t)got);
  if (out >= 0) close(out);
  if (in >= 0) close(in);
  release(n);
  if (err && out >= 0) unlinkat(dirfd, file, 0);
  return err ? rp_errf(e, err, "cannot save devcd%d as %s: %s", n, file, strerror(err)) : 0;
}

// Wait up to ms for a dump of p numbered above *seen; copy it.
static int save(const struct rp_rproc *p, int ms, int *seen, int dirfd, const char *file, struct rp_err *e)
{
  struct timespec tick = {0, 20 * 1000 * 1000};
  for (int waited = 0;; waited += 20) {
    int n = rp_core_pending(p, *seen);
    if (n >= 0) return *seen = n, copy(n, dirfd, file, e);
    if (waited >= ms) return rp_errf(e, ETIMEDOUT, "no crash dump of %s within %d ms", p->name, ms);
    nanosleep(&tick, NULL);
  }
}

int rp_core_save(const struct rp_rproc *p, int ms, int *seen, const char *file, struct rp_err *e)
{
  return save(p, ms, seen, AT_FDCWD, file, e);
}

// name is <id>-<STAMP_LEN characters>.elf
static int dump_of(const char *name, const char *id, size_t len)
{
  return !strncmp(name, id, len) && name[len] == '-' && strlen(name + len) == STAMP_LEN + 5;
}

// The stamps sort by time: remove the oldest until RP_CORE_KEEP are left.
static void rotate(int dfd, const char *id)
{
  struct rp_dir d;
  size_t len = strlen(id);
  for (int n = RP_CORE_KEEP + 1; n > RP_CORE_KEEP;) {
    char oldest[256] = "";
    if (rp_dir_open(&d, dfd, ".")) return;
    n = 0;
    for (const char *name; (name = rp_dir_next(&d));) {
      if (!dump_of(name, id, len)) continue;
      if (!n++ || strcmp(name, oldest) < 0) rp_strlcpy(oldest, name, sizeof(oldest));
    }
    rp_dir_close(&d);
    if (n > RP_CORE_KEEP && unlinkat(dfd, oldest, 0)) return;
  }
}

// 20261208T011500.123Z from 2026-12-08T01:15:00.123456789Z
static void stamp(char *out)
{
  char t[48];
  int k = 0;
  rp_log_time(t, sizeof(t));
  for (const char *s = t; *s && k < STAMP_LEN - 1; s++)
    if (*s != '-' && *s != ':') out[k++] = *s;
  out[k++] = 'Z', out[k] = 0;
}

int rp_core_open_dir(const char *name, char *dir, size_t cap, struct rp_err *e)
{
  if (!name) name = RP_CORE_DIR;
  if (name[0] != '/' || !rp_path_safe_rel(name + 1) || strlen(name) > 1024 || rp_path(dir, cap, "%s", name + 1))
    return rp_errf(e, EINVAL, "want an absolute path without . or .., not %s", name);
  if (rp_fs_mkdir_p(dir, 0700, e)) return -e->code;
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (fd < 0) return rp_errf(e, errno, "cannot open %s: %s", dir, strerror(errno));
  // The name may come from whoever writes a pod: dumps (the firmware's
  // memory, its author's bytes) go only where nobody else looks, never
  // into a shared directory such as /etc or /tmp.
  if (!fstat(fd, &st) && st.st_uid == geteuid() && !(st.st_mode & 077)) return fd;
  close(fd);
  return rp_errf(e, EACCES, "%s is not a private directory (mode 0700, owned by this user)", dir);
}

// The kernel takes a dump only inside a recovery: the "recover" write runs
// in a child, as inline mode holds it until the dump is read.
static void recover_async(const struct rp_rproc *p)
{
  if (!_Fork()) _exit(rp_rproc_write(p, "recovery", "recover", NULL) != 0);
}

void rp_core_recover(const struct rp_rproc *p)
{
  struct timespec tick = {0, 20 * 1000 * 1000};
  recover_async(p);
  for (int waited = 0, n; waited < RP_CORE_WAIT_MS && rp_rproc_state(p, NULL) != RP_RS_RUNNING; waited += 20) {
    if ((n = rp_core_pending(p, -1)) >= 0) release(n);
    nanosleep(&tick, NULL);
  }
}

int rp_core_keep(const struct rp_rproc *p, int recover, int *seen, int dirfd, const char *dir, const char *id,
                 char *path, size_t cap, struct rp_err *e)
{
  char name[256], t[STAMP_LEN + 1];
  stamp(t);
  if (rp_fmt(name, sizeof(name), "%s-%s.elf", id, t) || rp_path_join(path, cap, dir, name))
    return rp_errf(e, ENAMETOOLONG, "path too long");
  if (recover) recover_async(p);
  int r = save(p, RP_CORE_WAIT_MS, seen, dirfd, name, e);
  // The recovery's write returns once the firmware runs again: a stop
  // before that would be refused and leave it running.
  if (recover) rp_rproc_wait(p, RP_RS_RUNNING, RP_CORE_WAIT_MS, NULL);
  if (!r) rotate(dirfd, id);
  return r;
}
