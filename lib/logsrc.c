// logsrc.c - firmware log sources (see logsrc.h)

#include "logsrc.h"
#include "console.h"
#include "fmt.h"
#include "path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

// The canonical path of $RPROC_ROOT/<rel>; 0 or -1.
static int real_of(const char *rel, char *out)
{
  char p[RP_PATH_MAX];
  return rp_path(p, sizeof(p), "%s", rel) || rp_path_real(p, out, PATH_MAX) ? -1 : 0;
}

int rp_logsrc_proc_dir(const struct rp_rproc *p, char *out)
{
  char rel[64];
  rp_fmt(rel, sizeof(rel), "sys/class/remoteproc/%s", p->dev);
  return real_of(rel, out);
}

int rp_logsrc_below(const char *dir, const char *rel, char *real)
{
  size_t n = strlen(dir);
  return !real_of(rel, real) && !strncmp(real, dir, n) && real[n] == '/';
}

int rp_logsrc_tty_of(const struct rp_rproc *p, dev_t dev)
{
  char rel[RP_PATH_MAX], tty[PATH_MAX], proc[PATH_MAX], sub[PATH_MAX];
  rp_fmt(rel, sizeof(rel), "sys/dev/char/%u:%u", major(dev), minor(dev));
  if (rp_logsrc_proc_dir(p, proc) || !rp_logsrc_below(proc, rel, tty)) return 0;
  rp_fmt(rel, sizeof(rel), "sys/dev/char/%u:%u/subsystem", major(dev), minor(dev));
  return !real_of(rel, sub) && !strcmp(rp_path_base(sub), "tty");
}

int rp_logsrc_open(const char *path, const struct rp_rproc *p, struct rp_err *e)
{
  struct stat st;
  char self[64];
  int loc = open(path, O_PATH | O_CLOEXEC), fd = -1, r = 0;
  if (loc < 0) return rp_errf(e, errno, "cannot open firmware log %s: %s", path, strerror(errno));
  int fifo = !fstat(loc, &st) && S_ISFIFO(st.st_mode);
  if (fifo || (S_ISCHR(st.st_mode) && rp_logsrc_tty_of(p, st.st_rdev))) {
    // A FIFO read by its only reader ends each time its writers go (read
    // gives 0 until one comes back): held open for writing too, it never
    // ends, and a writer may come and go at any time. A tty is written
    // too (the container's stdin, proxy.c), and made raw: a cooked one
    // would echo the firmware's output back to it and hold back a prompt
    // until a newline.
    rp_fmt(self, sizeof(self), "/proc/self/fd/%d", loc);
    fd = open(self, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) r = rp_errf(e, errno, "cannot open firmware log %s: %s", path, strerror(errno));
    else rp_console_raw(fd);  // a FIFO is no tty: left as it is
  } else {
    r = rp_errf(e, EINVAL, "firmware log %s is neither a FIFO nor a tty of processor %s: nothing else is read "
            "as a firmware log", path, p->name);
  }
  close(loc);
  return r ? r : fd;
}
