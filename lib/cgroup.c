// cgroup.c - the container's cgroup (see cgroup.h)
//
// Every path this file builds is a hierarchy's mount point plus a path
// rp_cg_resolve checked, so nothing outside the cgroup trees is touched.

#include "cgroup.h"
#include "dir.h"
#include "fs.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#define CG_ROOT "/sys/fs/cgroup"
#define CG_HIER 16             // v1 hierarchies used at most
#define CG_MNT RP_CG_MNT_MAX
#define CG_DIR RP_CG_DIR_MAX
#define CG1_MAGIC 0x27e0eb     // CGROUP_SUPER_MAGIC
#define CG2_MAGIC 0x63677270   // CGROUP2_SUPER_MAGIC
#define CG_RM_TRIES 200        // × 10 ms, for a process that is still leaving

struct hier {
  char mnt[CG_MNT];
};

static int bad(struct rp_err *e, const char *spec, const char *why)
{
  return rp_errf(e, EINVAL, "config.json: linux.cgroupsPath %s %s", spec, why);
}

static int byte_ok(unsigned char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c && strchr("/._:@+=,~-", c));
}

// "/a//b/" → "/a/b", as runc cleans it; "." and ".." are refused, not
// resolved, since a path from a pod author must not climb.
static int cgroupfs(const char *spec, char *out, size_t cap, struct rp_err *e)
{
  size_t n = 0;
  if (spec[0] != '/')
    return bad(e, spec, "must be an absolute path, or slice:prefix:name with --systemd-cgroup");
  for (const char *p = spec;; p += strcspn(p, "/")) {
    while (*p == '/') p++;
    size_t len = strcspn(p, "/");
    if (!len) break;
    if (p[0] == '.' && (len == 1 || (len == 2 && p[1] == '.'))) return bad(e, spec, "has a . or .. part");
    if (n + 1 + len >= cap) return bad(e, spec, "is too long");
    out[n++] = '/';
    memcpy(out + n, p, len);
    n += len;
  }
  out[n] = 0;
  return n ? 0 : bad(e, spec, "must name a cgroup below the root");
}

static int put(char *out, size_t cap, size_t *n, const char *fmt, const char *s, size_t len)
{
  int r = rp_fmt(out + *n, cap - *n, fmt, (int)len, s);
  *n += strlen(out + *n);
  return r;
}

// systemd nests slices by their dashes: "a-b.slice" is a.slice/a-b.slice;
// "-.slice" is the root. -1 for a name systemd refuses, -2 when the nest
// does not fit (400 bytes of dashes would grow to kilobytes).
static int slice(const char *s, size_t len, char *out, size_t cap, size_t *n)
{
  if (len < 7 || strncmp(s + len - 6, ".slice", 6)) return -1;
  size_t base = len - 6;
  if (base == 1 && s[0] == '-') return 0;
  if (s[0] == '-' || s[base - 1] == '-') return -1;
  for (size_t i = 0; i < base; i++) {
    if (s[i] == '-' && s[i + 1] == '-') return -1;
    if (s[i] == '-' && put(out, cap, n, "/%.*s.slice", s, i)) return -2;
  }
  return put(out, cap, n, "/%.*s.slice", s, base) ? -2 : 0;
}

