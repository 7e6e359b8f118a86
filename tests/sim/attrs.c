// attrs.c - the show and store side of every file rprocsim serves.
//
// sysfs files follow Linux 6.1 remoteproc_sysfs.c and kernfs: a store sees
// at most one page, NUL-terminated, and returns the whole (clipped) count on
// success; words match with sysfs_streq(). debugfs files follow
// remoteproc_debugfs.c, whose parsers differ (length limits, strncmp, and
// kstrtouint for crash). The rprocsim/ controls are this project's own.

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sim.h"

static void lock(void) { pthread_mutex_lock(&g.mu); }
static void unlock(void) { pthread_mutex_unlock(&g.mu); }

static const char *const state_names[] = {"offline", "suspended", "running",
                                          "crashed", "attached", "detached"};
static const char *const dump_names[] = {"disabled", "enabled", "inline"};

// kstrtouint(s, 0): optional '+', 0x/0 radix prefix, one optional newline.
static int kstrtouint(const char *s, unsigned *out)
{
  unsigned base = 10, digits = 0;
  uint64_t v = 0;
  bool overflow = false;
  if (*s == '+')
    s++;
  if (s[0] == '0') {
    base = 8;
    if (tolower((unsigned char)s[1]) == 'x' && isxdigit((unsigned char)s[2]))
      base = 16, s += 2;
  }
  for (;; s++, digits++) {
    int c = tolower((unsigned char)*s);
    unsigned d = isdigit(c) ? (unsigned)(c - '0')
               : (c >= 'a' && c <= 'f') ? (unsigned)(c - 'a' + 10) : 99;
    if (d >= base)
      break;
    if (v > (UINT64_MAX - d) / base)
      overflow = true;
    v = v * base + d;
  }
  if (overflow)
    return -ERANGE;
  if (!digits)
    return -EINVAL;
  if (*s == '\n')
    s++;
  if (*s)
    return -EINVAL;
  if (v > UINT32_MAX)
    return -ERANGE;
  *out = v;
  return 0;
}

// kstrtobool(): judged by the first one or two characters.
static int parse_bool(const char *s, bool *out)
{
  switch (s[0]) {
  case 'y': case 'Y': case '1': *out = true; return 0;
  case 'n': case 'N': case '0': *out = false; return 0;
  case 'o': case 'O':
    if (s[1] == 'n' || s[1] == 'N') { *out = true; return 0; }
    if (s[1] == 'f' || s[1] == 'F') { *out = false; return 0; }
  }
  return -EINVAL;
}

bool sim_is_sysfs(enum sim_file f) { return f <= F_FW_PATH; }

unsigned sim_file_mode(const struct sim_file_ref *f)
{
  switch (f->id) {
  case F_STATE: case F_FIRMWARE: case F_RECOVERY: case F_COREDUMP: {
    // The driver's sysfs_read_only turns the writable attributes to 0444.
    lock();
    bool ro = g.procs[f->proc].read_only;
    unlock();
    return ro ? 0444 : 0644;
  }
  case F_NAME: case F_DT_MODEL: case F_DT_COMPAT: return 0444;
  case F_CHAN_NAME: case F_NODE_DEV: case F_NODE_UEVENT: return 0444;
  case F_FW_PATH: return 0644;
  case F_DBG_NAME: case F_DBG_TRACE: return 0400;
  case F_DBG_RECOVERY: case F_DBG_COREDUMP: case F_DEVCD_DATA: return 0600;
  case F_DBG_CRASH: case F_CTL_TRACE: return 0200;
  default: return 0644;
  }
}

static long trace_len(const struct sim_file_ref *f);

// sysfs attributes say 4096 like the kernel. debugfs files say how much a
// read returns now (the kernel says 0): FUSE serves sendfile(), which
// busybox cat uses, from the page cache up to i_size, where debugfs has no
// splice support at all and cat falls back to read().
long sim_file_size(const struct sim_file_ref *f)
{
  char tmp[2 * SIM_PAGE];
  if (f->id == F_DT_MODEL)
    return strlen(g.model) + 1;
  if (f->id == F_DT_COMPAT)
    return g.compat_len;
  if (sim_is_sysfs(f->id))
    return SIM_PAGE;
  if (f->id == F_DBG_TRACE)
    return trace_len(f);
  if (f->id == F_DEVCD_DATA)   // the kernel says 0, as for debugfs
    return sim_devcd_size(f->sub);
  int n = sim_show(f, tmp, sizeof(tmp));
  return n < 0 ? 0 : n;
}

