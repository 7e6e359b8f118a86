// opt.c - unit tests of lib/opt.c, the reentrant option parser
//
// Each case runs the parser to the end (or to the first error) and compares
// a trace of what it returned, so one string states the whole behaviour:
//   "a"       option with letter a (or name without letter: see tag())
//   "b=VAL"   option b with its value
//   "@X"      operand X
//   "!N:BAD"  error N (-rc) with g.bad
//   "|I"      RP_OPT_END with g.ind == I

#include "unit.h"

#include <stdarg.h>

#include "opt.h"

enum { O_ALL = 1, O_BUNDLE, O_VERBOSE, O_QUIET, O_PID };

static const struct rp_option opts[] = {
    {"all", 'a', RP_OPT_FLAG, O_ALL, NULL, NULL},
    {"bundle", 'b', RP_OPT_VALUE, O_BUNDLE, NULL, NULL},
    {"verbose", 'v', RP_OPT_FLAG, O_VERBOSE, NULL, NULL},
    {NULL, 'q', RP_OPT_FLAG, O_QUIET, NULL, NULL},
    {"pid-file", 0, RP_OPT_VALUE, O_PID, NULL, NULL},
    {NULL, 0, 0, 0, NULL, NULL},
};

static struct rp_getopt g;
static char out[512];

static const char *tag(int id)
{
  static const char *const t[] = {"?", "a", "b", "v", "q", "pid"};
  return id > 0 && id <= O_PID ? t[id] : "?";
}

// Parse the NULL-terminated arguments (argv[0] is "prog") and trace them.
static const char *trace(int flags, ...)
{
  static char *argv[32];
  va_list ap;
  int argc = 0;
  argv[argc++] = "prog";
  va_start(ap, flags);
  for (char *a; (a = va_arg(ap, char *));) argv[argc++] = a;
  va_end(ap);
  argv[argc] = NULL;
  rp_getopt_init(&g, argc, argv, 1, opts, flags);
  size_t n = 0;
  out[0] = 0;
  for (;;) {
    int r = rp_getopt_next(&g);
    const char *sp = n ? " " : "";
    if (r > 0 && g.arg) n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s=%s", sp, tag(r), g.arg);
    else if (r > 0) n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s", sp, tag(r));
    else if (r == RP_OPT_OPERAND) n += (size_t)snprintf(out + n, sizeof(out) - n, "%s@%s", sp, g.arg);
    else if (r == RP_OPT_END) n += (size_t)snprintf(out + n, sizeof(out) - n, "%s|%d", sp, g.ind);
    else n += (size_t)snprintf(out + n, sizeof(out) - n, "%s!%d:%s", sp, -r, g.bad);
    if (r == RP_OPT_END || r < RP_OPT_OPERAND) return out;
  }
}

static int test_long_options(void)
{
  check_str(trace(0, "--all", "--bundle", "dir", "op", NULL), "a b=dir @op |5");
  check_str(trace(0, "--bundle=dir", NULL), "b=dir |2");
  check_str(trace(0, "--bundle=", NULL), "b= |2");            // an empty value is a value
  check_str(trace(0, "--bundle=a=b", NULL), "b=a=b |2");      // only the first = splits
  check_str(trace(0, "--bundle", "-a", NULL), "b=-a |3");     // the next word, whatever it is
  check_str(trace(0, "--pid-file", "p", NULL), "pid=p |3");
  return 0;
}

static int test_short_options(void)
{
  check_str(trace(0, "-a", "-v", NULL), "a v |3");
  check_str(trace(0, "-avq", NULL), "a v q |2");
  check_str(trace(0, "-bVALUE", NULL), "b=VALUE |2");
  check_str(trace(0, "-abVALUE", "-q", NULL), "a b=VALUE q |3");
  check_str(trace(0, "-ab", "VALUE", "x", NULL), "a b=VALUE @x |4");
  check_str(trace(0, "-b", "-v", NULL), "b=-v |3");
  return 0;
}

static int test_missing_value(void)
{
  char msg[64];
  check_str(trace(0, "-a", "-b", NULL), "a !3:-b");
  rp_getopt_error(&g, RP_OPT_EMISSING, msg, sizeof(msg));
  check_str(msg, "option -b needs a value");
  check_str(trace(0, "-ab", NULL), "a !3:-b");
  check_str(trace(0, "--bundle", NULL), "!3:--bundle");
  rp_getopt_error(&g, RP_OPT_EMISSING, msg, sizeof(msg));
  check_str(msg, "option --bundle needs a value");
  return 0;
}

static int test_flag_with_value(void)
{
  char msg[64];
  check_str(trace(0, "--all=yes", NULL), "!4:--all");
  rp_getopt_error(&g, RP_OPT_EEXTRA, msg, sizeof(msg));
  check_str(msg, "option --all takes no value");
  check_str(trace(0, "--all=", NULL), "!4:--all");
  return 0;
}