// "slice:prefix:name" → "/<slice path>/prefix-name.scope", the unit runc
// would ask systemd for; an empty slice is system.slice.
static int systemd(const char *spec, char *out, size_t cap, struct rp_err *e)
{
  const char *c1 = strchr(spec, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
  size_t n = 0;
  if (!c2 || strchr(c2 + 1, ':') || !c2[1]) return bad(e, spec, "must be slice:prefix:name with --systemd-cgroup");
  int r = c1 == spec ? slice("system.slice", 12, out, cap, &n) : slice(spec, (size_t)(c1 - spec), out, cap, &n);
  if (r) return bad(e, spec, r == -1 ? "names an invalid slice" : "is too long");
  size_t nl = strlen(c2 + 1);
  if (nl >= 6 && !strcmp(c2 + 1 + nl - 6, ".slice")) return bad(e, spec, "names a slice, not a scope");
  if (put(out, cap, &n, c2 > c1 + 1 ? "/%.*s-" : "/%.*s", c1 + 1, (size_t)(c2 - c1 - 1)) ||
      put(out, cap, &n, "%.*s.scope", c2 + 1, nl))
    return bad(e, spec, "is too long");
  return 0;
}

int rp_cg_resolve(const char *spec, int systemd_form, char *out, size_t cap, struct rp_err *e)
{
  if (strlen(spec) > RP_CG_SPEC_MAX)
    return rp_errf(e, EINVAL, "config.json: linux.cgroupsPath is longer than %d bytes", RP_CG_SPEC_MAX);
  if (systemd_form && strchr(spec, '/')) return bad(e, spec, "must be slice:prefix:name with --systemd-cgroup");
  for (const char *p = spec; *p; p++)
    if (!byte_ok((unsigned char)*p)) return bad(e, spec, "may hold only letters, digits, / and ._:@+=,~-");
  return systemd_form ? systemd(spec, out, cap, e) : cgroupfs(spec, out, cap, e);
}

static int is_v2(void)
{
  struct statfs s;
  return !statfs(CG_ROOT, &s) && s.f_type == CG2_MAGIC;
}

// The hierarchies to use: /sys/fs/cgroup itself under v2; under v1 each
// directory there that is a cgroup mount, but cpuset: not a symlink (cpu ->
// cpu,cpuacct), not the hybrid layout's cgroup2 "unified".
static int hierarchies(struct hier *h)
{
  struct rp_dir d;
  struct statfs s;
  struct stat st;
  int n = 0;
  if (is_v2()) return rp_strlcpy(h[0].mnt, CG_ROOT, CG_MNT), 1;
  if (rp_dir_open(&d, AT_FDCWD, CG_ROOT)) return 0;
  for (const char *name; n < CG_HIER && (name = rp_dir_next(&d));)
    if (strcmp(name, "cpuset") && !rp_fmt(h[n].mnt, CG_MNT, CG_ROOT "/%s", name) && !lstat(h[n].mnt, &st) &&
        S_ISDIR(st.st_mode) && !statfs(h[n].mnt, &s) && s.f_type == CG1_MAGIC)
      n++;
  rp_dir_close(&d);
  return n;
}

static int put_file(const char *dir, const char *name, const char *val)
{
  char p[CG_DIR + 32];
  if (rp_fmt(p, sizeof(p), "%s/%s", dir, name)) return -ENAMETOOLONG;
  int fd = open(p, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  int r = rp_fs_write_all(fd, val, strlen(val));
  close(fd);
  return r;
}

// v2 gives a group controllers only when each parent lists them in
// cgroup.subtree_control. One at a time: one the kernel lacks (or a parent
// with processes of its own) must not keep the others out.
static void enable(char *dir)
{
  static const char *const ctl[] = {"+cpu", "+memory", "+pids", "+io"};
  for (char *s = dir + strlen(CG_ROOT); (s = strchr(s, '/')); *s++ = '/') {
    *s = 0;
    for (unsigned i = 0; i < sizeof(ctl) / sizeof(*ctl); i++) put_file(dir, "cgroup.subtree_control", ctl[i]);
  }
}

// fn in every hierarchy; with all, on past a failure (the first is told).
static int each(const char *path, int (*fn)(char *dir, void *arg, struct rp_err *e), void *arg, int all,
                struct rp_err *e)
{
  struct hier h[CG_HIER];
  char dir[CG_DIR];
  int n = hierarchies(h), first = 0;
  if (!n) return rp_errf(e, ENOENT, "cgroup %s: no cgroup hierarchy is mounted", path);
  for (int i = 0; i < n; i++) {
    int r = rp_fmt(dir, sizeof(dir), "%s%s", h[i].mnt, path);
    r = r ? rp_errf(e, ENAMETOOLONG, "cgroup path too long: %s%s", h[i].mnt, path) : fn(dir, arg, e);
    if (r && !all) return r;
    if (r && !first) first = r, e = NULL;
  }
  return first;
}

static int make(char *dir, void *arg, struct rp_err *e)
{
  (void)arg;
  int r = rp_fs_mkdir_p(dir, 0755, e);
  if (!r && is_v2()) enable(dir);
  return r;
}

int rp_cg_create(const char *path, struct rp_err *e) { return each(path, make, NULL, 0, e); }

static int join(char *dir, void *arg, struct rp_err *e)
{
  char pid[16];
  rp_fmt(pid, sizeof(pid), "%d", *(pid_t *)arg);
  int r = put_file(dir, "cgroup.procs", pid);
  return r ? rp_errf(e, -r, "cannot join cgroup %s: %s", dir, strerror(-r)) : 0;
}

int rp_cg_join(const char *path, pid_t pid, struct rp_err *e) { return each(path, join, &pid, 0, e); }

// arg: the tries left, shared by the hierarchies, so that a process that
// stays costs one wait in all, not one in each.
static int drop(char *dir, void *arg, struct rp_err *e)
{
  struct timespec tick = {0, 10 * 1000 * 1000};
  int r, *left = arg;
  while ((r = rmdir(dir) ? errno : 0) == EBUSY && *left > 0) --*left, nanosleep(&tick, NULL);
  return !r || r == ENOENT ? 0 : rp_errf(e, r, "cannot remove cgroup %s: %s", dir, strerror(r));
}

int rp_cg_remove(const char *path, struct rp_err *e)
{
  int left = CG_RM_TRIES;
  return each(path, drop, &left, 1, e);
}

int rp_cg_dir(const char *ctl, const char *path, char *dir, size_t cap)
{
  if (is_v2()) return rp_fmt(dir, cap, CG_ROOT "%s", path) ? -E2BIG : 1;
  return rp_fmt(dir, cap, CG_ROOT "/%s%s", ctl, path) ? -E2BIG : 0;
}
