// ns.c - namespace entry for the proxy (see ns.h)

#include "ns.h"
#include "fs.h"
#include "fmt.h"
#include "path.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int skip(const struct rp_ns *ns) { return ns->type == CLONE_NEWUSER || ns->type == 0x80; }

#ifndef NS_GET_NSTYPE
#define NS_GET_NSTYPE _IO(0xb7, 0x3)  // linux/nsfs.h, which musl's headers lack
#endif

// The path comes from config.json: opened for reading straight away, a FIFO
// would block create (and the shim) for good and a device could start
// hardware. So it is first only located (O_PATH), and opened only as the
// regular file an nsfs inode is; the kernel then says which type it is.
static int ns_open(const struct rp_ns *ns, struct rp_err *e)
{
  struct stat st;
  char self[64];
  int path = open(ns->path, O_PATH | O_CLOEXEC), fd = -1;
  if (path < 0) return rp_errf(e, errno, "cannot open namespace %s: %s", ns->path, strerror(errno));
  if (!fstat(path, &st) && S_ISREG(st.st_mode) && !rp_fmt(self, sizeof(self), "/proc/self/fd/%d", path))
    fd = open(self, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  close(path);
  if (fd < 0 || ioctl(fd, NS_GET_NSTYPE) != ns->type) {
    if (fd >= 0) close(fd);
    return rp_errf(e, EINVAL, "namespace path %s is not a namespace of type %s", ns->path, rp_spec_ns_name(ns->type));
  }
  return fd;
}

// Every path is opened before any is joined: once in another mount
// namespace, the next path would name a file of that namespace.
static int open_all(const struct rp_spec *s, int *fd, struct rp_err *e)
{
  for (int i = 0; i < s->nns; i++) {
    const struct rp_ns *ns = &s->ns[i];
    if (!ns->path || skip(ns)) continue;
    if ((fd[i] = ns_open(ns, e)) < 0) return fd[i];
  }
  return 0;
}

int rp_ns_check(const struct rp_spec *s, struct rp_err *e)
{
  int fd[RP_SPEC_NS];
  for (int i = 0; i < RP_SPEC_NS; i++) fd[i] = -1;
  int r = open_all(s, fd, e);
  for (int i = 0; i < s->nns; i++)
    if (fd[i] >= 0) close(fd[i]);
  return r;
}

// Join or create one namespace. Without root, one the caller may not
// join or create is skipped (*skipped): the proxy stays in the caller's.
static int enter_one(const struct rp_ns *ns, int fd, int *skipped, struct rp_err *e)
{
  if (ns->path ? !setns(fd, ns->type) : !unshare(ns->type)) return 0;
  if (errno == EPERM && geteuid()) return *skipped |= ns->type, 0;
  if (ns->path) return rp_errf(e, errno, "cannot join namespace %s: %s", ns->path, strerror(errno));
  return rp_errf(e, errno, "cannot create a %s namespace: %s", rp_spec_ns_name(ns->type), strerror(errno));
}

// The pid namespace applies to the next fork only: joined or made last.
static int enter(const struct rp_spec *s, const int *fd, int *skipped, int pid, struct rp_err *e)
{
  for (int i = 0; i < s->nns; i++) {
    const struct rp_ns *ns = &s->ns[i];
    if ((ns->type == CLONE_NEWPID) != pid) continue;
    if (skip(ns)) {  // user, time: see ns.h
      *skipped |= ns->type;
      continue;
    }
    int r = enter_one(ns, fd[i], skipped, e);
    if (r) return r;
    // A fresh mount namespace follows the host's mounts and never pins them.
    if (ns->type == CLONE_NEWNS && !ns->path && !(*skipped & CLONE_NEWNS))
      mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL);
  }
  return 0;
}

int rp_ns_enter(const struct rp_spec *s, int *skipped, struct rp_err *e)
{
  int fd[RP_SPEC_NS];
  *skipped = 0;
  for (int i = 0; i < RP_SPEC_NS; i++) fd[i] = -1;
  int r = open_all(s, fd, e);
  if (!r) r = enter(s, fd, skipped, 0, e);
  if (!r) r = enter(s, fd, skipped, 1, e);
  for (int i = 0; i < s->nns; i++)
    if (fd[i] >= 0) close(fd[i]);
  return r;
}

int rp_ns_new(const struct rp_spec *s, int flag)
{
  for (int i = 0; i < s->nns; i++)
    if (s->ns[i].type == flag) return !s->ns[i].path;
  return 0;
}

// Bind the host's path at the same path under scratch (read-only: ro).
static int bind_same(const char *scratch, const char *path, int ro, struct rp_err *e)
{
  char inner[RP_PATH_MAX];
  if (rp_path_join(inner, sizeof(inner), scratch, path)) return rp_errf(e, ENAMETOOLONG, "path too long");
  int r = rp_fs_mkdir_p(inner, 0755, e);
  if (!r && mount(path, inner, NULL, MS_BIND | MS_REC, NULL))
    r = rp_errf(e, errno, "cannot bind %s: %s", path, strerror(errno));
  if (!r && ro && mount(NULL, inner, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
    r = rp_errf(e, errno, "cannot make %s read-only: %s", path, strerror(errno));
  return r;
}

int rp_ns_keep_only_sys(const char *scratch, const char *fw_area, struct rp_err *e)
{
  char sys[RP_PATH_MAX], old[RP_PATH_MAX];
  if (rp_path(sys, sizeof(sys), "sys") || rp_path_join(old, sizeof(old), scratch, ".old"))
    return rp_errf(e, ENAMETOOLONG, "path too long");
  if (mount("rprocbox", scratch, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=64k,mode=0755"))
    return rp_errf(e, errno, "cannot mount a tmpfs: %s", strerror(errno));
  int r = bind_same(scratch, sys, 0, e);
  if (!r && fw_area) r = bind_same(scratch, fw_area, 1, e);
  if (!r && mkdir(old, 0700)) r = rp_errf(e, errno, "cannot make %s: %s", old, strerror(errno));
  if (!r && syscall(SYS_pivot_root, scratch, old)) r = rp_errf(e, errno, "cannot pivot_root: %s", strerror(errno));
  if (r) {
    umount2(scratch, MNT_DETACH);  // back to the full copy: pinned, but working
    return r;
  }
  if (chdir("/") || umount2("/.old", MNT_DETACH)) return rp_errf(e, errno, "cannot drop the old root: %s", strerror(errno));
  rmdir("/.old");
  return 0;
}
