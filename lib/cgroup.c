// cgroup.c - the container's cgroup (see cgroup.h)
//
// Every path this file builds is a hierarchy's mount point plus a path
// rp_cg_resolve checked, so nothing outside the cgroup trees is touched.

#include "cgroup.h"
#include "dir.h"
#include "fs.h"
#include "num.h"
#include "pb.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#define CG_ROOT "/sys/fs/cgroup"
#define CG_HIER 16             // v1 hierarchies used at most
#define CG_MNT 128             // a hierarchy's mount point
#define CG_DIR (CG_MNT + RP_CG_PATH_MAX)
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

static int drop(char *dir, void *arg, struct rp_err *e)
{
  struct timespec tick = {0, 10 * 1000 * 1000};
  int r;
  (void)arg;
  for (int i = 0; (r = rmdir(dir) ? errno : 0) == EBUSY && i < CG_RM_TRIES; i++) nanosleep(&tick, NULL);
  return !r || r == ENOENT ? 0 : rp_errf(e, r, "cannot remove cgroup %s: %s", dir, strerror(r));
}

int rp_cg_remove(const char *path, struct rp_err *e) { return each(path, drop, NULL, 1, e); }

// ---- metrics ----------------------------------------------------------

#define CG_TEXT 4096  // memory.stat and cpu.stat fit with room to spare

// A file's number; "max" (no limit) is max.
static unsigned long long num(const char *dir, const char *name, unsigned long long max)
{
  char p[CG_DIR + 32], b[32];
  unsigned long long v = 0;
  const char *rest;
  if (rp_fmt(p, sizeof(p), "%s/%s", dir, name) || rp_fs_read(p, b, sizeof(b), NULL) < 0) return 0;
  if (!strncmp(b, "max", 3)) return max;
  return rp_num_prefix(b, ~0ULL, &v, &rest) ? 0 : v;
}

// The value of "key N" in a flat-keyed file (memory.stat, cpu.stat).
static unsigned long long kv(const char *text, const char *key)
{
  size_t kl = strlen(key);
  unsigned long long v = 0;
  const char *rest;
  for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
    if (!strncmp(l, key, kl) && l[kl] == ' ') return rp_num_prefix(l + kl + 1, ~0ULL, &v, &rest) ? 0 : v;
  return 0;
}

static void text(const char *dir, const char *name, char *buf)
{
  char p[CG_DIR + 32];
  if (rp_fmt(p, sizeof(p), "%s/%s", dir, name) || rp_fs_read(p, buf, CG_TEXT, NULL) < 0) buf[0] = 0;
}

static void u64(struct rp_pb_writer *w, uint32_t field, unsigned long long v)
{
  if (!v) return;  // proto3 leaves zeros out
  rp_pb_put_tag(w, field, RP_PB_VARINT);
  rp_pb_put_varint(w, v);
}

// A sub-message; with always, present even when empty: dockerd 26 reads
// cpu.usage and cpu.throttling of a v1 Metrics without a nil check and
// crashes on an absent one.
static void sub(struct rp_pb_writer *w, uint32_t field, const struct rp_pb_writer *s, int always)
{
  if (s->err) w->err = s->err;
  else if (s->len || always) rp_pb_put_bytes(w, field, s->buf, s->len);
}

struct stat_field {
  const char *key;
  uint8_t field;
};

static void stat_fields(struct rp_pb_writer *w, const char *t, const struct stat_field *f, size_t n)
{
  for (size_t i = 0; i < n; i++) u64(w, f[i].field, kv(t, f[i].key));
}

#define NF(a) (sizeof(a) / sizeof(*(a)))

