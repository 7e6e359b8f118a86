// rproc.c - remoteproc sysfs access (see rproc.h)

#include "rproc.h"
#include "coredump.h"
#include "dir.h"
#include "fs.h"
#include "path.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const state_names[] = {
    "unknown", "offline", "suspended", "running", "crashed",
    "deleted", "attached", "detached", "invalid",
};

enum rp_rstate rp_rstate_parse(const char *s)
{
  for (int i = 1; i < (int)(sizeof(state_names) / sizeof(*state_names)); i++)
    if (!strcmp(s, state_names[i])) return (enum rp_rstate)i;
  return RP_RS_UNKNOWN;
}

const char *rp_rstate_name(enum rp_rstate s)
{
  return (unsigned)s < sizeof(state_names) / sizeof(*state_names) ? state_names[s] : "unknown";
}

static int attr_path(const struct rp_rproc *p, const char *attr, char *buf, size_t cap)
{
  return rp_path(buf, cap, "sys/class/remoteproc/%s/%s", p->dev, attr);
}

int rp_rproc_read(const struct rp_rproc *p, const char *attr, char *buf, size_t cap,
                  struct rp_err *e)
{
  char path[RP_PATH_MAX];
  if (attr_path(p, attr, path, sizeof(path))) return rp_errf(e, ENAMETOOLONG, "path too long");
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT && !strcmp(attr, "name"))
      return rp_errf(e, ENODEV, "remote processor %s is gone", p->dev);
    return rp_errf(e, err, "cannot read %s of %s: %s", attr, p->dev, strerror(err));
  }
  int n = rp_fs_read_fd(fd, path, buf, cap, e);
  close(fd);
  if (n < 0) return n;
  while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == 0)) buf[--n] = 0;
  return n;
}

int rp_rproc_open(const struct rp_rproc *p, const char *attr)
{
  char path[RP_PATH_MAX];
  if (attr_path(p, attr, path, sizeof(path))) return -ENAMETOOLONG;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  return fd < 0 ? -errno : fd;
}

int rp_rproc_reread(int fd, char *buf, size_t cap)
{
  ssize_t n = pread(fd, buf, cap - 1, 0);
  if (n < 0) return -errno;
  while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == 0)) n--;
  buf[n] = 0;
  return (int)n;
}

static void read_opt(const struct rp_rproc *p, const char *attr, char *buf, size_t cap)
{
  if (rp_rproc_read(p, attr, buf, cap, NULL) < 0) buf[0] = 0;
}

// Processor index with only its name read: what finding one needs.
static int load_name(int index, struct rp_rproc *out, struct rp_err *e)
{
  memset(out, 0, sizeof(*out));
  out->index = index;
  rp_fmt(out->dev, sizeof(out->dev), "remoteproc%d", index);
  int r = rp_rproc_read(out, "name", out->name, sizeof(out->name), e);
  return r < 0 ? r : 0;
}

static int load_attrs(struct rp_rproc *out, struct rp_err *e)
{
  int r = rp_rproc_read(out, "state", out->state, sizeof(out->state), e);
  if (r < 0) return r;
  read_opt(out, "firmware", out->firmware, sizeof(out->firmware));
  read_opt(out, "recovery", out->recovery, sizeof(out->recovery));
  read_opt(out, "coredump", out->coredump, sizeof(out->coredump));
  return 0;
}

int rp_rproc_load(int index, struct rp_rproc *out, struct rp_err *e)
{
  int r = load_name(index, out, e);
  return r ? r : load_attrs(out, e);
}

// Index from "remoteprocN", or -1.
static int dev_index(const char *s)
{
  if (strncmp(s, "remoteproc", 10) || !s[10] || (s[10] == '0' && s[11])) return -1;
  long v = 0;
  for (s += 10; *s; s++) {
    if (*s < '0' || *s > '9' || v > 100000) return -1;
    v = v * 10 + (*s - '0');
  }
  return (int)v;
}

