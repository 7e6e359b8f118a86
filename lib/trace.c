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

// Text from off on into buf, read from one byte before off (when off > 0)
// so that the same pread sees whether the buffer still holds the byte last
// delivered there: -ESTALE when it shrank below it or that byte changed.
static ssize_t read_on(struct rp_trace *t, char *buf, size_t cap)
{
  if (!t->off) return pread(t->fd, buf, cap, 0);
  ssize_t n = pread(t->fd, buf, cap, t->off - 1);
  if (n < 0) return -errno;
  if (n == 0 || buf[0] != t->last) return -ESTALE;
  memmove(buf, buf + 1, (size_t)--n);
  return n;
}

int rp_trace_poll(struct rp_trace *t, char *buf, size_t cap)
{
  if (cap < 2) return -EINVAL;  // room for the byte before off and one more
  if (t->fd < 0) {
    t->fd = open(t->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (t->fd < 0) return -ENOENT;
    t->off = 0;
  }
  ssize_t n = read_on(t, buf, cap);
  if (n < 0 && n != -ESTALE) {  // the kernel removed the file under us
    restart(t);
    return -ENOENT;
  }
  // Checked even when nothing is new: a recovered firmware's fresh log may
  // already be as long as what was delivered.
  if (n == -ESTALE || (t->off > 0 && !same_buffer(t))) {
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
  if (n > 0) t->last = buf[n - 1];
  return (int)n;
}
