// boot.c - rproc boot: config parsing and bringing one processor up

#include "boot.h"
#include "claim.h"
#include "elf.h"
#include "path.h"
#include "proc.h"
#include "rpmsg.h"
#include "stage.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct ctx {
  const struct rp_json *j;
  const char *what;
  struct rp_err *e;
};

static int get_str(const struct ctx *c, int obj, const char *key, char *buf, size_t cap,
                   const char *where)
{
  int v = rp_json_get(c->j, obj, key);
  if (v < 0) return 0;
  int n = rp_json_str(c->j, v, buf, cap);
  if (n == -E2BIG) return rp_errf(c->e, E2BIG, "%s: %s%s is too long", c->what, where, key);
  if (n < 0) return rp_errf(c->e, EINVAL, "%s: %s%s must be a string", c->what, where, key);
  return 0;
}

static int get_int(const struct ctx *c, int obj, const char *key, int *out, int lo, int hi,
                   const char *where)
{
  long long v;
  int t = rp_json_get(c->j, obj, key);
  if (t < 0) return 0;
  if (rp_json_int(c->j, t, &v) || v < lo || v > hi)
    return rp_errf(c->e, EINVAL, "%s: %s%s must be a whole number from %d to %d", c->what, where,
                   key, lo, hi);
  *out = (int)v;
  return 0;
}

// Reject keys we do not know: a typo must not silently change behaviour.
static int known_keys(const struct ctx *c, int obj, const char *const *keys, const char *where)
{
  for (int i = 0, k = obj + 1; i < c->j->t[obj].size; i++, k = rp_json_next(c->j, k + 1)) {
    char name[64];
    int ok = 0, n = rp_json_str(c->j, k, name, sizeof(name));
    if (n == -E2BIG) memcpy(name + sizeof(name) - 4, "...", 4);  // a long unknown key, cut
    else if (n < 0) name[0] = 0;
    for (const char *const *p = keys; *p; p++) ok |= !strcmp(*p, name);
    if (!ok)  // where is "processors[N]." or "the top level"
      return rp_errf(c->e, EINVAL, "%s: unknown key \"%s\" in %.*s", c->what, name,
                     (int)strcspn(where, "."), where);
  }
  return 0;
}

static int policy(const struct ctx *c, int obj, struct rp_boot_entry *en, const char *where)
{
  char p[16] = "continue";
  int r = get_str(c, obj, "on_failure", p, sizeof(p), where);
  if (r) return r;
  if (!strcmp(p, "continue")) en->on_failure = RP_BOOT_CONTINUE;
  else if (!strcmp(p, "abort")) en->on_failure = RP_BOOT_ABORT;
  else if (!strcmp(p, "retry")) en->on_failure = RP_BOOT_RETRY;
  else return rp_errf(c->e, EINVAL, "%s: %son_failure must be continue, abort or retry", c->what, where);
  if (en->recovery[0] && strcmp(en->recovery, "enabled") && strcmp(en->recovery, "disabled"))
    return rp_errf(c->e, EINVAL, "%s: %srecovery must be enabled or disabled", c->what, where);
  return 0;
}

static int entry(const struct ctx *c, int obj, int idx, struct rp_boot_entry *en)
{
  static const char *const keys[] = {"name", "firmware", "board", "order", "timeout_ms",
                                     "on_failure", "retries", "recovery", "coredump", "wait_rpmsg", NULL};
  char where[32];
  rp_fmt(where, sizeof(where), "processors[%d].", idx);
  if (!rp_json_is(c->j, obj, JSMN_OBJECT))
    return rp_errf(c->e, EINVAL, "%s: processors[%d] must be an object", c->what, idx);
  *en = (struct rp_boot_entry){.order = idx, .timeout_ms = 10000, .retries = 2};
  int r = known_keys(c, obj, keys, where);
  if (!r) r = get_str(c, obj, "name", en->proc, sizeof(en->proc), where);
  if (!r) r = get_str(c, obj, "firmware", en->firmware, sizeof(en->firmware), where);
  if (!r) r = get_str(c, obj, "board", en->board, sizeof(en->board), where);
  if (!r) r = get_str(c, obj, "recovery", en->recovery, sizeof(en->recovery), where);
  if (!r) r = get_str(c, obj, "coredump", en->coredump, sizeof(en->coredump), where);
  if (!r) r = get_str(c, obj, "wait_rpmsg", en->wait_rpmsg, sizeof(en->wait_rpmsg), where);
  if (!r && en->wait_rpmsg[0] && !CFG_RUNTIME)
    r = rp_errf(c->e, EINVAL, "%s: %swait_rpmsg: no rpmsg in this build (profile " CFG_PROFILE ")", c->what, where);
  if (!r) r = get_int(c, obj, "order", &en->order, -1000000, 1000000, where);
  if (!r) r = get_int(c, obj, "timeout_ms", &en->timeout_ms, 1, 600000, where);
  if (!r) r = get_int(c, obj, "retries", &en->retries, 0, 100, where);
  if (!r) r = policy(c, obj, en, where);
  if (r) return r;
  if (!en->proc[0]) return rp_errf(c->e, EINVAL, "%s: %sname is missing", c->what, where);
  if (!en->firmware[0]) return rp_errf(c->e, EINVAL, "%s: %sfirmware is missing", c->what, where);
  if (rp_stage_printable(en->firmware, c->e)) return rp_errwrap(c->e, "%s: %sfirmware", c->what, where);
  if (en->firmware[0] != '/' && !rp_path_safe_rel(en->firmware))
    return rp_errf(c->e, EINVAL, "%s: %sfirmware must be an absolute path or a name in the "
                   "firmware directory (no . or .. parts)", c->what, where);
  return 0;
}

