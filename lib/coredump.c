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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STAMP_LEN 20  // 20261208T011500.123Z

int rp_core_mode_ok(const char *mode, int disabled_ok)
{
  return !strcmp(mode, "enabled") || !strcmp(mode, "inline") || (disabled_ok && !strcmp(mode, "disabled"));
}

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

void rp_core_restore(int dirfd, const char *statedir, const struct rp_rproc *p)
{
  char path[RP_PATH_MAX], prev[24];
  const char *f = statedir ? path : PREV;
  if (statedir && rp_path_join(path, sizeof(path), statedir, PREV)) return;
  int fd = openat(dirfd, f, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  int n = rp_fs_read_fd(fd, f, prev, sizeof(prev), NULL);
  close(fd);
  if (n > 0 && rp_core_mode_ok(prev, 1) && !rp_rproc_write(p, "coredump", prev, NULL)) unlinkat(dirfd, f, 0);
}

int rp_core_dir(const char *dir, char *out, size_t cap, struct rp_err *e)
{
  if (!dir) dir = RP_CORE_DIR;
  if (dir[0] != '/' || !rp_path_safe_rel(dir + 1) || strlen(dir) > 1024 || rp_path(out, cap, "%s", dir + 1))
    return rp_errf(e, EINVAL, "want an absolute path without . or .. (at most 1024 bytes), not %s", dir);
  return 0;
}

int rp_core_pending(const struct rp_rproc *p, int seen)
{
  char dir[RP_PATH_MAX], link[RP_PATH_MAX], to[256];
  struct rp_dir d;
  int hit = -1;
  if (rp_path(dir, sizeof(dir), "sys/class/devcoredump") || rp_dir_open(&d, AT_FDCWD, dir)) return -1;
  for (const char *name; (name = rp_dir_next(&d));) {
    unsigned long long n;
    if (strncmp(name, "devcd", 5) || rp_num_parse(name + 5, 1 << 30, &n) || (int)n <= seen ||
        (hit >= 0 && (int)n > hit) || rp_fmt(link, sizeof(link), "%s/%s/failing_device", dir, name))
      continue;
    ssize_t len = readlink(link, to, sizeof(to) - 1);
    if (len <= 0) continue;
    to[len] = 0;
    if (!strcmp(rp_path_base(to), p->dev)) hit = (int)n;
  }
  rp_dir_close(&d);
  return hit;
}

static int data_open(int n, int flags)
{
  char path[RP_PATH_MAX];
  if (rp_path(path, sizeof(path), "sys/class/devcoredump/devcd%d/data", n)) return -1;
  return open(path, flags | O_CLOEXEC);
}

// Copy dump n to file, then release it: the kernel takes no second dump of
// a device while one is there, and an inline recovery waits for this.
static int copy(int n, int dirfd, const char *file, int flags, struct rp_err *e)
{
  char buf[8192];
  int in = data_open(n, O_RDONLY), out = openat(dirfd, file, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | flags, 0600);
  int err = in < 0 || out < 0 ? errno : 0;
  for (long long total = 0; !err && total < RP_CORE_MAX;) {
    ssize_t got = read(in, buf, sizeof(buf));
    if (got < 0 && errno != EINTR) err = errno;
    if (got == 0) break;
    if (got > 0) err = -rp_fs_write_all(out, buf, (size_t)got), total += got;
  }
  if (out >= 0 && close(out) && !err) err = errno;
  if (in >= 0) close(in);
  if ((in = data_open(n, O_WRONLY)) >= 0) (void)!write(in, "1", 1), close(in);
  if (err && out >= 0) unlinkat(dirfd, file, 0);
  return err ? rp_errf(e, err, "cannot save crash dump devcd%d as %s: %s", n, file, strerror(err)) : 0;
}

// Wait up to ms for a dump of p numbered above *seen; copy it.
static int save(const struct rp_rproc *p, int ms, int *seen, int dirfd, const char *file, int flags,
                struct rp_err *e)
{
  struct timespec tick = {0, 20 * 1000 * 1000};
  for (int waited = 0;; waited += 20) {
    int n = rp_core_pending(p, *seen);
    if (n >= 0) return *seen = n, copy(n, dirfd, file, flags, e);
    if (waited >= ms) return rp_errf(e, ETIMEDOUT, "no crash dump of %s came within %d ms", p->name, ms);
    nanosleep(&tick, NULL);
  }
}

int rp_core_save(const struct rp_rproc *p, int ms, int *seen, int dirfd, const char *file, int flags,
                 struct rp_err *e)
{
  return save(p, ms, seen, dirfd, file, flags, e);
}

// name is <id>-<STAMP_LEN characters>.elf
static int dump_of(const char *name, const char *id, size_t len)
{
  return !strncmp(name, id, len) && name[len] == '-' && strlen(name + len) == STAMP_LEN + 5 &&
         name[len + 9] == 'T' && !strcmp(name + len + 1 + STAMP_LEN, ".elf");
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

int rp_core_open_dir(const char *dir, struct rp_err *e)
{
  char real[RP_PATH_MAX];
  if (rp_path_canon(dir, real, sizeof(real)) || strcmp(real, dir))
    return rp_errf(e, EXDEV, "dump directory %s is reached through a symbolic link", dir);
  if (rp_fs_mkdir_p(dir, 0700, e)) return -e->code;
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  return fd < 0 ? rp_errf(e, errno, "cannot open %s: %s", dir, strerror(errno)) : fd;
}

// The kernel takes a dump only inside a recovery: the "recover" write runs
// in a child, as inline mode holds it until the dump is read.
static pid_t recover_async(const struct rp_rproc *p)
{
  pid_t pid = _Fork();
  if (!pid) _exit(rp_rproc_write(p, "recovery", "recover", NULL) != 0);
  return pid;
}

// The recovery's write returns once the firmware runs again (or failed to).
static void reap(pid_t kid)
{
  struct timespec tick = {0, 20 * 1000 * 1000};
  for (int waited = 0; kid > 0 && waited < RP_CORE_WAIT_MS; waited += 20, nanosleep(&tick, NULL))
    if (rp_proc_wait(kid, NULL, WNOHANG) == kid) return;
}

int rp_core_keep(const struct rp_rproc *p, int recover, int *seen, int dirfd, const char *dir, const char *id,
                 char *path, size_t cap, struct rp_err *e)
{
  char name[256], t[STAMP_LEN + 1];
  stamp(t);
  if (rp_fmt(name, sizeof(name), "%s-%s.elf", id, t) || rp_path_join(path, cap, dir, name))
    return rp_errf(e, ENAMETOOLONG, "crash dump file name too long for container %s", id);
  pid_t kid = recover ? recover_async(p) : 0;
  int r = save(p, RP_CORE_WAIT_MS, seen, dirfd, name, O_EXCL, e);
  reap(kid);
  if (!r) rotate(dirfd, id);
  return r;
}
