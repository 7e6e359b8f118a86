// mount.c - rootfs mounts for the shim (see mount.h)

#include "mount.h"
#include "fmt.h"
#include "path.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct { const char *name; unsigned long set, clear; } flags[] = {
    {"ro", MS_RDONLY, 0},        {"rw", 0, MS_RDONLY},          {"nosuid", MS_NOSUID, 0},
    {"suid", 0, MS_NOSUID},      {"nodev", MS_NODEV, 0},        {"dev", 0, MS_NODEV},
    {"noexec", MS_NOEXEC, 0},    {"exec", 0, MS_NOEXEC},        {"sync", MS_SYNCHRONOUS, 0},
    {"async", 0, MS_SYNCHRONOUS}, {"noatime", MS_NOATIME, 0},   {"relatime", MS_RELATIME, 0},
    {"strictatime", MS_STRICTATIME, 0}, {"nodiratime", MS_NODIRATIME, 0},
    {"bind", MS_BIND, 0},        {"rbind", MS_BIND | MS_REC, 0},
};

// Split options into mount flags and the data string passed to the filesystem.
static int parse_opts(const struct rp_mount *m, unsigned long *fl, char *data, size_t cap,
                      struct rp_err *e)
{
  size_t used = 0;
  *fl = 0;
  data[0] = 0;
  for (int i = 0; i < m->nopt; i++) {
    int known = 0;
    for (unsigned k = 0; k < sizeof(flags) / sizeof(*flags); k++)
      if (!strcmp(m->opt[i], flags[k].name)) {
        *fl = (*fl & ~flags[k].clear) | flags[k].set;
        known = 1;
      }
    if (known) continue;
    if (rp_fmt(data + used, cap - used, "%s%s", used ? "," : "", m->opt[i]))
      return rp_errf(e, E2BIG, "options of the %s mount are too long", m->type);
    used = strlen(data);
  }
  return 0;
}

// bundle/rel as an O_PATH descriptor, no component below the bundle a
// symbolic link: the image's snapshot (or whoever can write the bundle)
// must not point a mount or an unmount at a directory of the host. -1 with
// the reason in e.
static int walk(const char *bundle, const char *rel, struct rp_err *e)
{
  char part[RP_PATH_MAX];
  struct stat st;
  int fd = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return rp_errf(e, errno, "cannot open %s: %s", bundle, strerror(errno));
  for (const char *p = rel; *p && fd >= 0; p += strspn(p, "/")) {
    size_t n = strcspn(p, "/");
    rp_fmt(part, sizeof(part), "%.*s", (int)n, p);
    int next = openat(fd, part, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    int err = next < 0 ? errno : fstat(next, &st) ? errno : S_ISLNK(st.st_mode) ? ELOOP : 0;
    close(fd);
    fd = next;
    p += n;
    if (!err) continue;
    if (next >= 0) close(next);
    return err == ELOOP ? rp_errf(e, ELOOP, "%s/%s is a symbolic link: the rootfs is mounted only where the "
                                  "bundle itself holds it", bundle, rel)
                        : rp_errf(e, err, "cannot open %s/%s: %s", bundle, rel, strerror(err));
  }
  return fd;
}

// The path that names exactly the file open on fd (O_PATH).
static void fd_path(int fd, char *buf, size_t cap) { rp_fmt(buf, cap, "/proc/self/fd/%d", fd); }

// Remount the mount now at bundle/rel read-only: found again, as the first
// descriptor still names what lies under it.
static int make_ro(const char *bundle, const char *rel, struct rp_err *e)
{
  char at[64];
  int fd = walk(bundle, rel, e);
  if (fd < 0) return fd;
  fd_path(fd, at, sizeof(at));
  int r = mount(NULL, at, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) ? -errno : 0;
  if (r) {
    umount2(at, MNT_DETACH);
    rp_errf(e, -r, "cannot make %s/%s read-only: %s", bundle, rel, strerror(-r));
  }
  close(fd);
  return r;
}

int rp_mount_one(const char *bundle, const struct rp_mount *m, struct rp_err *e)
{
  char rel[RP_PATH_MAX], data[4096], at[64];
  unsigned long fl;
  const char *t = m->target + (m->target[0] == '/');
  if (*t && !rp_path_safe_rel(t)) return rp_errf(e, EINVAL, "mount target %s leaves the container root", m->target);
  if (rp_fmt(rel, sizeof(rel), "rootfs%s%s", *t ? "/" : "", t)) return rp_errf(e, ENAMETOOLONG, "mount target path too long");
  int r = parse_opts(m, &fl, data, sizeof(data), e);
  if (r) return r;
  int bind = (fl & MS_BIND) || !strcmp(m->type, "bind") || !strcmp(m->type, "rbind");
  if (bind) fl |= MS_BIND | (!strcmp(m->type, "rbind") ? MS_REC : 0);
  else if (strcmp(m->type, "overlay"))
    return rp_errf(e, EINVAL, "cannot mount a %s filesystem for a firmware image: only overlay and "
                   "bind mounts are supported", m->type);
  int fd = walk(bundle, rel, e);
  if (fd < 0) return fd;
  fd_path(fd, at, sizeof(at));
  r = mount(m->source, at, bind ? NULL : m->type, fl & ~(bind ? MS_RDONLY : 0), data[0] ? data : NULL) ? -errno : 0;
  close(fd);
  if (r) return rp_errf(e, -r, "cannot mount %s on %s/%s: %s", m->source, bundle, rel, strerror(-r));
  // A bind mount only becomes read-only through a remount.
  return bind && (fl & MS_RDONLY) ? make_ro(bundle, rel, e) : 0;
}

int rp_mount_clear(const char *bundle, int n)
{
  char at[64];
  int done = 0;
  for (; done < n; done++) {
    int fd = walk(bundle, "rootfs", NULL);
    if (fd < 0) break;
    fd_path(fd, at, sizeof(at));
    int r = umount2(at, MNT_DETACH);
    close(fd);
    if (r) break;
  }
  return done;
}