static int scan_indexes(int *idx, int cap, struct rp_err *e)
{
  char dir[RP_PATH_MAX];
  if (rp_path(dir, sizeof(dir), "sys/class/remoteproc")) return rp_errf(e, ENAMETOOLONG, "path too long");
  struct rp_dir d;
  int r = rp_dir_open(&d, AT_FDCWD, dir);
  if (r == -ENOENT) return 0;
  if (r) return rp_errf(e, -r, "cannot list %s: %s", dir, strerror(-r));
  int n = 0;
  for (const char *name; (name = rp_dir_next(&d));) {
    int i = dev_index(name);
    if (i < 0) continue;
    if (n == cap) {  // full: keep the lowest indexes, whatever the directory order
      if (i >= idx[n - 1]) continue;
      n--;
    }
    int k = n++;
    for (; k > 0 && idx[k - 1] > i; k--) idx[k] = idx[k - 1];  // keep sorted
    idx[k] = i;
  }
  rp_dir_close(&d);
  return n;
}

int rp_rproc_list(struct rp_rproc *out, int cap, struct rp_err *e)
{
  int idx[RP_RPROC_MAX];
  int n = scan_indexes(idx, cap < RP_RPROC_MAX ? cap : RP_RPROC_MAX, e), m = 0;
  if (n < 0) return n;
  for (int i = 0; i < n; i++)
    if (rp_rproc_load(idx[i], &out[m], NULL) == 0) m++;  // skip one removed meanwhile
  return m;
}

// Names the directory looked in and what is there.
static int not_found(const char *name, const struct rp_rproc *all, int n, struct rp_err *e)
{
  char list[RP_ERR_MSG / 2] = "", dir[RP_PATH_MAX];
  size_t len = 0;
  for (int i = 0; i < n; i++) {
    if (rp_fmt(list + len, sizeof(list) - len, "%s%s", i ? ", " : "", all[i].name)) break;
    len = strlen(list);
  }
  rp_path(dir, sizeof(dir), "sys/class/remoteproc");
  if (!n)
    return rp_errf(e, ENODEV, "remote processor %s does not exist: %s has no remote processors", name,
                   dir);
  return rp_errf(e, ENODEV, "remote processor %s does not exist in %s, available remote processors: %s",
                 name, dir, list);
}

// A device name ("remoteproc2") among the listed indexes: its index, or -1.
static int listed_dev(const char *name, const int *idx, int n)
{
  for (int i = 0; i < n; i++) {
    char dev[24];
    rp_fmt(dev, sizeof(dev), "remoteproc%d", idx[i]);
    if (!strcmp(dev, name)) return idx[i];
  }
  return -1;
}

int rp_rproc_find(const char *name, struct rp_rproc *out, struct rp_err *e)
{
  struct rp_rproc all[RP_RPROC_MAX];  // 16 KiB of stack: no static a child would inherit
  int idx[RP_RPROC_MAX], n = scan_indexes(idx, RP_RPROC_MAX, e), m = 0, hit = -1;
  if (n < 0) return n;
  // A device name wins over a processor named like it, and costs one read.
  int dev = listed_dev(name, idx, n);
  if (dev >= 0 && !load_name(dev, out, NULL)) return 0;
  // Every name is read (once) even after a match: a second one makes the
  // name ambiguous.
  for (int i = 0; i < n; i++) {
    if (load_name(idx[i], &all[m], NULL)) continue;  // removed meanwhile
    if (!strcmp(all[m].name, name) && hit >= 0)
      return rp_errf(e, EINVAL, "remote processor name %s is ambiguous (%s, %s): use the device name",
                     name, all[hit].dev, all[m].dev);
    if (!strcmp(all[m].name, name)) hit = m;
    m++;
  }
  if (hit < 0) return not_found(name, all, m, e);
  *out = all[hit];
  return 0;
}

int rp_rproc_lookup(const char *name, struct rp_rproc *out, struct rp_err *e)
{
  int r = rp_rproc_find(name, out, e);
  return r ? r : load_attrs(out, e);
}

int rp_rproc_state(const struct rp_rproc *p, struct rp_err *e)
{
  char s[32];
  int r = rp_rproc_read(p, "state", s, sizeof(s), e);
  return r < 0 ? r : (int)rp_rstate_parse(s);
}

