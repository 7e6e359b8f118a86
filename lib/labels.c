// labels.c - node-feature-discovery feature file (see labels.h)

#include "labels.h"
#include "board.h"
#include "claim.h"
#include "fs.h"
#include "path.h"
#include "rproc.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#define LABEL_MAX 63   // Kubernetes: a label value and a key's name part

static int alnum(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// s as a label value: other characters become '_', at most LABEL_MAX, and
// it begins and ends with a letter or digit (empty when none is left).
static void label_value(const char *s, char *out)
{
  size_t n = 0;
  while (*s && !alnum(*s)) s++;
  for (; *s && n < LABEL_MAX; s++) out[n++] = alnum(*s) || strchr("-_.", *s) ? *s : '_';
  while (n && !alnum(out[n - 1])) n--;
  out[n] = 0;
}

struct out {
  char *buf;
  size_t cap, len;
  int full;
};

static void line(struct out *o, const char *name, const char *raw)
{
  char v[LABEL_MAX + 1];
  label_value(raw, v);
  if (!v[0] || o->full) return;
  if (rp_fmt(o->buf + o->len, o->cap - o->len, "rprocbox/%s=%s\n", name, v)) o->full = 1;
  else o->len += strlen(o->buf + o->len);
}

// free, held or the processor's state (see labels.h).
static const char *availability(const struct rp_rproc *p)
{
  struct rp_claim c;
  if (rp_claim_holder(p, &c, NULL) > 0) return "held";
  return rp_rproc_state(p, NULL) == RP_RS_OFFLINE ? "free" : p->state;
}

// One feature per processor, named after it; a name two processors share
// (or none has) names the second by its device, as the runtime accepts both.
static void processors(struct out *o, const struct rp_rproc *all, int n)
{
  char name[LABEL_MAX + 1], key[LABEL_MAX + 8], seen[RP_RPROC_MAX][LABEL_MAX + 1];
  for (int i = 0; i < n; i++) {
    label_value(all[i].name, name);
    for (int k = 0; k < i && name[0]; k++)
      if (!strcmp(seen[k], name)) name[0] = 0;
    if (!name[0]) label_value(all[i].dev, name);
    memcpy(seen[i], name, sizeof(name));
    rp_fmt(key, sizeof(key), "mcu.%s", name);
    line(o, key, availability(&all[i]));
  }
}

int rp_labels_render(char *buf, size_t cap, struct rp_err *e)
{
  static struct rp_rproc all[RP_RPROC_MAX];
  struct rp_board b;
  struct out o = {buf, cap, 0, 0};
  int n = rp_rproc_list(all, RP_RPROC_MAX, e);
  if (n < 0) return n;
  if (cap) buf[0] = 0;
  rp_board_read(&b, NULL);
  // Pods can run here only with the shim: the boot profile has none.
  if (CFG_SHIM) line(&o, "remoteproc", "true");
  line(&o, "board.model", b.model);
  line(&o, "board.compatible", b.compat_len ? b.compat : "");
  processors(&o, all, n);
  return o.full ? rp_errf(e, EFBIG, "node features longer than %zu bytes", cap) : (int)o.len;
}

int rp_labels_write(const char *dir, char *path, size_t cap, struct rp_err *e)
{
  static char text[RP_LABELS_MAX];
  struct stat st;
  if (stat(dir, &st) || !S_ISDIR(st.st_mode))
    return rp_errf(e, ENOTDIR, "%s is not a directory (node-feature-discovery reads %s/)", dir,
                   "/" RP_LABELS_DIR);
  if (rp_path_join(path, cap, dir, RP_LABELS_FILE)) return rp_errf(e, ENAMETOOLONG, "path too long");
  int n = rp_labels_render(text, sizeof(text), e);
  return n < 0 ? n : rp_fs_write_atomic(path, text, (size_t)n, 0644, e);
}

void rp_labels_refresh(void)
{
  char dir[RP_PATH_MAX], path[RP_PATH_MAX];
  if (!CFG_LABELS) return;
  if (!rp_path(dir, sizeof(dir), RP_LABELS_DIR)) rp_labels_write(dir, path, sizeof(path), NULL);
}
