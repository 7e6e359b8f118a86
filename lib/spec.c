// spec.c - config.json reading (see spec.h)

#include "spec.h"
#include "fs.h"
#include "json.h"
#include "path.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct ctx {
  struct rp_json j;
  struct rp_spec *s;
  struct rp_err *e;  // may be NULL: callers re-reading a stored copy
  int err;           // keep()'s failure, as an errno value
};

// Unescape string token i into the arena.
static const char *keep(struct ctx *c, int i, const char *what)
{
  size_t room = sizeof(c->s->arena) - c->s->used;
  char *dst = c->s->arena + c->s->used;
  int n = room ? rp_json_str(&c->j, i, dst, room) : -E2BIG;
  if (n == -E2BIG) {
    c->err = -rp_errf(c->e, E2BIG, "config.json: too much text (at %s)", what);
    return NULL;
  }
  if (n < 0) {
    c->err = -rp_errf(c->e, EINVAL, "config.json: %s must be a string%s", what,
            rp_json_is(&c->j, i, JSMN_STRING) ? " without NUL bytes or broken escapes" : "");
    return NULL;
  }
  c->s->used += (size_t)n + 1;
  return dst;
}

static int args(struct ctx *c, int proc)
{
  int a = rp_json_get(&c->j, proc, "args");
  if (a < 0) return rp_errf(c->e, EINVAL, "config.json: process.args is missing");
  if (!rp_json_is(&c->j, a, JSMN_ARRAY))
    return rp_errf(c->e, EINVAL, "config.json: process.args must be a list");
  int n = c->j.t[a].size;
  if (n != 1 && !c->s->sandbox)
    return rp_errf(c->e, EINVAL, "config.json: process.args must hold exactly one element, the "
                   "firmware file in the container root (it holds %d)", n);
  if (n >= 1 && !(c->s->fw = keep(c, rp_json_elem(&c->j, a, 0), "process.args[0]"))) return -c->err;
  if (c->s->fw && !*c->s->fw && !c->s->sandbox)
    return rp_errf(c->e, EINVAL, "config.json: process.args[0] is empty");
  return 0;
}

// MCU= and BOARD= from the image's environment.
static int env(struct ctx *c, int proc)
{
  int list = rp_json_get(&c->j, proc, "env");
  if (list < 0) return 0;
  if (!rp_json_is(&c->j, list, JSMN_ARRAY))
    return rp_errf(c->e, EINVAL, "config.json: process.env must be a list");
  for (int i = 0; i < c->j.t[list].size; i++) {
    int t = rp_json_elem(&c->j, list, i);
    if (!rp_json_is(&c->j, t, JSMN_STRING))  // [4] was skipped unseen
      return rp_errf(c->e, EINVAL, "config.json: process.env[%d] must be a string", i);
    char head[8] = "";  // the variable's name, after JSON unescaping ("\u004dCU=" too)
    const char *v = c->j.js + c->j.t[t].start;
    if (memchr(v, '\\', (size_t)(c->j.t[t].end - c->j.t[t].start))) {
      char tmp[1024];
      if (rp_json_str(&c->j, t, tmp, sizeof(tmp)) >= 0) rp_strlcpy(head, tmp, sizeof(head));
      v = head;
    }
    if (strncmp(v, "MCU=", 4) && strncmp(v, "BOARD=", 6)) continue;
    const char *kept = keep(c, t, "process.env");
    if (!kept) return -c->err;
    if (kept[0] == 'M') c->s->mcu = kept + 4;
    else c->s->board = kept + 6;
  }
  return 0;
}

static int process(struct ctx *c)
{
  int proc = rp_json_get(&c->j, 0, "process");
  if (proc < 0) return rp_errf(c->e, EINVAL, "config.json: process is missing");
  if (!rp_json_is(&c->j, proc, JSMN_OBJECT))
    return rp_errf(c->e, EINVAL, "config.json: process must be an object");
  int t = rp_json_get(&c->j, proc, "terminal");
  if (t >= 0 && rp_json_bool(&c->j, t, &c->s->terminal))
    return rp_errf(c->e, EINVAL, "config.json: process.terminal must be true or false");
  int r = env(c, proc);
  return r ? r : args(c, proc);
}

static int annotations(struct ctx *c)
{
  int a = rp_json_get(&c->j, 0, "annotations");
  if (a < 0) return 0;
  if (!rp_json_is(&c->j, a, JSMN_OBJECT))
    return rp_errf(c->e, EINVAL, "config.json: annotations must be an object");
  if (c->j.t[a].size > RP_SPEC_ANN)
    return rp_errf(c->e, E2BIG, "config.json: more than %d annotations", RP_SPEC_ANN);
  for (int i = 0, k = a + 1; i < c->j.t[a].size; i++, k = rp_json_next(&c->j, k + 1)) {
    const char *key = keep(c, k, "an annotation name"), *val = key ? keep(c, k + 1, key) : NULL;
    if (!val) return -c->err;
    c->s->ann_key[c->s->nann] = key;
    c->s->ann_val[c->s->nann++] = val;
    if (!strcmp(key, "io.kubernetes.cri.container-type") || !strcmp(key, "io.kubernetes.cri-o.ContainerType"))
      c->s->sandbox = !strcmp(val, "sandbox");
  }
  return 0;
}

