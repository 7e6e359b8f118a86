// signame.c - signal name table (Linux numbering)

#include "signame.h"
#include "num.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

// Linux numbers these 1 to 31, in this order: one string, not a table of
// pointers (a third of the size).
static const char names[] = "HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT "
                            "CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO PWR SYS";

int rp_signal_parse(const char *s)
{
  unsigned long long n;
  if (!rp_num_parse(s, 64, &n)) return n >= 1 ? (int)n : -EINVAL;
  if (!strncasecmp(s, "SIG", 3)) s += 3;
  size_t len = strlen(s);
  int sig = 1;
  for (const char *p = names; *p; sig++) {
    size_t k = strcspn(p, " ");
    if (k == len && !strncasecmp(p, s, k)) return sig;
    p += k + (p[k] == ' ');
  }
  return -EINVAL;
}
