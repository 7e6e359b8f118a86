// mount.c - rootfs mounts for the shim (see mount.h)

#include "mount.h"
#include "path.h"

#include <errno.h>
#include <string.h>
#include <sys/mount.h>

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

int rp_mount_one(const char *rootfs, const struct rp_mount *m, struct rp_err *e)
{
  char target[RP_PATH_MAX], data[4096];
  unsigned long fl;
  if (m->target[0] && !rp_path_safe_rel(m->target + (m->target[0] == '/')))
    return rp_errf(e, EINVAL, "mount target %s leaves the container root", m->target);
  if (rp_path_join(target, sizeof(target), rootfs, m->target + (m->target[0] == '/')))
    return rp_errf(e, ENAMETOOLONG, "mount target path too long");
  int r = parse_opts(m, &fl, data, sizeof(data), e);
  if (r) return r;
  int bind = (fl & MS_BIND) || !strcmp(m->type, "bind") || !strcmp(m->type, "rbind");
  if (bind) fl |= MS_BIND | (!strcmp(m->type, "rbind") ? MS_REC : 0);
  else if (strcmp(m->type, "overlay"))
    return rp_errf(e, EINVAL, "cannot mount a %s filesystem for a firmware image: only overlay and "
                   "bind mounts are supported", m->type);
  if (mount(m->source, target, bind ? NULL : m->type, fl & ~(bind ? MS_RDONLY : 0), data[0] ? data : NULL))
    return rp_errf(e, errno, "cannot mount %s on %s: %s", m->source, target, strerror(errno));
  // A bind mount only becomes read-only through a remount.
  if (bind && (fl & MS_RDONLY) && mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL)) {
    int err = errno;
    umount2(target, MNT_DETACH);
    return rp_errf(e, err, "cannot make %s read-only: %s", target, strerror(err));
  }
  return 0;
}

int rp_mount_clear(const char *path)
{
  int n = 0;
  while (n < 64 && umount2(path, MNT_DETACH) == 0) n++;
  return n;
}