static int strings(struct ctx *c, int list, const char **out, int cap, const char *what)
{
  if (list < 0) return 0;
  if (!rp_json_is(&c->j, list, JSMN_ARRAY))
    return rp_errf(c->e, EINVAL, "config.json: %s must be a list", what);
  if (c->j.t[list].size > cap)
    return rp_errf(c->e, E2BIG, "config.json: %s has more than %d entries", what, cap);
  for (int i = 0; i < c->j.t[list].size; i++)
    if (!(out[i] = keep(c, rp_json_elem(&c->j, list, i), what))) return -c->err;
  return 0;
}

static int hook(struct ctx *c, int obj, struct rp_hook *h, const char *what)
{
  long long to = RP_HOOK_DEFAULT_TIMEOUT;
  char label[40];  // "prestart path must be a string", not "prestart must be"
  int p = rp_json_get(&c->j, obj, "path"), t = rp_json_get(&c->j, obj, "timeout");
  if (p < 0) return rp_errf(c->e, EINVAL, "config.json: %s has no path", what);
  rp_fmt(label, sizeof(label), "%s path", what);
  if (!(h->path = keep(c, p, label))) return -c->err;
  if (h->path[0] != '/') return rp_errf(c->e, EINVAL, "config.json: %s path must be absolute", what);
  if (t >= 0 && (rp_json_int(&c->j, t, &to) || to <= 0 || to > 86400))
    return rp_errf(c->e, EINVAL, "config.json: %s timeout must be a positive number of seconds", what);
  h->timeout = (int)to;
  int r = strings(c, rp_json_get(&c->j, obj, "args"), h->argv, RP_SPEC_HOOK_ARGS, what);
  if (!r) r = strings(c, rp_json_get(&c->j, obj, "env"), h->envp, RP_SPEC_HOOK_ENV, what);
  if (!r && !h->argv[0]) h->argv[0] = h->path;
  return r;
}

static int hooks(struct ctx *c)
{
  static const char *const kinds[RP_HOOK_KINDS] = {"prestart", "createRuntime", "poststart", "poststop"};
  int hs = rp_json_get(&c->j, 0, "hooks");
  if (hs < 0) return 0;
  if (!rp_json_is(&c->j, hs, JSMN_OBJECT))  // "hooks": "x" ran no hook, silently
    return rp_errf(c->e, EINVAL, "config.json: hooks must be an object");
  for (int k = 0; k < RP_HOOK_KINDS; k++) {
    int list = rp_json_get(&c->j, hs, kinds[k]);
    if (list < 0) continue;
    if (!rp_json_is(&c->j, list, JSMN_ARRAY) || c->j.t[list].size > RP_SPEC_HOOKS)
      return rp_errf(c->e, EINVAL, "config.json: hooks.%s must be a list of at most %d hooks",
                     kinds[k], RP_SPEC_HOOKS);
    for (int i = 0; i < c->j.t[list].size; i++) {
      int r = hook(c, rp_json_elem(&c->j, list, i), &c->s->hook[k][i], kinds[k]);
      if (r) return r;
      c->s->nhook[k]++;
    }
  }
  return 0;
}

static const struct { const char *name; int flag; } ns_types[] = {
    {"pid", CLONE_NEWPID}, {"network", CLONE_NEWNET}, {"mount", CLONE_NEWNS}, {"ipc", CLONE_NEWIPC},
    {"uts", CLONE_NEWUTS}, {"user", CLONE_NEWUSER},   {"cgroup", CLONE_NEWCGROUP},
    {"time", 0x80},  // CLONE_NEWTIME
};

static int ns_type(const char *t)
{
  for (unsigned i = 0; i < sizeof(ns_types) / sizeof(*ns_types); i++)
    if (!strcmp(ns_types[i].name, t)) return ns_types[i].flag;
  return -1;
}

const char *rp_spec_ns_name(int flag)
{
  for (unsigned i = 0; i < sizeof(ns_types) / sizeof(*ns_types); i++)
    if (ns_types[i].flag == flag) return ns_types[i].name;
  return "unknown";
}

