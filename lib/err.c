// err.c - error struct helpers, bounded formatting

#include "err.h"
#include "fmt.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int rp_errf(struct rp_err *e, int code, const char *fmt, ...)
{
  if (code <= 0) code = code ? -code : EIO;
  if (e) {
    va_list ap;
    va_start(ap, fmt);
    rp_vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    va_end(ap);
    e->code = code;
  }
  return -code;
}

int rp_errwrap(struct rp_err *e, const char *fmt, ...)
{
  if (!e) return -EIO;
  char inner[RP_ERR_MSG];
  memcpy(inner, e->msg, sizeof(inner));
  va_list ap;
  va_start(ap, fmt);
  int n = rp_vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
  va_end(ap);
  if (n >= 0 && (size_t)n < sizeof(e->msg))
    rp_snprintf(e->msg + n, sizeof(e->msg) - (size_t)n, ": %s", inner);
  if (!e->code) e->code = EIO;
  return -e->code;
}

void rp_errclear(struct rp_err *e)
{
  if (!e) return;
  e->code = 0;
  e->msg[0] = 0;
}

int rp_fmt(char *buf, size_t cap, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = rp_vsnprintf(buf, cap, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= cap) return -ENAMETOOLONG;
  return 0;
}

int rp_strlcpy(char *dst, const char *src, size_t cap)
{
  size_t n = strlen(src);
  if (!cap) return -ENAMETOOLONG;
  if (n >= cap) {
    memcpy(dst, src, cap - 1);
    dst[cap - 1] = 0;
    return -ENAMETOOLONG;
  }
  memcpy(dst, src, n + 1);
  return 0;
}
