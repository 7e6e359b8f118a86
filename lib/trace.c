// trace.c - trace0 follower (see trace.h)

#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int rp_trace_init(struct rp_trace *t, const struct rp_rproc *p)
{
  memset(t, 0, sizeof(*t));
  t->fd = -1;
  return rp_rproc_trace_path(p, t->path, sizeof(t->path));
}

void rp_trace_close(struct rp_trace *t)
{
  if (t->fd >= 0) close(t->fd);
  t->fd = -1;
}

static void restart(struct rp_trace *t)
{
  rp_trace_close(t);
  t->off = 0;
  t->headlen = 0;
}

// Same buffer as before? The firmware may have restarted and already written
// more than we had delivered, which a length check alone cannot see.
static int same_buffer(struct rp_trace *t)
{
  char h[sizeof(t->head)];
  if (!t->headlen) return 1;
  return pread(t->fd, h, (size_t)t->headlen, 0) == t->headlen && !memcmp(h, t->head, (size_t)t->headlen);
}

int rp_trace_poll(struct rp_trace *t, char *buf, size_t cap)
{
  if (t->fd < 0) {
    t->fd = open(t->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (t->fd < 0) return -ENOENT;
    t->off = 0;
  }
  ssize_t n = pread(t->fd, buf, cap, t->off);
  if (n < 0) {  // the kernel removed the file under us
    restart(t);
    return -ENOENT;
  }
  // Checked even when nothing is new: a recovered firmware's fresh log may
  // already be as long as what was delivered from the old one.
  if (t->off > 0 && (!same_buffer(t) || (n == 0 && pread(t->fd, buf, 1, t->off - 1) != 1))) {
    restart(t);  // shrank or replaced: a new firmware run, deliver it from the start
    return rp_trace_poll(t, buf, cap);
  }
  void *nul = memchr(buf, 0, (size_t)n);  // the text ends at the first NUL
  if (nul) n = (char *)nul - buf;
  if (t->off < (long long)sizeof(t->head)) {  // the head grows with the log, up to its size
    int k = (int)sizeof(t->head) - (int)t->off;
    if (k > n) k = (int)n;
    memcpy(t->head + t->off, buf, (size_t)k);
    t->headlen = (int)t->off + k;
  }
  t->off += n;
  return (int)n;
}
