// cdi.c - the CDI spec of the rpmsg devices (see cdi.h)

#include "cdi.h"
#include "fs.h"
#include "json.h"
#include "num.h"
#include "path.h"
#include "rpmsg.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

// A processor name that is a CDI device name as every engine's CDI library
// reads it: a letter first, an alphanumeric last, [A-Za-z0-9_.:-] between,
// and never the name of the device of all of them.
static int name_ok(const char *s)
{
  size_t n = strlen(s), k = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-");
  char last = s[n - 1] | 0x20;
  return k == n && ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z') && ((last >= 'a' && last <= 'z') || (last >= '0' && last <= '9')) &&
         strcmp(s, "all");
}

// p's nodes, as deviceNodes: type and numbers given, so an engine creates
// them without looking at the host's /dev. Returns how many.
static int nodes(struct rp_jw *w, const struct rp_rproc *p)
{
  static struct rp_rpmsg m;
  unsigned long long maj, min;
  const char *rest;
  rp_rpmsg_scan(p, &m, 1);
  for (int i = 0; i < m.nnode; i++) {
    if (rp_num_prefix(m.node[i].dev, ~0u, &maj, &rest) || rp_num_parse(rest + 1, ~0u, &min)) continue;
    rp_jw_obj(w), rp_jw_kstr(w, "path", m.node[i].path), rp_jw_kstr(w, "type", "c");
    rp_jw_kint(w, "major", (long long)maj), rp_jw_kint(w, "minor", (long long)min), rp_jw_end(w);
  }
  return m.nnode;
}

// One device: processor p's nodes, or (p NULL) those of all n in ps.
static int device(struct rp_jw *w, const char *name, const struct rp_rproc *ps, int n)
{
  int k = 0;
  rp_jw_obj(w), rp_jw_kstr(w, "name", name), rp_jw_key(w, "containerEdits"), rp_jw_obj(w);
  rp_jw_key(w, "deviceNodes"), rp_jw_arr(w);
  for (int i = 0; i < n; i++) k += name_ok(ps[i].name) ? nodes(w, &ps[i]) : 0;
  rp_jw_end(w), rp_jw_end(w), rp_jw_end(w);
  return k;
}

int rp_cdi_write(const char *dir, char *path, size_t cap, struct rp_err *e)
{
  static struct rp_rproc ps[RP_RPROC_MAX];
  static char buf[32768];
  char def[RP_PATH_MAX], own[RP_PATH_MAX];
  struct rp_jw w;
  if (!path) path = own, cap = sizeof(own);
  int n = rp_rproc_list(ps, RP_RPROC_MAX, e), total = 0;
  if (n < 0) return n;
  if ((!dir && rp_path(def, sizeof(def), RP_CDI_DIR)) || rp_path_join(path, cap, dir ? dir : (dir = def), RP_CDI_FILE))
    return rp_errf(e, ENAMETOOLONG, "CDI spec path too long");
  rp_jw_init(&w, buf, sizeof(buf), 0);
  rp_jw_obj(&w), rp_jw_kstr(&w, "cdiVersion", "0.3.0"), rp_jw_kstr(&w, "kind", "rprocbox.dev/rpmsg");
  rp_jw_key(&w, "devices"), rp_jw_arr(&w);
  for (int i = 0; i < n; i++) {  // a device without nodes is invalid: taken back
    struct rp_jw was = w;
    if (name_ok(ps[i].name) && !device(&w, ps[i].name, &ps[i], 1)) w = was;
  }
  total = device(&w, "all", ps, n);
  rp_jw_end(&w), rp_jw_end(&w);
  if (!total) return unlink(path) && errno != ENOENT ? rp_errf(e, errno, "cannot remove %s: %s", path, strerror(errno)) : 0;
  int len = rp_jw_finish(&w);
  if (len < 0) return rp_errf(e, EFBIG, "too many rpmsg devices for %s", path);
  int r = rp_fs_mkdir_p(dir, 0755, e);
  return r ? r : rp_fs_write_atomic(path, buf, (size_t)len, 0644, e) ? -e->code : total;
}
