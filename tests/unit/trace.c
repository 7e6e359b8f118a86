// trace.c - unit tests of lib/trace.c: following a trace buffer through
// appends, a shrink, a rewrite under the same length, and its removal
//
// trace0 is a plain file here, rewritten the way a firmware restart leaves
// the kernel's buffer (the text up to the first NUL).

#include "unit.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "trace.h"

static char tmp[512];
static struct rp_trace t;

static int put(const char *text) { return unit_write(t.path, text, strlen(text)); }

// Everything new, concatenated, as one string ("" when nothing is new).
static const char *poll_all(char *buf, size_t cap)
{
  static char all[256];
  size_t len = 0;
  int n;
  while ((n = rp_trace_poll(&t, buf, cap)) > 0 && len + (size_t)n < sizeof(all)) {
    memcpy(all + len, buf, (size_t)n);
    len += (size_t)n;
  }
  all[len] = 0;
  return n < 0 ? "(error)" : all;
}

static int follow(void)
{
  char buf[8];
  struct rp_rproc p = {.dev = "remoteproc0"};
  check(rp_trace_init(&t, &p) == 0 && t.fd == -1);
  snprintf(t.path, sizeof(t.path), "%s/trace0", tmp);
  check(rp_trace_poll(&t, buf, sizeof(buf)) == -ENOENT);
  check(put("boot 1\n") == 0);
  check_str(poll_all(buf, sizeof(buf)), "boot 1\n");
  check_str(poll_all(buf, sizeof(buf)), "");
  check(put("boot 1\nrunning a while\n") == 0);  // longer than buf: several polls
  check_str(poll_all(buf, sizeof(buf)), "running a while\n");
  check(put("boot 2\n") == 0);  // shrank: a new run, from its start
  check_str(poll_all(buf, sizeof(buf)), "boot 2\n");
  check(put("boot 3\n") == 0);  // same length, last byte the same, head not
  check_str(poll_all(buf, sizeof(buf)), "boot 3\n");
  // Longer than the head kept: same length and head, the byte last
  // delivered not.
  check(put("boot 4: a line longer than the head.\n") == 0);
  check_str(poll_all(buf, sizeof(buf)), "boot 4: a line longer than the head.\n");
  check(put("boot 4: a line longer than the head!!") == 0);
  check_str(poll_all(buf, sizeof(buf)), "boot 4: a line longer than the head!!");
  check(put("boot 4: a line longer than the head!!\0garbage") == 0);  // the text ends at the first NUL
  check_str(poll_all(buf, sizeof(buf)), "");
  // A plain file stays readable once unlinked, unlike trace0: closed, it is gone.
  check(unlink(t.path) == 0);
  rp_trace_close(&t);
  check(rp_trace_poll(&t, buf, sizeof(buf)) == -ENOENT);
  check(rp_trace_poll(&t, buf, 1) == -EINVAL);
  rp_trace_close(&t);
  return 0;
}

int main(void)
{
  if (unit_tmpdir(tmp, sizeof(tmp), "trace")) return 1;
  RUN(follow);
  unit_rmtree(tmp);
  return unit_end();
}
