// trace.h - follow a processor's firmware log (debugfs trace0)
//
// trace0 exists only while the firmware runs and is recreated when the
// kernel restarts the processor; its content is the firmware's trace buffer
// up to the first NUL. A follower remembers how much it has delivered and
// starts over when the file vanished or shrank.

#ifndef RP_TRACE_H
#define RP_TRACE_H

#include <stddef.h>

#include "rproc.h"

struct rp_trace {
  char path[256];
  int fd;
  long long off;
  char head[32];  // first bytes delivered: a changed head means a new buffer
  int headlen;
  char last;      // the byte delivered last, at off - 1
};

int rp_trace_init(struct rp_trace *t, const struct rp_rproc *p);

// Copy up to cap bytes of new log text into buf (cap >= 2). Returns the
// count (0 when nothing is new) or -ENOENT while trace0 does not exist. Two
// preads when the file is open: the text, and the head it started with.
int rp_trace_poll(struct rp_trace *t, char *buf, size_t cap);

void rp_trace_close(struct rp_trace *t);

#endif
