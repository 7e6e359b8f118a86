// state.c - the container store (see state.h)

#include "state.h"
#include "dir.h"
#include "fs.h"
#include "json.h"
#include "num.h"
#include "path.h"
#include "proc.h"
#include "sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#define STATE_TEXT 12288

int rp_state_valid_id(const char *id, struct rp_err *e)
{
  size_t n = strlen(id);
  if (!n) return rp_errf(e, EINVAL, "container id is empty");
  if (n > RP_ID_MAX) return rp_errf(e, EINVAL, "container id is longer than %d characters", RP_ID_MAX);
  for (size_t i = 0; i < n; i++) {
    char c = id[i];
    int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum || (i && strchr("_.+-", c) && c)) continue;
    // Shown with control characters as '?': a newline in an id must not
    // split the error into two log lines.
    char shown[65];
    size_t k = 0;
    for (; k < 64 && id[k]; k++) shown[k] = (unsigned char)id[k] < 0x20 || id[k] == 0x7f ? '?' : id[k];
    shown[k] = 0;
    return rp_errf(e, EINVAL, "invalid container id \"%s%s\": use letters, digits and _.+- "
                   "(not first)", shown, n > 64 ? "..." : "");
  }
  return 0;
}

int rp_state_default_root(char *buf, size_t cap, struct rp_err *e)
{
  char raw[RP_PATH_MAX];
  int r = rp_path_run(raw, sizeof(raw), "remoteproc-runtime");
  if (!r && rp_path_canon(raw, buf, cap)) r = rp_strlcpy(buf, raw, cap);
  return r ? rp_errf(e, ENAMETOOLONG, "state directory path too long") : 0;
}

int rp_state_owner(const char *statedir, char *buf, size_t cap)
{
  char def[RP_PATH_MAX], raw[RP_PATH_MAX], hex[65];
  const char *key = rp_path_base(statedir);
  size_t rootlen = key > statedir ? (size_t)(key - statedir) - 1 : 0;
  int plain = !rp_path(raw, sizeof(raw), "run/remoteproc-runtime") && !rp_path_canon(raw, def, sizeof(def)) &&
              strlen(def) == rootlen && !strncmp(def, statedir, rootlen);
  if (plain) return rp_fmt(buf, cap, RP_STATE_AREA "/%s", key) ? -ENAMETOOLONG : 0;
  rp_sha256_hex(statedir, rootlen, hex);
  return rp_fmt(buf, cap, RP_STATE_AREA "/%s@%.8s", key, hex) ? -ENAMETOOLONG : 0;
}

int rp_state_locate(const char *root, const char *id, struct rp_state *st, struct rp_err *e)
{
  int r = rp_state_valid_id(id, e);
  if (r) return r;
  if (strlen(id) <= RP_STATE_KEY_MAX) {
    rp_strlcpy(st->key, id, sizeof(st->key));
  } else {
    char hex[65];
    rp_sha256_hex(id, strlen(id), hex);
    rp_fmt(st->key, sizeof(st->key), "~%s", hex);
  }
  rp_strlcpy(st->id, id, sizeof(st->id));
  if (root[0] != '/') return rp_errf(e, EINVAL, "state root %s is not an absolute path", root);
  if (rp_path_join(st->dir, sizeof(st->dir), root, st->key))
    return rp_errf(e, ENAMETOOLONG, "state directory path too long");
  return 0;
}

static void put(struct rp_jw *w, const char *k, const char *v) { rp_jw_kstr(w, k, v); }

int rp_state_write(const struct rp_state *st, struct rp_err *e)
{
  char text[STATE_TEXT];
  char path[RP_PATH_MAX];
  struct rp_jw w;
  rp_jw_init(&w, text, sizeof(text), 0);
  rp_jw_obj(&w);
  put(&w, "id", st->id), put(&w, "bundle", st->bundle), put(&w, "rootfs", st->rootfs);
  put(&w, "fw", st->fw), put(&w, "fw_resolved", st->fw_resolved), put(&w, "fw_staged", st->fw_staged);
  put(&w, "processor", st->proc_name), put(&w, "device", st->proc_dev), put(&w, "log", st->log);
  put(&w, "phase", rp_phase_name(st->phase)), put(&w, "created", st->created), put(&w, "cgroup", st->cgroup);
  rp_jw_kbool(&w, "sandbox", st->sandbox), rp_jw_kbool(&w, "rsc", st->rsc), rp_jw_kint(&w, "mounts", st->mounts);
  rp_jw_kint(&w, "pid", st->pid), rp_jw_kint(&w, "creator", st->creator);
  rp_jw_kint(&w, "pid_start", (long long)st->pid_start);
  rp_jw_kint(&w, "creator_start", (long long)st->creator_start);
  rp_jw_kint(&w, "root_dev", (long long)st->root_id[0]), rp_jw_kint(&w, "root_ino", (long long)st->root_id[1]);
  rp_jw_kint(&w, "fw_dev", (long long)st->fw_id[0]), rp_jw_kint(&w, "fw_ino", (long long)st->fw_id[1]);
  rp_jw_end(&w);
  int n = rp_jw_finish(&w);
  if (n < 0) return rp_errf(e, E2BIG, "state of container %s is too large", st->id);
  if (rp_path_join(path, sizeof(path), st->dir, "state.json")) return rp_errf(e, ENAMETOOLONG, "path too long");
  return rp_fs_write_atomic(path, text, (size_t)n, 0600, e);
}

