// opt.c - reentrant option parser (see opt.h)

#include "opt.h"
#include "fmt.h"

#include <stdio.h>
#include <string.h>

void rp_getopt_init(struct rp_getopt *g, int argc, char **argv, int first,
                    const struct rp_option *opts, int flags)
{
  memset(g, 0, sizeof(*g));
  g->argc = argc;
  g->argv = argv;
  g->opts = opts;
  g->flags = flags;
  g->ind = first;
}

static const struct rp_option *by_name(const struct rp_option *o, const char *s, size_t n)
{
  for (; o->id; o++)
    if (o->name && strlen(o->name) == n && !strncmp(o->name, s, n)) return o;
  return NULL;
}

static const struct rp_option *by_letter(const struct rp_option *o, char c)
{
  for (; o->id; o++)
    if (o->letter && o->letter == c) return o;
  return NULL;
}

static int take_value(struct rp_getopt *g, const struct rp_option *o)
{
  if (g->ind >= g->argc) return RP_OPT_EMISSING;
  g->arg = g->argv[g->ind++];
  return o->id;
}

static int long_opt(struct rp_getopt *g, const char *s)
{
  const char *eq = strchr(s, '=');
  size_t n = eq ? (size_t)(eq - s) : strlen(s);
  const struct rp_option *o = by_name(g->opts, s, n);
  char *cut = strchr(g->bad, '=');
  if (cut) *cut = 0;  // messages name the option, not the value given
  if (!o) return RP_OPT_EUNKNOWN;
  g->arg = eq ? eq + 1 : NULL;
  if (o->arg == RP_OPT_VALUE) return eq ? o->id : take_value(g, o);
  if (eq && !(g->flags & RP_OPT_GOSTYLE)) return RP_OPT_EEXTRA;
  return o->id;
}

static int short_opt(struct rp_getopt *g)
{
  char c = *g->cluster++;
  const struct rp_option *o = by_letter(g->opts, c);
  rp_snprintf(g->bad, sizeof(g->bad), "-%c", c);
  if (!o) return RP_OPT_EUNKNOWN;
  g->arg = NULL;
  if (o->arg == RP_OPT_FLAG) return o->id;
  if (*g->cluster) {  // -bVALUE
    g->arg = g->cluster;
    g->cluster = NULL;
    return o->id;
  }
  g->cluster = NULL;
  return take_value(g, o);
}

int rp_getopt_next(struct rp_getopt *g)
{
  if (g->cluster && *g->cluster) return short_opt(g);
  g->cluster = NULL;
  if (g->ind >= g->argc) return RP_OPT_END;
  const char *a = g->argv[g->ind];
  int is_opt = !g->operands_only && a[0] == '-' && a[1];
  if (!is_opt) {
    if (g->flags & RP_OPT_INORDER) return RP_OPT_END;
    g->arg = a;
    g->ind++;
    return RP_OPT_OPERAND;
  }
  g->ind++;
  rp_snprintf(g->bad, sizeof(g->bad), "%s", a);
  if (!strcmp(a, "--")) {
    g->operands_only = 1;
    if (g->flags & RP_OPT_INORDER) return RP_OPT_END;
    return rp_getopt_next(g);
  }
  if (a[1] == '-') return long_opt(g, a + 2);
  if (g->flags & RP_OPT_GOSTYLE) return long_opt(g, a + 1);
  g->cluster = a + 1;
  return short_opt(g);
}

void rp_getopt_error(const struct rp_getopt *g, int rc, char *buf, int cap)
{
  const char *what = rc == RP_OPT_EMISSING ? "option %s needs a value"
                     : rc == RP_OPT_EEXTRA ? "option %s takes no value"
                                           : "unknown option %s";
  rp_snprintf(buf, (size_t)cap, what, g->bad);
}
