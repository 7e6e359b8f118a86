// util.c - the applets' shared policy: how to die, usage errors, version

#include "applet.h"
#include "fmt.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

const char *applet_name = "rprocbox";

static int vfoutf(FILE *f, const char *fmt, va_list ap)
{
  char buf[4096];
  int n = rp_vsnprintf(buf, sizeof(buf), fmt, ap);
  return fputs(buf, f) < 0 ? -1 : n;
}

int outf(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vfoutf(stdout, fmt, ap);
  va_end(ap);
  return n;
}

int foutf(FILE *f, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vfoutf(f, fmt, ap);
  va_end(ap);
  return n;
}

_Noreturn void die(int code, const char *fmt, ...)
{
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  rp_vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  fflush(stdout);
  rp_log_error("%s", msg);
  exit(code);
}

_Noreturn void die_err(const struct rp_err *e) { die(RP_EXIT_FAIL, "%s", e->msg); }

_Noreturn void die_usage(const char *fmt, ...)
{
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  rp_vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  die(RP_EXIT_USAGE, "%s (see '%s --help')", msg, applet_name);
}

_Noreturn void die_opt(const struct rp_getopt *g, int rc)
{
  char msg[128];
  rp_getopt_error(g, rc, msg, sizeof(msg));
  die_usage("%s", msg);
}

void print_version(const char *applet)
{
  outf("%s version %s\ncommit: %s\nspec: 1.2.0\nprofile: %s\n", applet, RP_VERSION, RP_REVISION,
         CFG_PROFILE);
}