static int field(const struct rp_json *j, const char *key, char *buf, size_t cap)
{
  int t = rp_json_get(j, 0, key);
  if (t < 0) {
    buf[0] = 0;
    return 0;
  }
  return rp_json_str(j, t, buf, cap) < 0 ? -1 : 0;
}

static int number(const struct rp_json *j, const char *key, unsigned long long *out)
{
  long long v;
  int t = rp_json_get(j, 0, key);
  if (t < 0 || rp_json_int(j, t, &v) || v < 0) return -1;
  *out = (unsigned long long)v;
  return 0;
}

// A pinned identity (rp_state.root_id, fw_id): 0 when a state written
// before them has none, which pins nothing.
static int pin(const struct rp_json *j, const char *key, unsigned long long *out)
{
  *out = 0;
  return rp_json_get(j, 0, key) < 0 ? 0 : number(j, key, out);
}

static const char *const phase_names[RP_PHASES] = {"creating", "created", "starting", "started"};

const char *rp_phase_name(enum rp_phase p) { return (unsigned)p < RP_PHASES ? phase_names[p] : "unknown"; }

// A word no command writes makes the state unreadable, as a damaged file.
static int phase(const struct rp_json *j, enum rp_phase *p)
{
  char word[12];
  if (field(j, "phase", word, sizeof(word))) return 1;
  for (int i = 0; i < RP_PHASES; i++)
    if (!strcmp(word, phase_names[i])) return *p = (enum rp_phase)i, 0;
  return 1;
}

static int decode(const char *text, size_t len, struct rp_state *st)
{
  jsmntok_t toks[64];
  struct rp_json j;
  unsigned long long pid, creator;
  if (rp_json_parse(&j, "state.json", text, len, toks, 64, NULL)) return -1;
  int bad = field(&j, "bundle", st->bundle, sizeof(st->bundle)) |
            field(&j, "rootfs", st->rootfs, sizeof(st->rootfs)) | field(&j, "fw", st->fw, sizeof(st->fw)) |
            field(&j, "fw_resolved", st->fw_resolved, sizeof(st->fw_resolved)) |
            field(&j, "fw_staged", st->fw_staged, sizeof(st->fw_staged)) |
            field(&j, "processor", st->proc_name, sizeof(st->proc_name)) |
            field(&j, "device", st->proc_dev, sizeof(st->proc_dev)) |
            field(&j, "log", st->log, sizeof(st->log)) | phase(&j, &st->phase) |
            field(&j, "created", st->created, sizeof(st->created)) |
            field(&j, "cgroup", st->cgroup, sizeof(st->cgroup)) | number(&j, "pid", &pid) |
            number(&j, "creator", &creator) | number(&j, "pid_start", &st->pid_start) |
            number(&j, "creator_start", &st->creator_start) | pin(&j, "root_dev", &st->root_id[0]) |
            pin(&j, "root_ino", &st->root_id[1]) | pin(&j, "fw_dev", &st->fw_id[0]) | pin(&j, "fw_ino", &st->fw_id[1]);
  int sb = rp_json_get(&j, 0, "sandbox"), rsc = rp_json_get(&j, 0, "rsc"), mn = rp_json_get(&j, 0, "mounts");
  long long mounts = 0;
  if (bad || sb < 0 || rp_json_bool(&j, sb, &st->sandbox)) return -1;
  if (rsc >= 0 && rp_json_bool(&j, rsc, &st->rsc)) return -1;
  if (mn >= 0 && (rp_json_int(&j, mn, &mounts) || mounts < 0 || mounts > 64)) return -1;
  st->mounts = (int)mounts;
  st->pid = (int)pid;
  st->creator = (int)creator;
  return 0;
}

int rp_state_read(const char *root, const char *id, struct rp_state *st, struct rp_err *e)
{
  char text[STATE_TEXT];
  char path[RP_PATH_MAX];
  memset(st, 0, sizeof(*st));
  int r = rp_state_locate(root, id, st, e);
  if (r) return r;
  if (rp_path_join(path, sizeof(path), st->dir, "state.json")) return rp_errf(e, ENAMETOOLONG, "path too long");
  int n = rp_fs_read(path, text, sizeof(text), e);
  if (n == -ENOENT || n == -ENOTDIR) return rp_errf(e, ENOENT, "container %s does not exist in %s", id, root);
  if (n < 0) return n;
  if (decode(text, (size_t)n, st))
    return rp_errf(e, EINVAL, "state of container %s is damaged (%s)", id, path);
  return 0;
}

