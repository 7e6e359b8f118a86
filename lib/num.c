// num.c - strict decimal parsing (see num.h)

#include "num.h"

#include <errno.h>

int rp_num_prefix(const char *s, unsigned long long max, unsigned long long *out,
                  const char **rest)
{
  unsigned long long v = 0;
  const char *p = s;
  for (; *p >= '0' && *p <= '9'; p++) {
    unsigned d = (unsigned)(*p - '0');
    // d > max first: max - d would wrap and let "7" through for max 5.
    if (d > max || v > (max - d) / 10) return -ERANGE;
    v = v * 10 + d;
  }
  if (p == s) return -EINVAL;
  *out = v;
  if (rest) *rest = p;
  return 0;
}

int rp_num_parse(const char *s, unsigned long long max, unsigned long long *out)
{
  const char *rest;
  int r = rp_num_prefix(s, max, out, &rest);
  return r ? r : *rest ? -EINVAL : 0;
}