static void sort_by_order(struct rp_boot_cfg *cfg)
{
  for (int i = 1; i < cfg->n; i++) {  // insertion sort: stable, n <= 16
    struct rp_boot_entry t = cfg->e[i];
    int k = i;
    for (; k > 0 && cfg->e[k - 1].order > t.order; k--) cfg->e[k] = cfg->e[k - 1];
    cfg->e[k] = t;
  }
}

int rp_boot_parse(const char *js, size_t len, const char *what, jsmntok_t *toks, int ntoks,
                  struct rp_boot_cfg *cfg, struct rp_err *e)
{
  static const char *const keys[] = {"board", "processors", NULL};
  struct rp_json j;
  struct ctx c = {&j, what, e};
  memset(cfg, 0, sizeof(*cfg));
  int r = rp_json_parse(&j, what, js, len, toks, ntoks, e);
  if (r) return r;
  if (!rp_json_is(&j, 0, JSMN_OBJECT)) return rp_errf(e, EINVAL, "%s must hold a JSON object", what);
  r = known_keys(&c, 0, keys, "the top level");
  if (!r) r = get_str(&c, 0, "board", cfg->board, sizeof(cfg->board), "");
  if (r) return r;
  int list = rp_json_get(&j, 0, "processors");
  if (!rp_json_is(&j, list, JSMN_ARRAY))
    return rp_errf(e, EINVAL, "%s: \"processors\" must be a list", what);
  if (j.t[list].size > RP_BOOT_MAX)
    return rp_errf(e, E2BIG, "%s lists %d processors, at most %d are supported", what,
                   j.t[list].size, RP_BOOT_MAX);
  for (int i = 0; i < j.t[list].size; i++) {
    r = entry(&c, rp_json_elem(&j, list, i), i, &cfg->e[i]);
    if (r) return r;
    cfg->n++;
  }
  sort_by_order(cfg);
  return 0;
}

static int still_starting(const struct rp_rproc *p, int timeout_ms, struct rp_err *e)
{
  return rp_errf(e, ETIMEDOUT, "%s did not start within %d ms: the kernel is still starting it", p->name,
                 timeout_ms);
}

// The start write, bounded: a child process writes "start" and sends the
// outcome back through a pipe. When the time is up the child is left to
// finish in the kernel (nothing can cancel a driver's start op).
static int start_bounded(const struct rp_rproc *p, int timeout_ms, struct rp_err *e)
{
  struct rp_err ce = {0};
  int fd[2];
  if (pipe(fd)) return rp_errf(e, errno, "cannot create a pipe: %s", strerror(errno));
  pid_t pid = _Fork();  // not fork(): no atfork handlers to run, and much smaller
  if (pid == 0) {
    for (int i = 0; i < 3; i++) close(i);  // a lingering child must not hold the caller's output
    close(fd[0]);
    rp_rproc_write(p, "state", "start", &ce);
    _exit(write(fd[1], &ce, sizeof(ce)) != sizeof(ce));  // < PIPE_BUF: atomic
  }
  close(fd[1]);
  if (pid < 0) {
    close(fd[0]);
    return rp_errf(e, errno, "cannot fork: %s", strerror(errno));
  }
  struct pollfd pf = {fd[0], POLLIN, 0};
  int n;
  while ((n = poll(&pf, 1, timeout_ms)) < 0 && errno == EINTR) {}
  ssize_t got = n > 0 ? read(fd[0], &ce, sizeof(ce)) : 0;
  close(fd[0]);
  if (n <= 0) return still_starting(p, timeout_ms, e);
  rp_proc_wait(pid, NULL, 0);
  if (got != (ssize_t)sizeof(ce)) return rp_errf(e, EIO, "cannot start %s: the starting process died", p->name);
  if (!ce.code) return 0;
  if (e) *e = ce;
  return -ce.code;
}