int rp_state_lock(const struct rp_state *st, struct rp_err *e)
{
  int fd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {  // st->dir is <root>/<key>: name the root
      const char *key = strrchr(st->dir, '/');
      int n = key && key > st->dir ? (int)(key - st->dir) : 1;
      return rp_errf(e, ENOENT, "container %s does not exist in %.*s", st->id, n, st->dir);
    }
    return rp_errf(e, errno, "cannot open %s: %s", st->dir, strerror(errno));
  }
  while (flock(fd, LOCK_EX) < 0)
    if (errno != EINTR) {
      int err = errno;
      close(fd);
      return rp_errf(e, err, "cannot lock container %s: %s", st->id, strerror(err));
    }
  return fd;
}

// The proxy leaves "started" once the processor runs its firmware.
static int started(const struct rp_state *st)
{
  char path[RP_PATH_MAX];
  return !rp_path_join(path, sizeof(path), st->dir, "started") && !access(path, F_OK);
}

// The proxy alone watches the processor, and ends within a tick of a crash,
// an outside stop or a failed recovery; until then it is trusted, but for
// what sysfs settles at once (the proxy may be stopped, or slow): someone
// else's firmware, or offline or crashed where no kernel recovery can be
// going on (recovery disabled, or, for firmware with a resource table,
// trace0 gone: a kernel recovery keeps it, a user's stop removes it). The
// proxy applies the same rule (rp_rproc_may_recover), with a time limit.
static int processor_lost(const struct rp_state *st)
{
  struct rp_rproc p = {0};
  char v[RP_FW_NAME_MAX], trace[RP_PATH_MAX];
  rp_strlcpy(p.dev, st->proc_dev, sizeof(p.dev));
  int s = rp_rproc_state(&p, NULL);
  if (s < 0 || s == RP_RS_UNKNOWN) return 0;  // unreadable, or not settled: trust the live proxy
  if (rp_rproc_read(&p, "firmware", v, sizeof(v), NULL) >= 0 && strcmp(v, st->fw_staged)) return 1;
  if (s == RP_RS_RUNNING || s == RP_RS_ATTACHED) return 0;
  int known = st->rsc && !rp_rproc_trace_path(&p, trace, sizeof(trace));
  return !rp_rproc_may_recover(&p, s, st->rsc, known ? trace : NULL);
}

enum rp_status rp_state_status(const struct rp_state *st)
{
  if (st->phase == RP_PH_CREATING)
    return rp_proc_alive(st->creator, st->creator_start) ? RP_ST_CREATING : RP_ST_STOPPED;
  if (!rp_proc_alive(st->pid, st->pid_start)) return RP_ST_STOPPED;
  if (!started(st)) return RP_ST_CREATED;
  return !st->sandbox && processor_lost(st) ? RP_ST_STOPPED : RP_ST_RUNNING;
}

const char *rp_status_name(enum rp_status s)
{
  static const char *const n[] = {"creating", "created", "running", "stopped"};
  return (unsigned)s < 4 ? n[s] : "unknown";
}

int rp_state_exit(const struct rp_state *st, int *code, char *reason, size_t cap)
{
  char path[RP_PATH_MAX], buf[RP_ERR_MSG + 32];  // as the proxy writes it
  unsigned long long v;
  const char *rest;
  if (rp_path_join(path, sizeof(path), st->dir, "exit") || rp_fs_read(path, buf, sizeof(buf), NULL) < 0)
    return -ENOENT;
  if (rp_num_prefix(buf, 255, &v, &rest) || *rest != ' ') return -ENOENT;
  *code = (int)v;
  rp_strlcpy(reason, rest + 1, cap);
  reason[strcspn(reason, "\n")] = 0;
  return 0;
}

int rp_state_each(const char *root, int (*fn)(const struct rp_state *, void *), void *arg,
                  struct rp_err *e)
{
  static struct rp_state st;
  static char id[RP_ID_MAX + 1], full[STATE_TEXT];
  struct rp_dir d;
  int r = rp_dir_open(&d, AT_FDCWD, root);
  if (r == -ENOENT) return 0;
  if (r) return rp_errf(e, -r, "cannot list %s: %s", root, strerror(-r));
  for (const char *name; !r && (name = rp_dir_next(&d));) {
    char path[RP_PATH_MAX];
    if (name[0] == '.') continue;
    if (name[0] != '~') {
      rp_strlcpy(id, name, sizeof(id));
    } else {  // a hashed key: the id is inside state.json
      struct rp_json j;
      jsmntok_t t[64];
      int n = rp_path_join(path, sizeof(path), root, name) ? -1 : 0;
      if (!n) n = rp_path_join(path, sizeof(path), path, "state.json") ? -1 : 0;
      if (!n) n = rp_fs_read(path, full, sizeof(full), NULL);
      if (n < 0 || rp_json_parse(&j, "state.json", full, (size_t)n, t, 64, NULL) ||
          rp_json_str(&j, rp_json_get(&j, 0, "id"), id, sizeof(id)) < 0)
        continue;
    }
    if (rp_state_read(root, id, &st, NULL) == 0) r = fn(&st, arg);
  }
  rp_dir_close(&d);
  return r;
}