bool sim_trace_exists(int proc, int sub, unsigned *gen)
{
  lock();
  bool ok = sub < g.procs[proc].ntraces;
  if (gen)
    *gen = g.procs[proc].trace_gen;
  unlock();
  return ok;
}

static int show_proc(const struct sim_file_ref *f, char *buf, size_t cap)
{
  const struct sim_proc *p = &g.procs[f->proc];
  const struct sim_chan *c = &g.chans[f->sub];
  char node[32];
  switch (f->id) {
  case F_NAME: return snprintf(buf, cap, "%s\n", p->name);
  case F_STATE: return snprintf(buf, cap, "%s\n", state_names[p->state]);
  case F_FIRMWARE:
    return snprintf(buf, cap, "%s\n", p->state == ST_ATTACHED ? "unknown" : p->firmware);
  case F_RECOVERY: case F_DBG_RECOVERY:
    return snprintf(buf, cap, "%s\n", p->recovery_disabled ? "disabled" : "enabled");
  case F_COREDUMP: case F_DBG_COREDUMP:
    return snprintf(buf, cap, "%s\n", dump_names[p->dump_conf]);
  case F_DBG_NAME: return snprintf(buf, cap, "%.98s\n", p->name);
  case F_CHAN_NAME: return snprintf(buf, cap, "%s\n", c->name);
  case F_NODE_DEV: return snprintf(buf, cap, "%u:%u\n", c->major, c->minor);
  case F_NODE_UEVENT:
    sim_node_name(c, node, sizeof(node));
    return snprintf(buf, cap, "MAJOR=%u\nMINOR=%u\nDEVNAME=%s\n", c->major, c->minor, node);
  case F_CTL_FAIL: return snprintf(buf, cap, "%d\n", p->fail_errno);
  case F_CTL_DELAY: return snprintf(buf, cap, "%u\n", p->delay_ms);
  case F_CTL_RO: return snprintf(buf, cap, "%d\n", p->read_only);
  default: return -EINVAL;   // write-only debugfs file: no read op
  }
}

static int show_global(const struct sim_file_ref *f, char *buf, size_t cap)
{
  size_t n;
  switch (f->id) {
  case F_DT_MODEL:
    n = strlen(g.model) + 1;
    memcpy(buf, g.model, n < cap ? n : cap);
    return n < cap ? n : cap;
  case F_DT_COMPAT:
    memcpy(buf, g.compat, g.compat_len < cap ? g.compat_len : cap);
    return g.compat_len < cap ? g.compat_len : cap;
  default:
    return snprintf(buf, cap, "%s\n", g.fw_path);
  }
}

// Fills buf (cap > SIM_PAGE) the way one read of the file from offset 0
// would; sysfs output is clipped to PAGE_SIZE - 1 as kernfs does.
int sim_show(const struct sim_file_ref *f, char *buf, size_t cap)
{
  bool global = f->id == F_DT_MODEL || f->id == F_DT_COMPAT || f->id == F_FW_PATH;
  lock();
  int n = global ? show_global(f, buf, cap) : show_proc(f, buf, cap);
  unlock();
  if (n >= (int)cap)
    n = cap - 1;
  if (sim_is_sysfs(f->id) && n >= SIM_PAGE)
    n = SIM_PAGE - 1;
  return n;
}

// rproc_trace_read(): the text up to the first NUL of the trace region.
long sim_read_trace(const struct sim_file_ref *f, unsigned gen, char *buf,
                    size_t size, long off)
{
  static const char missing[] = "Trace  not available\n";  // trace name is never set
  struct sim_proc *p = &g.procs[f->proc];
  lock();
  long rc = -EIO;   // debugfs answers EIO once the file has been removed
  if (gen == p->trace_gen && f->sub < p->ntraces) {
    struct sim_trace t = p->traces[f->sub];
    bool ok = sim_da_ok(t.da, t.len);
    const char *src = ok ? (const char *)p->mem + t.da : missing;
    size_t len = ok ? strnlen(src, t.len) : sizeof(missing) - 1;
    rc = 0;
    if ((size_t)off < len) {
      rc = len - off < size ? len - off : size;
      memcpy(buf, src + off, rc);
    }
  }
  unlock();
  return rc;
}

