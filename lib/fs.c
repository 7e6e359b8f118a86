// fs.c - file helpers (see fs.h)

#include "fs.h"
#include "dir.h"
#include "path.h"
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int rp_fs_write_all(int fd, const void *buf, size_t n)
{
  const char *p = buf;
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return -errno;
    if (w == 0) return -EIO;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

int rp_fs_read_fd(int fd, const char *what, char *buf, size_t cap, struct rp_err *e)
{
  size_t len = 0;
  if (!cap) return rp_errf(e, EINVAL, "no room to read %s", what);
  for (;;) {
    ssize_t r = read(fd, buf + len, cap - len);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return rp_errf(e, errno, "cannot read %s: %s", what, strerror(errno));
    if (r == 0) break;
    len += (size_t)r;
    if (len >= cap) return rp_errf(e, EFBIG, "%s is larger than %zu bytes", what, cap - 1);
  }
  buf[len] = 0;
  return (int)len;
}

int rp_fs_read(const char *path, char *buf, size_t cap, struct rp_err *e)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return rp_errf(e, errno, "cannot open %s: %s", path, strerror(errno));
  int r = rp_fs_read_fd(fd, path, buf, cap, e);
  close(fd);
  return r;
}

// Open a new temporary file next to path, named .<base>.XXXXXX as mkostemp
// would (claim.c finds leftovers by the prefix); fills tmp. The six
// characters mix the clock, the pid and the try: mkostemp would link libc's
// own name generator for this one use. O_EXCL: a name taken is tried again.
static int open_tmp(const char *path, char *tmp, size_t cap, struct rp_err *e)
{
  static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const char *base = rp_path_base(path);
  int dirlen = (int)(base - path), fd = -1;
  for (unsigned tries = 0; tries < 100 && fd < 0; tries++) {
    struct timespec ts;
    char x[7];
    rp_clock(CLOCK_REALTIME, &ts);
    unsigned long long r = ((unsigned long long)ts.tv_nsec ^ (unsigned long long)getpid() << 32 ^
                            (unsigned long long)tries << 56) * 0x9e3779b97f4a7c15ull;
    r ^= r >> 29;
    for (int i = 0; i < 6; i++, r /= 62) x[i] = set[r % 62];
    x[6] = 0;
    if (rp_fmt(tmp, cap, "%.*s.%s.%s", dirlen, path, base, x))
      return rp_errf(e, ENAMETOOLONG, "path too long: %s", path);
    fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) return rp_errf(e, errno, "cannot create a file next to %s: %s", path, strerror(errno));
  return fd;
}

static void sync_dir_of(const char *path)
{
  char dir[RP_PATH_MAX];
  const char *base = rp_path_base(path);
  if (base == path) {
    memcpy(dir, ".", 2);
  } else if (rp_fmt(dir, sizeof(dir), "%.*s", (int)(base - path), path)) {
    return;
  }
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
}

// Make tmp (open as fd) the new path; always consumes fd and tmp. The
// rename alone already keeps a crashing process from leaving a torn file;
// fsync (durable) only adds survival of a power loss, which costs a disk
// flush and buys nothing for what lives in /run or is staged for a while.
static int commit_tmp(int fd, const char *tmp, const char *path, mode_t mode, int durable,
                      struct rp_err *e)
{
  int err = 0;
  if (fchmod(fd, mode) || (durable && fsync(fd))) err = errno;
  if (close(fd) && !err) err = errno;
  if (!err && rename(tmp, path)) err = errno;
  if (err) {
    unlink(tmp);
    return rp_errf(e, err, "cannot write %s: %s", path, strerror(err));
  }
  if (durable) sync_dir_of(path);
  return 0;
}

static int write_atomic(const char *path, const void *data, size_t len, mode_t mode, int durable,
                        struct rp_err *e)
{
  char tmp[RP_PATH_MAX];
  int fd = open_tmp(path, tmp, sizeof(tmp), e);
  if (fd < 0) return fd;
  int r = rp_fs_write_all(fd, data, len);
  if (r) {
    close(fd);
    unlink(tmp);
    return rp_errf(e, -r, "cannot write %s: %s", path, strerror(-r));
  }
  return commit_tmp(fd, tmp, path, mode, durable, e);
}

int rp_fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
                       struct rp_err *e)
{
  return write_atomic(path, data, len, mode, 0, e);
}

int rp_fs_write_durable(const char *path, const void *data, size_t len, mode_t mode,
                        struct rp_err *e)
{
  return write_atomic(path, data, len, mode, 1, e);
}

int rp_fs_mkdir_p(const char *path, mode_t mode, struct rp_err *e)
{
  char p[RP_PATH_MAX];
  if (rp_strlcpy(p, path, sizeof(p))) return rp_errf(e, ENAMETOOLONG, "path too long: %s", path);
  // The scan starts at p + 1, past the NUL of an empty path.
  if (!*path) return rp_errf(e, ENOENT, "cannot create directory \"\": empty path");
  for (char *s = p + 1;; s++) {
    if (*s != '/' && *s) continue;
    char c = *s;
    *s = 0;
    if (mkdir(p, mode) && errno != EEXIST)
      return rp_errf(e, errno, "cannot create directory %s: %s", p, strerror(errno));
    *s = c;
    if (!c) break;
  }
  struct stat st;
  if (stat(path, &st) || !S_ISDIR(st.st_mode))
    return rp_errf(e, ENOTDIR, "cannot create directory %s: a file is in the way", path);
  return 0;
}

static int copy_fd(int in, int out, long long max)
{
  char buf[16384];
  for (off_t off = 0;;) {
    ssize_t r = pread(in, buf, sizeof(buf), off);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return -errno;
    if (r == 0) break;
    off += r;
    if (off > max) return -EFBIG;
    int w = rp_fs_write_all(out, buf, (size_t)r);
    if (w) return w;
  }
  return 0;
}

int rp_fs_copy_atomic(int srcfd, const char *dst, mode_t mode, long long max, struct rp_err *e)
{
  char tmp[RP_PATH_MAX];
  int fd = open_tmp(dst, tmp, sizeof(tmp), e);
  if (fd < 0) return fd;
  int r = copy_fd(srcfd, fd, max);
  if (r) {
    close(fd);
    unlink(tmp);
    if (r == -EFBIG) return rp_errf(e, EFBIG, "firmware is larger than %lld bytes", max);
    return rp_errf(e, -r, "cannot copy to %s: %s", dst, strerror(-r));
  }
  return commit_tmp(fd, tmp, dst, mode, 0, e);
}

static int rm_at(int dirfd, const char *name, int depth)
{
  if (depth > 16) return -ELOOP;
  if (!unlinkat(dirfd, name, 0) || errno == ENOENT) return 0;
  if (errno != EISDIR && errno != EPERM) return -errno;
  struct rp_dir d;
  int r = rp_dir_open(&d, dirfd, name);
  if (r) return r == -ENOENT ? 0 : r;
  for (const char *n; !r && (n = rp_dir_next(&d));) r = rm_at(d.fd, n, depth + 1);
  rp_dir_close(&d);
  if (!r && unlinkat(dirfd, name, AT_REMOVEDIR) && errno != ENOENT) r = -errno;
  return r;
}

int rp_fs_rmtree(const char *path, struct rp_err *e)
{
  int r = rm_at(AT_FDCWD, path, 0);
  if (r) return rp_errf(e, -r, "cannot remove %s: %s", path, strerror(-r));
  return 0;
}
