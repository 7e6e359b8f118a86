// cgstats.c - a container's cgroup figures as containerd reads a runc
// container's: the io.containerd.cgroups.v1 or .v2 Metrics protobuf the
// shim's Task.Stats answers (see cgstats.h)

#include "cgstats.h"
#include "cgroup.h"
#include "fs.h"
#include "num.h"
#include "pb.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#define CG_TEXT 4096  // memory.stat and cpu.stat fit with room to spare

// A file's number; "max" (no limit) is max.
static unsigned long long num(const char *dir, const char *name, unsigned long long max)
{
  char p[RP_CG_DIR_MAX + 32], b[32];
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
  char p[RP_CG_DIR_MAX + 32];
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
  char dir[RP_CG_DIR_MAX], t[CG_TEXT];  // a controller not mounted: its files read as zero
  uint8_t b[256], b2[64];
  struct rp_pb_writer s, s2;
  rp_cg_dir("pids", path, dir, sizeof(dir));
  rp_pb_writer_init(&s, b, sizeof(b));
  u64(&s, 1, num(dir, "pids.current", 0)), u64(&s, 2, num(dir, "pids.max", 0));
  sub(w, 2, &s, 0);
  rp_cg_dir("cpuacct", path, dir, sizeof(dir));
  rp_pb_writer_init(&s, b, sizeof(b)), rp_pb_writer_init(&s2, b2, sizeof(b2));
  text(dir, "cpuacct.stat", t);
  u64(&s2, 1, num(dir, "cpuacct.usage", 0)), u64(&s2, 2, kv(t, "system") * TICK_NS), u64(&s2, 3, kv(t, "user") * TICK_NS);
  sub(&s, 1, &s2, 1), rp_pb_put_bytes(&s, 2, "", 0);  // usage, throttling
  sub(w, 3, &s, 0);
  rp_cg_dir("memory", path, dir, sizeof(dir));
  rp_pb_writer_init(&s, b, sizeof(b)), rp_pb_writer_init(&s2, b2, sizeof(b2));
  text(dir, "memory.stat", t);
  stat_fields(&s, t, mem, NF(mem));
  u64(&s2, 1, num(dir, "memory.limit_in_bytes", 0)), u64(&s2, 2, num(dir, "memory.usage_in_bytes", 0));
  u64(&s2, 3, num(dir, "memory.max_usage_in_bytes", 0)), u64(&s2, 4, num(dir, "memory.failcnt", 0));
  sub(&s, 33, &s2, 1);
  sub(w, 4, &s, 0);
  return 0;
}

int rp_cgstats(const char *path, void *buf, size_t cap, const char **type)
{
  struct rp_pb_writer w;
  char dir[RP_CG_DIR_MAX];
  int v2 = rp_cg_dir("", path, dir, sizeof(dir));
  if (v2 < 0) return v2;
  rp_pb_writer_init(&w, buf, cap);
  *type = v2 ? "io.containerd.cgroups.v2.Metrics" : "io.containerd.cgroups.v1.Metrics";
  if (v2) metrics_v2(dir, &w);
  else metrics_v1(path, &w);
  return w.err ? w.err : (int)w.len;
}
