// cdi.c - the CDI spec of the rpmsg devices (see cdi.h)

#include "cdi.h"
#include "fs.h"
#include "fmt.h"
#include "path.h"
#include "rpmsg.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

// A processor name that every engine's CDI library takes as a device name
// (a letter, then [A-Za-z0-9_.:-], alphanumeric last: rarely otherwise, so
// that rule is left to them), and not "all". Another name gets no device of
// its own; its nodes are in "all".
static int name_ok(const char *s)
{
  return (unsigned)((*s | 0x20) - 'a') < 26 && !s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-")] &&
         strcmp(s, "all");
}

static char buf[32768];
static size_t len;  // past the end: too much, found at the end
static int ndev;

static void put(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void put(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  if (len < sizeof(buf)) len += (size_t)rp_vsnprintf(buf + len, sizeof(buf) - len, fmt, ap);
  va_end(ap);
}

// A device holding the nodes of processors ps[0..n), taken back when there
// are none (a device without edits is invalid). Names and paths need no
// JSON escapes: name_ok's characters, sysfs names of device nodes. Type and
// numbers are given so that an engine makes the nodes without looking at
// the host's /dev. Returns how many.
static int device(const char *name, const struct rp_rproc *ps, int n)
{
  static struct rp_rpmsg m;
  size_t at = len;
  int k = 0;
  put("%s{\"name\":\"%s\",\"containerEdits\":{\"deviceNodes\":[", ndev ? "," : "", name);
  for (int i = 0; i < n; i++)
    for (int j = 0, nn = (rp_rpmsg_scan(&ps[i], &m, 1), m.nnode); j < nn; j++) {
      char *c = strchr(m.node[j].dev, ':');  // sysfs "dev": MAJ:MIN
      if (c) *c = 0, put("%s{\"path\":\"%s\",\"type\":\"c\",\"major\":%s,\"minor\":%s}", k++ ? "," : "",
                         m.node[j].path, m.node[j].dev, c + 1);
    }
  put("]}}");
  if (!k) len = at;
  ndev += k > 0;
  return k;
}

int rp_cdi_write(const char *dir, char *path, size_t cap, struct rp_err *e)
{
  static struct rp_rproc ps[RP_RPROC_MAX];
  char def[RP_PATH_MAX], own[RP_PATH_MAX];
  if (!path) path = own, cap = sizeof(own);
  if ((!dir && rp_path(def, sizeof(def), RP_CDI_DIR)) || rp_path_join(path, cap, dir ? dir : (dir = def), RP_CDI_FILE))
    return rp_errf(e, ENAMETOOLONG, "CDI spec path too long");
  // No rpmsg device anywhere: no node to list, and no look at every
  // processor (a delete on a board without rpmsg pays one directory read).
  if (rp_rpmsg_none()) return unlink(path), 0;
  int n = rp_rproc_list(ps, RP_RPROC_MAX, e), total = 0;
  if (n < 0) return n;
  len = 0, ndev = 0;
  put("{\"cdiVersion\":\"0.3.0\",\"kind\":\"rprocbox.dev/rpmsg\",\"devices\":[");
  for (int i = 0; i < n; i++)
    if (name_ok(ps[i].name)) device(ps[i].name, &ps[i], 1);
  total = device("all", ps, n);
  put("]}\n");
  if (!total) return unlink(path), 0;  // none there already, mostly
  if (len >= sizeof(buf)) return rp_errf(e, EFBIG, "%s: too many rpmsg nodes", path);
  int r = rp_fs_mkdir_p(dir, 0755, e);
  return r ? r : rp_fs_write_atomic(path, buf, len, 0644, e) ? -e->code : total;
}