// A firmware that dies at once has not started: watch the state a moment.
// A state that is no state of the kernel's is a driver on plain files that
// has not yet answered the "start" written to it: waited out up to the
// start's bound, like a kernel still inside the write.
static int settle(const struct rp_rproc *p, const char *fw, int timeout_ms, struct rp_err *e)
{
  struct timespec tick = {0, 10 * 1000 * 1000};
  for (int waited = 0, since = -1;; waited += 10) {
    int s = rp_rproc_state(p, e);
    if (s < 0) return s;
    int pending = s == RP_RS_UNKNOWN && since < 0;
    if (pending && waited >= timeout_ms) return still_starting(p, timeout_ms, e);
    if (!pending && s != RP_RS_RUNNING && s != RP_RS_ATTACHED)
      return rp_errf(e, EIO, "%s %s right after starting firmware %s (see the kernel log)", p->name,
                     s == RP_RS_CRASHED ? "crashed" : "stopped", fw);
    if (!pending && since < 0) since = waited;
    if (since >= 0 && waited - since >= RP_BOOT_SETTLE_MS) return RP_BOOT_STARTED;
    nanosleep(&tick, NULL);
  }
}

int rp_boot_start(const struct rp_rproc *p, const char *fw, int timeout_ms, struct rp_err *e)
{
  char cur[RP_FW_NAME_MAX] = "";
  int s = rp_rproc_settled(p, timeout_ms, e);
  if (s < 0) return s;
  if (rp_rproc_read(p, "firmware", cur, sizeof(cur), NULL) < 0) cur[0] = 0;
  int same = !fw || !strcmp(cur, fw);
  if ((s == RP_RS_RUNNING || s == RP_RS_ATTACHED) && same) return RP_BOOT_ADOPTED;
  // The kernel names an attached processor's firmware "unknown": no name
  // given to start can be shown to be the one it runs.
  if (s == RP_RS_ATTACHED)
    return rp_errf(e, EBUSY, "%s is attached to firmware started before Linux, which the kernel "
                   "cannot name: stop it first to start %s", p->name, fw);
  if (s != RP_RS_OFFLINE)
    return rp_errf(e, EBUSY, "%s is %s with firmware %s%s%s: stop it first", p->name,
                   rp_rstate_name(s), cur, same ? "" : ", not ", same ? "" : fw);
  int r = same ? 0 : rp_rproc_write(p, "firmware", fw, e);
  if (!r) r = start_bounded(p, timeout_ms, e);
  return r ? r : settle(p, fw ? fw : cur, timeout_ms, e);
}

int rp_boot_find_fw(const char *name, char *path, size_t cap, struct rp_err *e)
{
  char dirs[3][RP_PATH_MAX], cand[RP_PATH_MAX], where[RP_ERR_MSG / 2];
  if (!rp_path_safe_rel(name)) return rp_errf(e, EINVAL, "no usable firmware name is set");
  int n = rp_rproc_fw_dirs(dirs, e);
  if (n < 0) return n;
  for (int i = 0; i < n; i++)
    if (!rp_path_join(cand, sizeof(cand), dirs[i], name) && !access(cand, R_OK))
      return rp_strlcpy(path, cand, cap) ? -ENAMETOOLONG : 0;
  rp_rproc_fwdir(cand, sizeof(cand), where, sizeof(where), NULL);
  return rp_errf(e, ENOENT, "firmware file %s not found in %s", name, where);
}

int rp_boot_stage(const struct rp_rproc *p, const char *file, int how, char *rel, size_t cap,
                  struct rp_err *e)
{
  char owner[64];
  rp_fmt(owner, sizeof(owner), "rproc/%s", p->dev);
  int r = rp_stage_name(owner, rp_path_base(file), rel, cap, e);
  if (r || (how & 3) == RP_BOOT_NAME) return r;
  int fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  struct rp_elf elf;
  if (fd < 0) return rp_errf(e, errno, "cannot open %s: %s", file, strerror(errno));
  r = rp_stage_fits(fd, file, e);
  if (!r) r = rp_stage_format(fd, file, how & RP_BOOT_STRICT, &elf, e);
  if (r >= 0 && (how & 3) == RP_BOOT_COPY) r = rp_stage_copy(fd, owner, rp_path_base(file), rel, cap, e);
  close(fd);
  return r > 0 ? 0 : r;
}