static int namespaces(struct ctx *c)
{
  int list = rp_json_path(&c->j, 0, "linux.namespaces");
  if (list < 0) return 0;
  if (!rp_json_is(&c->j, list, JSMN_ARRAY) || c->j.t[list].size > RP_SPEC_NS)
    return rp_errf(c->e, EINVAL, "config.json: linux.namespaces must be a list of at most %d", RP_SPEC_NS);
  for (int i = 0; i < c->j.t[list].size; i++) {
    int o = rp_json_elem(&c->j, list, i), t = rp_json_get(&c->j, o, "type"), p = rp_json_get(&c->j, o, "path");
    const char *type = t >= 0 ? keep(c, t, "linux.namespaces[].type") : NULL;
    if (!type) return rp_errf(c->e, EINVAL, "config.json: linux.namespaces[%d] has no type", i);
    struct rp_ns *ns = &c->s->ns[c->s->nns++];
    if ((ns->type = ns_type(type)) < 0)
      return rp_errf(c->e, EINVAL, "config.json: unknown namespace type %s", type);
    if (p >= 0 && !(ns->path = keep(c, p, "linux.namespaces[].path"))) return -c->err;
    if (ns->path && !*ns->path) ns->path = NULL;
  }
  return 0;
}

// linux.cgroupsPath as written; cgroup.c checks and resolves it at create.
static int cgroups_path(struct ctx *c)
{
  int t = rp_json_path(&c->j, 0, "linux.cgroupsPath");
  if (t >= 0 && !(c->s->cgroups_path = keep(c, t, "linux.cgroupsPath"))) return -EINVAL;
  if (c->s->cgroups_path && !*c->s->cgroups_path) c->s->cgroups_path = NULL;
  return 0;
}

static int root(struct ctx *c)
{
  int r = rp_json_path(&c->j, 0, "root.path");
  int v = rp_json_get(&c->j, 0, "ociVersion");
  if (v >= 0 && rp_json_str(&c->j, v, c->s->version, sizeof(c->s->version)) < 0)
    return rp_errf(c->e, EINVAL, "config.json: ociVersion must be a short string");
  int o = rp_json_get(&c->j, 0, "root");
  if (o >= 0 && !rp_json_is(&c->j, o, JSMN_OBJECT))  // was "root.path is missing"
    return rp_errf(c->e, EINVAL, "config.json: root must be an object");
  if (r < 0) return rp_errf(c->e, EINVAL, "config.json: root.path is missing");
  if (!(c->s->root = keep(c, r, "root.path"))) return -c->err;
  if (!*c->s->root) return rp_errf(c->e, EINVAL, "config.json: root.path is empty");
  return 0;
}

int rp_spec_parse(const char *js, size_t len, struct rp_spec *s, struct rp_err *e)
{
  // Tokens live in an anonymous mapping released right after, so a
  // long-lived caller (the shim) keeps no large buffer resident.
  size_t tsize = RP_SPEC_TOKENS * sizeof(jsmntok_t);
  jsmntok_t *toks = mmap(NULL, tsize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (toks == MAP_FAILED) return rp_errf(e, ENOMEM, "cannot map memory for config.json: %s", strerror(errno));
  struct ctx c = {.s = s, .e = e};
  memset(s, 0, offsetof(struct rp_spec, arena));
  int r = rp_json_parse(&c.j, "config.json", js, len, toks, RP_SPEC_TOKENS, e);
  if (!r && !rp_json_is(&c.j, 0, JSMN_OBJECT)) r = rp_errf(e, EINVAL, "config.json must hold a JSON object");
  if (!r) r = root(&c);
  if (!r) r = annotations(&c);  // first: a sandbox changes what process must hold
  if (!r) r = process(&c);
  if (!r) r = hooks(&c);
  if (!r) r = namespaces(&c);
  if (!r) r = cgroups_path(&c);
  munmap(toks, tsize);
  return r;
}

int rp_spec_load(const char *bundle, struct rp_spec *s, struct rp_err *e)
{
  char path[RP_PATH_MAX];
  if (rp_path_join(path, sizeof(path), bundle, "config.json"))
    return rp_errf(e, ENAMETOOLONG, "bundle path too long");
  char *buf = mmap(NULL, RP_SPEC_BYTES + 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (buf == MAP_FAILED) return rp_errf(e, ENOMEM, "cannot map memory for config.json: %s", strerror(errno));
  int n = rp_fs_read(path, buf, RP_SPEC_BYTES + 1, e);
  int r = n < 0 ? n : rp_spec_parse(buf, (size_t)n, s, e);
  munmap(buf, RP_SPEC_BYTES + 1);
  return r;
}

const char *rp_spec_annotation(const struct rp_spec *s, const char *key)
{
  for (int i = 0; i < s->nann; i++)
    if (!strcmp(s->ann_key[i], key)) return s->ann_val[i];
  return NULL;
}

const char *rp_spec_processor(const struct rp_spec *s)
{
  const char *p = rp_spec_annotation(s, "remoteproc.name");
  return p && *p ? p : s->mcu && *s->mcu ? s->mcu : NULL;
}

const char *rp_spec_board(const struct rp_spec *s)
{
  const char *b = rp_spec_annotation(s, "remoteproc.board");
  return b && *b ? b : s->board && *s->board ? s->board : NULL;
}
