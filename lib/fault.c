// fault.c - test-only fault points (see fault.h)

#include "fault.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void rp_fault(const char *step)
{
  static const char *want;
  static int looked;
  if (!looked) want = getenv("RPROC_FAULT"), looked = 1;
  if (want && !strcmp(want, step)) kill(getpid(), SIGKILL);
}
