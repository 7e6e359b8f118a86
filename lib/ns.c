// ns.c - namespace entry for the proxy (see ns.h)

#include "ns.h"
#include "fs.h"
#include "path.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int join(const struct rp_ns *ns, struct rp_err *e)
{
  int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return rp_errf(e, errno, "cannot open namespace %s: %s", ns->path, strerror(errno));
  int r = setns(fd, ns->type);
  int err = errno;
  close(fd);
  return r ? rp_errf(e, err, "cannot join namespace %s: %s", ns->path, strerror(err)) : 0;
}

int rp_ns_enter(const struct rp_spec *s, int *skipped, struct rp_err *e)
{
  *skipped = 0;
  for (int i = 0; i < s->nns; i++) {
    const struct rp_ns *ns = &s->ns[i];
    if (ns->type == CLONE_NEWPID) continue;
    if (ns->type == CLONE_NEWUSER || ns->type == 0x80) {  // user, time: see ns.h
      *skipped |= ns->type;
      continue;
    }
    int r = ns->path ? join(ns, e) : unshare(ns->type) ? rp_errf(e, errno, "cannot create a namespace: %s", strerror(errno)) : 0;
    if (r) return r;
    // A fresh mount namespace follows the host's mounts and never pins them.
    if (ns->type == CLONE_NEWNS && !ns->path) mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL);
  }
  return 0;
}

int rp_ns_pid(const struct rp_spec *s, struct rp_err *e)
{
  for (int i = 0; i < s->nns; i++) {
    const struct rp_ns *ns = &s->ns[i];
    if (ns->type != CLONE_NEWPID) continue;
    if (ns->path) return join(ns, e);
    if (unshare(CLONE_NEWPID)) return rp_errf(e, errno, "cannot create a pid namespace: %s", strerror(errno));
    return 1;
  }
  return 0;
}

int rp_ns_new(const struct rp_spec *s, int flag)
{
  for (int i = 0; i < s->nns; i++)
    if (s->ns[i].type == flag) return !s->ns[i].path;
  return 0;
}

int rp_ns_keep_only_sys(const char *scratch, struct rp_err *e)
{
  char sys[RP_PATH_MAX], inner[RP_PATH_MAX], old[RP_PATH_MAX];
  if (rp_path(sys, sizeof(sys), "sys") || rp_path_join(inner, sizeof(inner), scratch, sys) ||
      rp_path_join(old, sizeof(old), scratch, ".old"))
    return rp_errf(e, ENAMETOOLONG, "path too long");
  if (mount("rprocbox", scratch, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=64k,mode=0755"))
    return rp_errf(e, errno, "cannot mount a tmpfs: %s", strerror(errno));
  int r = rp_fs_mkdir_p(inner, 0755, e);
  if (!r && mount(sys, inner, NULL, MS_BIND | MS_REC, NULL)) r = rp_errf(e, errno, "cannot bind %s: %s", sys, strerror(errno));
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