int rp_rproc_settled(const struct rp_rproc *p, int timeout_ms, struct rp_err *e)
{
  struct timespec tick = {0, 10 * 1000 * 1000};
  char w[32];
  // Only test rigs show other words, and a build without the runtime is
  // for boards (rproc at boot): it reads the state as it is.
  if (!CFG_RUNTIME) return rp_rproc_state(p, e);
  for (int waited = 0;; waited += 10) {
    int r = rp_rproc_read(p, "state", w, sizeof(w), e);
    if (r < 0 || (r = (int)rp_rstate_parse(w)) != RP_RS_UNKNOWN) return r;
    if (waited >= timeout_ms)
      return rp_errf(e, ETIMEDOUT, "%s still shows state \"%s\" after %d ms, a word no kernel shows", p->name,
                     w, timeout_ms);
    nanosleep(&tick, NULL);
  }
}

int rp_rproc_fw_dirs(char dirs[3][RP_PATH_MAX], struct rp_err *e)
{
  char std[RP_PATH_MAX];
  int n = 0;
  if (rp_rproc_fwdir(dirs[0], RP_PATH_MAX, NULL, 0, e)) return -e->code;
  rp_path(std, sizeof(std), "lib/firmware");
  n += strcmp(dirs[0], std) != 0;  // a custom path comes first
  rp_path(dirs[n++], RP_PATH_MAX, "lib/firmware/updates");
  memcpy(dirs[n++], std, sizeof(std));
  return n;
}

int rp_rproc_fwdir(char *buf, size_t cap, char *dirs, size_t dcap, struct rp_err *e)
{
  char custom[RP_PATH_MAX / 2] = "", p[RP_PATH_MAX];
  if (!rp_path(p, sizeof(p), "sys/module/firmware_class/parameters/path"))
    if (rp_fs_read(p, custom, sizeof(custom), NULL) < 0) custom[0] = 0;
  size_t nl = strcspn(custom, "\n");
  // The value itself holds a newline (sysfs adds one): kernels disagree on
  // where they then look, so nothing is staged where one of them would not.
  if (custom[nl] && custom[nl + 1])
    return rp_errf(e, EINVAL, "firmware_class.path holds a newline: Linux 6.1 then searches no "
                   "custom directory, 6.12 and later the part before it; write the directory "
                   "without one (echo -n DIR > /sys/module/firmware_class/parameters/path)");
  custom[nl] = 0;
  int r = custom[0] ? rp_path(buf, cap, "%s", custom + (custom[0] == '/'))
                    : rp_path(buf, cap, "lib/firmware");
  if (r) return rp_errf(e, ENAMETOOLONG, "firmware directory path too long");
  if (dirs) {  // "A, B or C"
    char d[3][RP_PATH_MAX];
    int n = rp_rproc_fw_dirs(d, NULL);
    dirs[0] = 0;
    for (int i = 0, len = 0; i < n && len < (int)dcap; i++, len = (int)strlen(dirs))
      rp_fmt(dirs + len, dcap - (size_t)len, "%s%s", !i ? "" : i == n - 1 ? " or " : ", ", d[i]);
  }
  return 0;
}

int rp_rproc_may_recover(const struct rp_rproc *p, int s, int want_trace, const char *trace)
{
  char rec[24];
  if (s != RP_RS_CRASHED && s != RP_RS_OFFLINE) return 0;
  if (rp_rproc_read(p, "recovery", rec, sizeof(rec), NULL) < 0 || strcmp(rec, "enabled")) return 0;
  return s != RP_RS_OFFLINE || !want_trace || (trace && !access(trace, F_OK));
}

int rp_rproc_trace_path(const struct rp_rproc *p, char *buf, size_t cap)
{
  return rp_path(buf, cap, "sys/kernel/debug/remoteproc/%s/trace0", p->dev);
}

static int explain_start(const struct rp_rproc *p, int err, struct rp_err *e)
{
  char fw[RP_FW_NAME_MAX] = "?", dir[RP_PATH_MAX], dirs[RP_PATH_MAX] = "lib/firmware";
  read_opt(p, "firmware", fw, sizeof(fw));
  const char *n = p->name;
  switch (err) {
  case ENOENT:
    rp_rproc_fwdir(dir, sizeof(dir), dirs, sizeof(dirs), NULL);
    return rp_errf(e, err, "cannot start %s: firmware file %s not found in %s", n, fw, dirs);
  case EBUSY:
    return rp_errf(e, err, "cannot start %s: the processor is busy", n);
  case EINVAL:
    return rp_errf(e, err, "cannot start %s: the kernel rejected firmware %s (not a valid image "
                   "for this processor, see the kernel log)", n, fw);
  case ENOMEM:
    return rp_errf(e, err, "cannot start %s: not enough memory to load firmware %s", n, fw);
  default:
    return rp_errf(e, err, "cannot start %s: the driver failed to start it: %s", n, strerror(err));
  }
}