static long trace_len(const struct sim_file_ref *f)
{
  const struct sim_proc *p = &g.procs[f->proc];
  lock();
  long n = 0;
  if (f->sub < p->ntraces) {
    struct sim_trace t = p->traces[f->sub];
    n = sim_da_ok(t.da, t.len) ? (long)strnlen((const char *)p->mem + t.da, t.len)
                               : (long)strlen("Trace  not available\n");
  }
  unlock();
  return n;
}

enum recovery_cmd { REC_BAD, REC_ENABLED, REC_DISABLED, REC_RECOVER };

static int apply_recovery(struct sim_proc *p, enum recovery_cmd cmd)
{
  if (cmd == REC_BAD)
    return -EINVAL;
  if (cmd != REC_RECOVER) {
    lock();
    p->recovery_disabled = cmd == REC_DISABLED;
    unlock();
  }
  // Both "enabled" and "recover" recover a crashed processor synchronously;
  // the outcome of that recovery is not reported to the writer.
  if (cmd != REC_DISABLED)
    sim_trigger_recovery(p);
  return 0;
}

static int set_dump(struct sim_proc *p, int conf)
{
  lock();
  int rc = p->state == ST_CRASHED ? -EBUSY : conf < 0 ? -EINVAL : 0;
  if (!rc)
    p->dump_conf = conf;
  unlock();
  return rc;
}

static int dump_of(bool (*match)(const char *, const char *, size_t), const char *buf, size_t n)
{
  for (int i = 0; i < 3; i++)
    if (match(buf, dump_names[i], n))
      return i;
  return -1;
}

static bool sysfs_match(const char *buf, const char *word, size_t n)
{
  (void)n;
  return sim_streq(buf, word);
}

static int store_state(struct sim_proc *p, const char *buf)
{
  if (sim_streq(buf, "start"))
    return sim_boot(p);
  if (sim_streq(buf, "stop"))
    return sim_shutdown(p);
  // "detach" needs a driver detach op, which this driver (like the kernel
  // tier's module) does not have.
  return -EINVAL;
}

static int store_fw_path(const char *buf)
{
  // param_set_copystring(): the value is kept verbatim, newline included.
  if (strnlen(buf, SIM_FW_PATH_MAX) == SIM_FW_PATH_MAX)
    return -ENOSPC;
  lock();
  strcpy(g.fw_path, buf);
  unlock();
  return 0;
}

static int sysfs_store(const struct sim_file_ref *f, const char *buf)
{
  struct sim_proc *p = f->proc >= 0 ? &g.procs[f->proc] : NULL;
  enum recovery_cmd cmd;
  switch (f->id) {
  case F_STATE: return store_state(p, buf);
  case F_FIRMWARE: return sim_set_firmware(p, buf);
  case F_RECOVERY:
    cmd = sim_streq(buf, "enabled") ? REC_ENABLED : sim_streq(buf, "disabled") ? REC_DISABLED
        : sim_streq(buf, "recover") ? REC_RECOVER : REC_BAD;
    return apply_recovery(p, cmd);
  case F_COREDUMP:
    return set_dump(p, dump_of(sysfs_match, buf, 0));
  case F_FW_PATH: return store_fw_path(buf);
  default: return -EIO;   // no store op; open for writing was refused already
  }
}

static long sysfs_write(const struct sim_file_ref *f, const char *data, size_t len)
{
  char buf[SIM_PAGE + 1];
  if (!len)
    return 0;
  if (len > SIM_PAGE)
    len = SIM_PAGE;
  memcpy(buf, data, len);
  buf[len] = '\0';
  int rc = sysfs_store(f, buf);
  return rc ? rc : (long)len;
}

// remoteproc_debugfs.c compares with strncmp(buf, word, count) after turning
// a trailing newline into NUL, so a bare prefix such as "en" matches too.
static bool dbg_match(const char *buf, const char *word, size_t n)
{
  return !strncmp(buf, word, n);
}

static int dbg_word(const char *data, size_t len, size_t max, char *buf)
{
  if (len < 1 || len > max)
    return -EINVAL;
  memcpy(buf, data, len);
  buf[len] = '\0';
  if (buf[len - 1] == '\n')
    buf[len - 1] = '\0';
  return 0;
}

