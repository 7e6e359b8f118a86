// resolve.c - symlink-safe lookup inside a root directory (see resolve.h)

#include "resolve.h"
#include "path.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct walk {
  int fd[RP_RESOLVE_MAXDEPTH + 1];  // fd[0] is the root
  int depth;
  char rest[RP_PATH_MAX];           // what is still to resolve
  char *canon;
  size_t ccap;
  const char *path;                 // as given, for messages
  const char *root;                 // the container root, for messages
  struct rp_err *e;
};

static void pop_to(struct walk *w, int depth)
{
  while (w->depth > depth) close(w->fd[w->depth--]);
  if (depth == 0) w->canon[0] = 0;
  else *strrchr(w->canon, '/') = 0;
}

static const char *kind(mode_t m)
{
  return S_ISDIR(m) ? "a directory" : S_ISCHR(m) || S_ISBLK(m) ? "a device node"
         : S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

// Replace rest with target + "/" + remaining (keeping a trailing slash).
static int splice_link(struct walk *w, int fd, const char *remaining, int slash)
{
  char target[RP_PATH_MAX], next[RP_PATH_MAX];
  ssize_t n = readlinkat(fd, "", target, sizeof(target) - 1);
  if (n < 0) return rp_errf(w->e, errno, "%s: cannot read symlink: %s", w->path, strerror(errno));
  target[n] = 0;
  if (rp_fmt(next, sizeof(next), "%s%s%s", target, remaining[0] || slash ? "/" : "", remaining))
    return rp_errf(w->e, ENAMETOOLONG, "%s: path too long", w->path);
  if (target[0] == '/') pop_to(w, 0);
  memcpy(w->rest, next, strlen(next) + 1);
  return 0;
}

static int push_dir(struct walk *w, int fd, const char *comp)
{
  size_t n = strlen(w->canon);
  if (w->depth >= RP_RESOLVE_MAXDEPTH || n + strlen(comp) + 2 > w->ccap) {
    close(fd);
    return rp_errf(w->e, ENAMETOOLONG, "%s: path too deep", w->path);
  }
  w->fd[++w->depth] = fd;
  w->canon[n] = '/';
  memcpy(w->canon + n + 1, comp, strlen(comp) + 1);
  return 0;
}

// Open the final regular file and make sure it is the inode we inspected.
static int open_final(struct walk *w, const char *comp, const struct stat *seen)
{
  if (!S_ISREG(seen->st_mode))
    return rp_errf(w->e, EINVAL, "%s is %s, not a firmware file", w->path, kind(seen->st_mode));
  int fd = openat(w->fd[w->depth], comp, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  struct stat st;
  if (fd < 0) return rp_errf(w->e, errno, "cannot open %s: %s", w->path, strerror(errno));
  if (fstat(fd, &st) || st.st_dev != seen->st_dev || st.st_ino != seen->st_ino) {
    close(fd);
    return rp_errf(w->e, EAGAIN, "%s changed while it was being opened", w->path);
  }
  size_t n = strlen(w->canon);
  if (rp_fmt(w->canon + n, w->ccap - n, "/%s", comp)) {
    close(fd);
    return rp_errf(w->e, ENAMETOOLONG, "%s: path too long", w->path);
  }
  return fd;
}

// Resolve one component; returns 1 when done (fd in *out), 0 to go on.
static int step(struct walk *w, int *links, int *out)
{
  char comp[256], *r = w->rest;
  while (*r == '/') r++;
  size_t n = strcspn(r, "/");
  if (n == 0) return rp_errf(w->e, EISDIR, "%s is a directory, not a firmware file", w->path);
  if (n >= sizeof(comp)) return rp_errf(w->e, ENAMETOOLONG, "%s: name too long", w->path);
  memcpy(comp, r, n);
  comp[n] = 0;
  r += n;
  int slash = *r == '/';  // "fw.elf/" names a directory: a file there is ENOTDIR
  const char *remaining = r + strspn(r, "/");
  memmove(w->rest, remaining, strlen(remaining) + 1);
  if (!strcmp(comp, ".")) return 0;
  if (!strcmp(comp, "..")) {
    if (w->depth == 0) return rp_errf(w->e, EPERM, "%s leaves the container root", w->path);
    pop_to(w, w->depth - 1);
    return 0;
  }
  int fd = openat(w->fd[w->depth], comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st)) {
    int err = errno;
    if (fd >= 0) close(fd);
    if (err == ENOENT) return rp_errf(w->e, ENOENT, "%s does not exist in the container root %s", w->path,
                                   w->root);
    return rp_errf(w->e, err, "cannot open %s: %s", w->path, strerror(err));
  }
  if (S_ISLNK(st.st_mode)) {
    int r2 = ++*links > RP_RESOLVE_MAXLINKS
                 ? rp_errf(w->e, ELOOP, "%s: too many levels of symbolic links", w->path)
                 : splice_link(w, fd, w->rest, slash);
    close(fd);
    return r2;
  }
  if (S_ISDIR(st.st_mode)) return push_dir(w, fd, comp);
  close(fd);
  if (w->rest[0] || slash) return rp_errf(w->e, ENOTDIR, "%s: %s is not a directory", w->path, comp);
  *out = open_final(w, comp, &st);
  return *out < 0 ? *out : 1;
}

int rp_resolve_openat(int rootfd, const char *root, const char *path, char *canon, size_t ccap,
                      struct rp_err *e)
{
  struct walk w = {.canon = canon, .ccap = ccap, .path = path, .root = root, .e = e};
  if (!ccap) return rp_errf(e, EINVAL, "no room for the resolved path");
  canon[0] = 0;
  if (!*path) return rp_errf(e, EINVAL, "empty firmware path");
  if (rp_strlcpy(w.rest, path, sizeof(w.rest)))
    return rp_errf(e, ENAMETOOLONG, "%s: path too long", path);
  w.fd[0] = rootfd >= 0 ? fcntl(rootfd, F_DUPFD_CLOEXEC, 0) : open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (w.fd[0] < 0)
    return rp_errf(e, errno, "cannot open container root %s: %s", root, strerror(errno));
  int links = 0, fd = -1, r;
  while ((r = step(&w, &links, &fd)) == 0) {}
  while (w.depth >= 0) close(w.fd[w.depth--]);
  if (r < 0) canon[0] = 0;
  return r < 0 ? r : fd;
}

