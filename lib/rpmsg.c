// rpmsg.c - rpmsg channels and nodes of a processor (see rpmsg.h)

#include "rpmsg.h"
#include "dir.h"
#include "fs.h"
#include "logsrc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// Attribute $RPROC_ROOT/<dir>/<name> into buf, without its newline.
static int read_attr(const char *dir, const char *name, char *buf, size_t cap)
{
  char path[RP_PATH_MAX];
  if (rp_path(path, sizeof(path), "%s/%s", dir, name) || rp_fs_read(path, buf, cap, NULL) < 0) return -1;
  buf[strcspn(buf, "\n")] = 0;
  return 0;
}

// Each entry of sysfs directory dir below processor directory proc, to fn
// with its relative and real path.
static void each_below(const char *proc, const char *dir, struct rp_rpmsg *m,
                       void (*fn)(struct rp_rpmsg *, const char *, const char *, const char *))
{
  static struct rp_dir d;
  char path[RP_PATH_MAX], rel[RP_PATH_MAX], real[PATH_MAX];
  if (rp_path(path, sizeof(path), "%s", dir) || rp_dir_open(&d, AT_FDCWD, path)) return;
  for (const char *n; (n = rp_dir_next(&d));)
    if (!rp_fmt(rel, sizeof(rel), "%s/%s", dir, n) && rp_logsrc_below(proc, rel, real)) fn(m, n, rel, real);
  rp_dir_close(&d);
}

static void add_chan(struct rp_rpmsg *m, const char *n, const char *rel, const char *real)
{
  int i = m->nchan;
  if (i < RP_RPMSG_MAX && !rp_strlcpy(m->dev[i], n, sizeof(m->dev[i])) &&
      !read_attr(rel, "name", m->chan[i], sizeof(m->chan[i])))
    m->nchan++;
}

// 1 when part is a whole component of path.
static int has_part(const char *path, const char *part)
{
  size_t n = strlen(part);
  for (const char *s = path; (s = strchr(s, '/')); s++)
    if (!strncmp(s + 1, part, n) && s[n + 1] == '/') return 1;
  return 0;
}

// A node's /dev name is its sysfs name: neither rpmsg_tty nor rpmsg_char
// names its nodes otherwise (no devnode, no subdirectory).
static void add_node(struct rp_rpmsg *m, const char *n, const char *rel, const char *real)
{
  struct rp_rpmsg_node *d = &m->node[m->nnode];
  if (m->nnode == RP_RPMSG_MAX || read_attr(rel, "dev", d->dev, sizeof(d->dev)) ||
      rp_fmt(d->path, sizeof(d->path), "/dev/%s", n))
    return;
  d->chan = -1;
  for (int i = 0; i < m->nchan; i++)
    if (has_part(real, m->dev[i])) d->chan = i;
  m->nnode++;
}

#define BUS "sys/bus/rpmsg/devices"

int rp_rpmsg_none(void)
{
  static struct rp_dir d;
  char path[RP_PATH_MAX];
  if (rp_path(path, sizeof(path), BUS) || rp_dir_open(&d, AT_FDCWD, path)) return 1;
  int none = !rp_dir_next(&d);
  rp_dir_close(&d);
  return none;
}

int rp_rpmsg_scan(const struct rp_rproc *p, struct rp_rpmsg *m, int nodes)
{
  char proc[PATH_MAX];
  m->nchan = m->nnode = 0;
  if (rp_rpmsg_none() || rp_logsrc_proc_dir(p, proc)) return 0;
  each_below(proc, BUS, m, add_chan);
  if (nodes) each_below(proc, "sys/class/tty", m, add_node), each_below(proc, "sys/class/rpmsg", m, add_node);
  return m->nchan;
}

int rp_rpmsg_find(const struct rp_rpmsg *m, const char *want)
{
  for (int i = 0; i < m->nchan; i++)
    if (!strcmp(want, "any") || !strcmp(want, m->chan[i])) return i;
  return -1;
}

void rp_rpmsg_names(const struct rp_rpmsg *m, char *buf, size_t cap)
{
  size_t len = 0;
  rp_strlcpy(buf, m->nchan ? "" : "none", cap);
  for (int i = 0; i < m->nchan && len < cap; i++, len = strlen(buf))
    rp_fmt(buf + len, cap - len, "%s%s", i ? ", " : "", m->chan[i]);
}

int rp_rpmsg_wait(const struct rp_rproc *p, const char *want, int timeout_ms, struct rp_rpmsg *m,
                  struct rp_err *e)
{
  struct timespec tick = {0, 50 * 1000 * 1000};
  char names[256];
  for (int t = 0; rp_rpmsg_scan(p, m, 0), rp_rpmsg_find(m, want) < 0; t += 50) {
    if (t >= timeout_ms) {
      int any = !strcmp(want, "any");
      rp_rpmsg_names(m, names, sizeof(names));
      return rp_errf(e, ETIMEDOUT, "no rpmsg channel%s%s appeared on %s within %d s (present: %s)", any ? "" : " ",
                     any ? "" : want, p->name, timeout_ms / 1000, names);
    }
    nanosleep(&tick, NULL);
  }
  return 0;
}