static int dbg_recovery(struct sim_proc *p, const char *data, size_t len)
{
  char buf[11];
  int rc = dbg_word(data, len, 10, buf);
  if (rc)
    return rc;
  enum recovery_cmd cmd = dbg_match(buf, "enabled", len) ? REC_ENABLED
      : dbg_match(buf, "disabled", len) ? REC_DISABLED
      : dbg_match(buf, "recover", len) ? REC_RECOVER : REC_BAD;
  return apply_recovery(p, cmd);
}

static int dbg_coredump(struct sim_proc *p, const char *data, size_t len)
{
  char buf[21];
  int rc = dbg_word(data, len, 20, buf);
  return rc ? rc : set_dump(p, dump_of(dbg_match, buf, len));
}

// kstrtouint_from_user(): at most 34 bytes are looked at.
static int user_uint(const char *data, size_t len, unsigned *v)
{
  char buf[35];
  if (len > sizeof(buf) - 1)
    len = sizeof(buf) - 1;
  memcpy(buf, data, len);
  buf[len] = '\0';
  return kstrtouint(buf, v);
}

// The module's sim_trace_write(): under rproc->lock (so a write waits for
// a start or a crash recovery in progress), appends to trace0's region of
// device memory, keeping it a NUL-terminated string: a region takes at
// most its length minus one byte (a short write), then refuses with
// ENOSPC. Only firmware that runs (or crashed) with a trace resource has a
// buffer to write to; otherwise ENODEV (offline, no table, and the offline
// state a failed recovery leaves with its trace files still held).
static long append_trace(struct sim_proc *p, const char *data, size_t len)
{
  if (!len)
    return 0;
  pthread_mutex_lock(&p->op);
  lock();
  long rc = -ENODEV;
  if ((p->state == ST_RUNNING || p->state == ST_CRASHED) && p->ntraces &&
      p->traces[0].len && sim_da_ok(p->traces[0].da, p->traces[0].len)) {
    struct sim_trace t = p->traces[0];
    char *region = (char *)p->mem + t.da;
    size_t used = strnlen(region, t.len);
    if (used + 1 >= t.len) {
      rc = -ENOSPC;
    } else {
      size_t n = len < t.len - 1 - used ? len : t.len - 1 - used;
      memcpy(region + used, data, n);
      region[used + n] = '\0';
      rc = (long)n;
    }
  }
  unlock();
  pthread_mutex_unlock(&p->op);
  return rc;
}

static int set_control(struct sim_proc *p, enum sim_file id, const char *data, size_t len)
{
  unsigned v = 0;
  bool b = false;
  int rc;
  if (id == F_CTL_RO) {
    char buf[3] = {0};
    memcpy(buf, data, len < 2 ? len : 2);
    rc = parse_bool(buf, &b);
  } else {
    rc = user_uint(data, len, &v);
    if (!rc && v > (id == F_CTL_FAIL ? 4095u : SIM_DELAY_MAX_MS))
      rc = -EINVAL;
  }
  if (rc)
    return rc;
  lock();
  if (id == F_CTL_RO) p->read_only = b;
  else if (id == F_CTL_FAIL) p->fail_errno = v;
  else p->delay_ms = v;
  unlock();
  return 0;
}

static long debugfs_write(const struct sim_file_ref *f, const char *data, size_t len)
{
  struct sim_proc *p = &g.procs[f->proc];
  unsigned type;
  int rc;
  switch (f->id) {
  case F_DBG_CRASH:
    // Any number is a crash type; unknown ones are reported as "unknown".
    rc = user_uint(data, len, &type);
    if (!rc)
      sim_report_crash(p);
    break;
  case F_DBG_RECOVERY: rc = dbg_recovery(p, data, len); break;
  case F_DBG_COREDUMP: rc = dbg_coredump(p, data, len); break;
  case F_CTL_TRACE: return append_trace(p, data, len);
  case F_CTL_FAIL: case F_CTL_DELAY: case F_CTL_RO:
    rc = set_control(p, f->id, data, len);
    break;
  default: rc = -EINVAL;   // read-only debugfs file: no write op
  }
  return rc ? rc : (long)len;
}

long sim_write(const struct sim_file_ref *f, const char *data, size_t len)
{
  if (f->id == F_DEVCD_DATA)   // devcd_data_write(): any write frees the dump
    return sim_devcd_free(f->sub), (long)len;
  return sim_is_sysfs(f->id) ? sysfs_write(f, data, len) : debugfs_write(f, data, len);
}