static int explain(const struct rp_rproc *p, const char *attr, const char *val, int err,
                   struct rp_err *e)
{
  char st[24] = "unknown";
  read_opt(p, "state", st, sizeof(st));
  if (err == EACCES || err == EPERM)
    return rp_errf(e, err, "cannot write %s of %s: permission denied (not root, or the driver "
                   "makes its sysfs files read-only)", attr, p->name);
  if (err == ENOENT && strcmp(val, "start")) {
    char path[RP_PATH_MAX];
    if (attr_path(p, "name", path, sizeof(path)) || access(path, F_OK))
      return rp_errf(e, ENODEV, "remote processor %s is gone", p->name);
    return rp_errf(e, ENOENT, "the kernel has no %s file for %s", attr, p->name);
  }
  if (!strcmp(attr, "state") && !strcmp(val, "start")) return explain_start(p, err, e);
  if (!strcmp(attr, "state") && !strcmp(val, "stop") && err == EINVAL)
    return rp_errf(e, err, "cannot stop %s: it is not running (state %s)", p->name, st);
  if (err == EBUSY)  // firmware, or coredump (crashed)
    return rp_errf(e, err, "cannot change the %s of %s while it is %s: stop it first", attr, p->name, st);
  if (err == EINVAL)
    return rp_errf(e, err, "%s of %s does not accept \"%s\"", attr, p->name, val);
  return rp_errf(e, err, "cannot write \"%s\" to %s of %s: %s", val, attr, p->name, strerror(err));
}

int rp_rproc_write(const struct rp_rproc *p, const char *attr, const char *val, struct rp_err *e)
{
  char path[RP_PATH_MAX];
  if (attr_path(p, attr, path, sizeof(path))) return rp_errf(e, ENAMETOOLONG, "path too long");
  // O_TRUNC as a shell's '>': sysfs ignores it, a plain-file tree would otherwise keep old tails
  int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) return explain(p, attr, val, errno, e);
  ssize_t n;
  do n = write(fd, val, strlen(val));
  while (n < 0 && errno == EINTR);
  int err = n < 0 ? errno : 0;
  close(fd);
  return err ? explain(p, attr, val, err, e) : 0;
}

int rp_rproc_wait(const struct rp_rproc *p, enum rp_rstate want, int timeout_ms, struct rp_err *e)
{
  struct timespec tick = {0, 10 * 1000 * 1000};
  for (int waited = 0;; waited += 10) {
    int s = rp_rproc_state(p, e);
    if (s < 0 || s == (int)want || waited >= timeout_ms) return s;
    nanosleep(&tick, NULL);
  }
}

// 6.1 before 6.1.192 refuses "stop" unless the processor runs or is
// attached: a crashed one leaves that state only through a recovery, which
// loads its firmware again for a moment. Later kernels stop it directly.
static int stop_crashed(const struct rp_rproc *p, struct rp_err *e)
{
  struct rp_err why = {0};
  char dump[24] = "";
  // A recovery takes a crash dump unless coredump is disabled (the kernel
  // refuses to change it while crashed); an inline one waits to be read.
  if (rp_rproc_read(p, "coredump", dump, sizeof(dump), NULL) > 0 && strcmp(dump, "disabled"))
    rp_core_recover(p);
  else if (rp_rproc_write(p, "recovery", "recover", &why))
    return rp_errf(e, why.code, "cannot stop %s: this kernel stops a crashed processor only after "
                   "a recovery, and the recovery failed (%s); reload its driver or reboot",
                   p->name, why.msg);
  if (rp_rproc_settled(p, RP_RPROC_SETTLE_MS, NULL) == RP_RS_OFFLINE) return 0;  // the recovery's start failed
  return rp_rproc_write(p, "state", "stop", e);
}

int rp_rproc_stop(const struct rp_rproc *p, struct rp_err *e)
{
  struct rp_err first = {0};
  int r = rp_rproc_write(p, "state", "stop", &first);
  if (r == -EINVAL && rp_rproc_state(p, NULL) == RP_RS_CRASHED) return stop_crashed(p, e);
  if (r && e) *e = first;
  return r;
}