static int test_unknown_option(void)
{
  char msg[64];
  check_str(trace(0, "--nope", NULL), "!2:--nope");
  rp_getopt_error(&g, RP_OPT_EUNKNOWN, msg, sizeof(msg));
  check_str(msg, "unknown option --nope");
  check_str(trace(0, "--nope=1", NULL), "!2:--nope");
  check_str(trace(0, "-x", NULL), "!2:-x");
  check_str(trace(0, "-axv", NULL), "a !2:-x");  // the letter, not the cluster
  rp_getopt_error(&g, RP_OPT_EUNKNOWN, msg, sizeof(msg));
  check_str(msg, "unknown option -x");
  check_str(trace(0, "--al", NULL), "!2:--al");  // no prefix matching
  check_str(trace(0, "--q", NULL), "!2:--q");    // a letter is no long name
  check_str(trace(0, "--", "--x", NULL), "@--x |3");
  return 0;
}

// g.bad is bounded; so is the message buffer.
static int test_long_bad_text(void)
{
  char longopt[200], msg[16];
  memset(longopt, 'x', sizeof(longopt) - 1);
  longopt[0] = longopt[1] = '-';
  longopt[sizeof(longopt) - 1] = 0;
  trace(0, longopt, NULL);
  check(strlen(g.bad) == sizeof(g.bad) - 1);
  check(!strncmp(g.bad, longopt, sizeof(g.bad) - 1));
  rp_getopt_error(&g, RP_OPT_EUNKNOWN, msg, sizeof(msg));
  check_str(msg, "unknown option ");
  return 0;
}

static int test_operands(void)
{
  check_str(trace(0, "op", "-a", "op2", NULL), "@op a @op2 |4");  // argv is not permuted
  check_str(trace(0, "-", NULL), "@- |2");                          // "-" is stdin, an operand
  check_str(trace(0, NULL), "|1");
  return 0;
}

static int test_double_dash(void)
{
  check_str(trace(0, "-a", "--", "-v", "--bundle", "--", NULL), "a @-v @--bundle @-- |6");
  check_str(trace(0, "--", NULL), "|2");
  check_str(trace(0, "-b", "--", "-a", NULL), "b=-- a |4");  // a value may be "--"
  return 0;
}

// Global options stop at the subcommand, which parses the rest itself.
static int test_inorder(void)
{
  check_str(trace(RP_OPT_INORDER, "-a", "create", "-v", NULL), "a |2");
  check_str(trace(RP_OPT_INORDER, "--bundle", "x", "--", "-v", NULL), "b=x |4");
  check_str(trace(RP_OPT_INORDER, "-", NULL), "|1");
  check_str(trace(RP_OPT_INORDER, "cmd", NULL), "|1");
  trace(RP_OPT_INORDER, "--all", "kill", "-b", "B", "id", NULL);
  int first = g.ind;
  char **argv = g.argv;
  struct rp_getopt sub;
  rp_getopt_init(&sub, 6, argv, first + 1, opts, 0);
  check(rp_getopt_next(&sub) == O_BUNDLE);
  check_str(sub.arg, "B");
  check(rp_getopt_next(&sub) == RP_OPT_OPERAND);
  check_str(sub.arg, "id");
  check(rp_getopt_next(&sub) == RP_OPT_END);
  check(g.ind == 2);  // the outer parser is untouched
  return 0;
}

// containerd starts shims the Go flag way: -name v, -name=v, --name.
static int test_gostyle(void)
{
  check_str(trace(RP_OPT_GOSTYLE, "-bundle", "v", "-bundle=w", "--bundle", "x", NULL),
            "b=v b=w b=x |6");
  check_str(trace(RP_OPT_GOSTYLE, "-all", "-all=false", "--all=true", "--verbose", NULL),
            "a a=false a=true v |5");
  check_str(trace(RP_OPT_GOSTYLE, "-pid-file", "p", "start", NULL), "pid=p @start |4");
  check_str(trace(RP_OPT_GOSTYLE, "-a", NULL), "!2:-a");  // no letters in Go style
  check_str(trace(RP_OPT_GOSTYLE, "-nope", NULL), "!2:-nope");
  check_str(trace(RP_OPT_GOSTYLE, "-bundle", NULL), "!3:-bundle");
  check_str(trace(RP_OPT_GOSTYLE | RP_OPT_INORDER, "-all", "start", "-v", NULL), "a |2");
  return 0;
}

int main(void)
{
  RUN(test_long_options);
  RUN(test_short_options);
  RUN(test_missing_value);
  RUN(test_flag_with_value);
  RUN(test_unknown_option);
  RUN(test_long_bad_text);
  RUN(test_operands);
  RUN(test_double_dash);
  RUN(test_inorder);
  RUN(test_gostyle);
  return unit_end();
}