// io.containerd.cgroups.v2.Metrics: pids 1, cpu 2, memory 4.
static int metrics_v2(const char *dir, struct rp_pb_writer *w)
{
  static const struct stat_field cpu[] = {{"usage_usec", 1}, {"user_usec", 2}, {"system_usec", 3}};
  static const struct stat_field mem[] = {{"anon", 1}, {"file", 2}, {"inactive_file", 13}};
  char t[CG_TEXT];
  uint8_t b[256];
  struct rp_pb_writer s;
  rp_pb_writer_init(&s, b, sizeof(b));
  u64(&s, 1, num(dir, "pids.current", 0)), u64(&s, 2, num(dir, "pids.max", 0));
  sub(w, 1, &s, 0);
  text(dir, "cpu.stat", t);
  rp_pb_writer_init(&s, b, sizeof(b));
  stat_fields(&s, t, cpu, NF(cpu));
  sub(w, 2, &s, 0);
  text(dir, "memory.stat", t);
  rp_pb_writer_init(&s, b, sizeof(b));
  stat_fields(&s, t, mem, NF(mem));
  u64(&s, 32, num(dir, "memory.current", 0)), u64(&s, 33, num(dir, "memory.max", ~0ULL));
  u64(&s, 36, num(dir, "memory.peak", 0));
  sub(w, 4, &s, 0);
  return 0;
}

// A v1 controller's directory for path (files of one not mounted read as
// zero).
static void v1_dir(const char *ctl, const char *path, char *dir) { rp_fmt(dir, CG_DIR, CG_ROOT "/%s%s", ctl, path); }

// cpuacct.stat counts in USER_HZ ticks, 100 a second on every Linux ABI
// (containerd assumes the same); containerd reports nanoseconds.
#define TICK_NS 10000000ULL


// io.containerd.cgroups.v1.Metrics: pids 2, cpu 3 (usage 1), memory 4
// (usage 33 as MemoryEntry limit 1, usage 2, max 3, failcnt 4).
static int metrics_v1(const char *path, struct rp_pb_writer *w)
{
  // What docker stats and CRI's working set subtract or show.
  static const struct stat_field mem[] = {{"cache", 1}, {"rss", 2}, {"mapped_file", 4}, {"inactive_file", 13},
                                          {"total_cache", 18}, {"total_rss", 19}, {"total_inactive_file", 30}};
  char dir[CG_DIR], t[CG_TEXT];
  uint8_t b[256], b2[64];
  struct rp_pb_writer s, s2;
  v1_dir("pids", path, dir);
  rp_pb_writer_init(&s, b, sizeof(b));
  u64(&s, 1, num(dir, "pids.current", 0)), u64(&s, 2, num(dir, "pids.max", 0));
  sub(w, 2, &s, 0);
  v1_dir("cpuacct", path, dir);
  rp_pb_writer_init(&s, b, sizeof(b)), rp_pb_writer_init(&s2, b2, sizeof(b2));
  text(dir, "cpuacct.stat", t);
  u64(&s2, 1, num(dir, "cpuacct.usage", 0)), u64(&s2, 2, kv(t, "system") * TICK_NS), u64(&s2, 3, kv(t, "user") * TICK_NS);
  sub(&s, 1, &s2, 1), rp_pb_put_bytes(&s, 2, "", 0);  // usage, throttling
  sub(w, 3, &s, 0);
  v1_dir("memory", path, dir);
  rp_pb_writer_init(&s, b, sizeof(b)), rp_pb_writer_init(&s2, b2, sizeof(b2));
  text(dir, "memory.stat", t);
  stat_fields(&s, t, mem, NF(mem));
  u64(&s2, 1, num(dir, "memory.limit_in_bytes", 0)), u64(&s2, 2, num(dir, "memory.usage_in_bytes", 0));
  u64(&s2, 3, num(dir, "memory.max_usage_in_bytes", 0)), u64(&s2, 4, num(dir, "memory.failcnt", 0));
  sub(&s, 33, &s2, 1);
  sub(w, 4, &s, 0);
  return 0;
}

int rp_cg_metrics(const char *path, void *buf, size_t cap, const char **type)
{
  struct rp_pb_writer w;
  char dir[CG_DIR];
  int v2 = is_v2();
  rp_pb_writer_init(&w, buf, cap);
  *type = v2 ? "io.containerd.cgroups.v2.Metrics" : "io.containerd.cgroups.v1.Metrics";
  if (v2 && rp_fmt(dir, sizeof(dir), "%s%s", CG_ROOT, path)) return -E2BIG;
  if (v2) metrics_v2(dir, &w);
  else metrics_v1(path, &w);
  return w.err ? w.err : (int)w.len;
}