// The kernel's name for an entry's firmware in rel: a bare name as it is,
// an absolute path staged (when stage is set) under rproc/remoteprocN/.
static int prepare_fw(const struct rp_boot_entry *en, const struct rp_rproc *p, char *rel,
                      size_t cap, int stage, struct rp_err *e)
{
  if (en->firmware[0] != '/') return rp_strlcpy(rel, en->firmware, cap) ? -ENAMETOOLONG : 0;
  return rp_boot_stage(p, en->firmware, stage ? RP_BOOT_COPY | en->strict : RP_BOOT_NAME, rel, cap, e);
}

// A start counts once the channel the entry names exists, as with the
// runtime's remoteproc.wait-rpmsg; else the processor is taken offline
// again (a timeout, which is not retried).
static int wait_rpmsg(const struct rp_boot_entry *en, const struct rp_rproc *p, struct rp_err *e)
{
  static struct rp_rpmsg m;
  int r = rp_rpmsg_wait(p, en->wait_rpmsg, en->timeout_ms, &m, e);
  if (r) rp_rproc_stop(p, NULL);
  return r;
}

static int attempt(const struct rp_boot_entry *en, const struct rp_rproc *p, struct rp_err *e)
{
  char rel[RP_FW_NAME_MAX];
  int r = prepare_fw(en, p, rel, sizeof(rel), 0, e);
  if (r) return r;
  int s = rp_rproc_settled(p, RP_RPROC_SETTLE_MS, e);
  if (s < 0) return s;
  // An attached processor runs what the boot loader started, whose name the
  // kernel does not know: a boot entry for it is taken as that firmware.
  int adopt = (s == RP_RS_RUNNING && !strcmp(p->firmware, rel)) || s == RP_RS_ATTACHED;
  if (s == RP_RS_OFFLINE) r = prepare_fw(en, p, rel, sizeof(rel), 1, e);
  // Recovery is set on what is adopted too, never on what fails here
  // (and not while crashed: there "enabled" would recover it).
  if (!r && en->recovery[0] && (adopt || s == RP_RS_OFFLINE))
    r = rp_rproc_write(p, "recovery", en->recovery, e);
  // The kernel judges the value (and refuses any while crashed).
  if (!r && en->coredump[0] && (adopt || s == RP_RS_OFFLINE)) r = rp_rproc_write(p, "coredump", en->coredump, e);
  if (r || adopt) return r ? r : RP_BOOT_ADOPTED;
  r = rp_boot_start(p, rel, en->timeout_ms, e);
  return r || !CFG_RUNTIME || !en->wait_rpmsg[0] ? r : wait_rpmsg(en, p, e);
}

int rp_boot_entry(const struct rp_boot_entry *en, const struct rp_board *b, struct rp_rproc *p,
                  struct rp_err *e)
{
  char have[512];
  struct rp_claim c;
  if (en->board[0] && !rp_board_match(b, en->board)) {
    rp_board_describe(b, have, sizeof(have));
    return rp_errf(e, EINVAL, "board check failed: wants board \"%s\", this board is %s", en->board, have);
  }
  int r = rp_rproc_lookup(en->proc, p, e);
  if (r) return r;
  if (!en->force && rp_claim_holder(p, &c, NULL) > 0)
    return rp_errf(e, EBUSY, "%s is held by container %s; stop that container, or use --force",
                   p->name, c.id);
  int tries = en->on_failure == RP_BOOT_RETRY ? en->retries + 1 : 1;
  for (int i = 1;; i++) {
    r = attempt(en, p, e);
    if (r >= 0 || r == -ETIMEDOUT) return r;
    if (i >= tries) {
      size_t n = e && i > 1 ? strlen(e->msg) : sizeof(e->msg);
      if (n < sizeof(e->msg)) rp_fmt(e->msg + n, sizeof(e->msg) - n, " (%d attempts)", i);
      return r;
    }
    // A failed start can leave the processor crashed: stop it for the next try.
    rp_rproc_load(p->index, p, NULL);
    if (rp_rproc_state(p, NULL) == RP_RS_CRASHED) rp_rproc_stop(p, NULL);
  }
}
