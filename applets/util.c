// util.c - the applets' shared policy: how to die, usage errors, version, help
// from the command tables, tables sized to their content

#include "applet.h"
#include "fmt.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

const char *applet_name = "rprocbox";
const struct command *command;

// As musl's stdio: stdout starts line buffered and its first write decides
// (a terminal keeps it so), stderr has no buffer.
static char stdout_buf[1024];
struct out out_stdout = {1, '\n', 0, sizeof(stdout_buf), stdout_buf, 0};
struct out out_stderr = {2, -1, 0, 0, NULL, 1};

// Write what is buffered, then p, in one writev (repeated over partial
// writes). The buffer is empty afterwards, also after an error.
static int out_write(struct out *o, const void *p, size_t n)
{
  struct winsize ws;
  if (!o->probed) o->probed = 1, o->lbf = ioctl(o->fd, TIOCGWINSZ, &ws) ? -1 : o->lbf;
  struct iovec iov[2] = {{o->buf, o->n}, {(void *)p, n}}, *v = iov;
  size_t rest = o->n + n;
  int cnt = 2;
  o->n = 0;
  for (;;) {
    ssize_t w = writev(o->fd, v, cnt);
    if (w <= 0) return -1;
    if ((size_t)w == rest) return 0;
    rest -= (size_t)w;
    if ((size_t)w >= v->iov_len) w -= (ssize_t)v->iov_len, v++, cnt--;
    v->iov_base = (char *)v->iov_base + w, v->iov_len -= (size_t)w;
  }
}

int out_put(struct out *o, const void *p, size_t n)
{
  const char *s = p;
  if (!n) return 0;
  if (n > o->cap - o->n) return out_write(o, s, n);
  if (o->lbf >= 0) {  // up to the last newline goes out now
    size_t i = n;
    while (i && s[i - 1] != '\n') i--;
    if (i && out_write(o, s, i)) return -1;
    s += i, n -= i;
  }
  memcpy(o->buf + o->n, s, n);
  o->n += n;
  return 0;
}

int out_str(struct out *o, const char *s) { return out_put(o, s, strlen(s)); }
int out_line(struct out *o, const char *s) { return out_str(o, s) || out_put(o, "\n", 1) ? -1 : 0; }
int out_flush(struct out *o) { return o->n ? out_write(o, NULL, 0) : 0; }

_Noreturn void out_exit(int code)
{
  out_flush(&out_stdout);
  exit(code);
}

static int vfoutf(struct out *f, const char *fmt, va_list ap)
{
  char buf[4096];
  int n = rp_vsnprintf(buf, sizeof(buf), fmt, ap);
  return out_str(f, buf) < 0 ? -1 : n;
}

int outf(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vfoutf(&out_stdout, fmt, ap);
  va_end(ap);
  return n;
}

int foutf(struct out *f, const char *fmt, ...)
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
  out_flush(&out_stdout);
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
  const char *c = command ? command->name : "";
  die(RP_EXIT_USAGE, "%s%s%s (see '%s %s%s--help')", c, command ? ": " : "", msg, applet_name, c,
      command ? " " : "");
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

// "-t, --timeout MS", "    --force" or, go style, "-namespace NS".
static int option_left(const struct rp_option *o, int go, char *buf, size_t cap)
{
  const char *m = o->arg == RP_OPT_VALUE && o->meta ? o->meta : NULL;
  char letter[8] = "    ";
  if (go) return rp_snprintf(buf, cap, "-%s%s%s", o->name, m ? " " : "", m ? m : "");
  if (o->letter) rp_snprintf(letter, sizeof(letter), "-%c%s", o->letter, o->name ? ", " : "");
  return rp_snprintf(buf, cap, "%s%s%s%s%s", letter, o->name ? "--" : "", o->name ? o->name : "",
                     m ? " " : "", m ? m : "");
}

void options_list(struct out *f, const struct rp_option *opts, int go)
{
  char left[64];
  int w = 0;
  for (const struct rp_option *o = opts; o->id; o++) {
    int n = o->help ? option_left(o, go, left, sizeof(left)) : 0;
    if (n > w) w = n;
  }
  for (const struct rp_option *o = opts; o->id; o++) {
    if (!o->help) continue;
    option_left(o, go, left, sizeof(left));
    foutf(f, "  %-*s  %s\n", w, left, o->help);
  }
}

void commands_list(struct out *f, const struct commands *a)
{
  int w = 0;
  for (int i = 0; i < a->n; i++)
    if ((int)strlen(a->cmd[i].name) > w) w = (int)strlen(a->cmd[i].name);
  for (int i = 0; i < a->n; i++) foutf(f, "  %-*s  %s\n", w, a->cmd[i].name, a->cmd[i].summary);
}

static int command_help(const struct commands *a, const struct command *c)
{
  int opts = c->opts[0].id != HELP_ID;  // more than -h
  outf("usage: %s %s%s%s%s\n\n", a->prog, c->name, opts ? " [OPTIONS]" : "", c->args[0] ? " " : "",
       c->args);
  outf("%c%s.\n\nOptions:\n", toupper((unsigned char)c->summary[0]), c->summary + 1);
  options_list(&out_stdout, c->opts, 0);
  return out_flush(&out_stdout) ? RP_EXIT_FAIL : RP_EXIT_OK;
}

// -h or --help among a command's arguments (before any "--").
static int asks_help(int argc, char **argv)
{
  for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) return 1;
  return 0;
}

int command_run(const struct commands *a, int argc, char **argv)
{
  const char *name = argv[0];
  int help = !strcmp(name, "help");
  if (help && argc == 1) return a->overview(&out_stdout), out_flush(&out_stdout) ? RP_EXIT_FAIL : RP_EXIT_OK;
  if (help && argc > 2) die_usage("help takes one command");
  if (help) name = argv[1];
  for (int i = 0; i < a->n; i++) {
    if (strcmp(a->cmd[i].name, name)) continue;
    command = &a->cmd[i];
    return help || asks_help(argc, argv) ? command_help(a, command) : command->fn(argc, argv);
  }
  die_usage("unknown command %s", name);
}

void table_measure(struct table *t, const char *const *cell)
{
  for (int i = 0; i < t->n && i < TABLE_COLS; i++)
    if ((int)strlen(cell[i]) > t->w[i]) t->w[i] = (int)strlen(cell[i]);
}

// On a terminal, narrow the widest column until a row fits the width;
// table_print then cuts a longer cell short with "...".
void table_fit(struct table *t)
{
  struct winsize ws;
  if (!isatty(1) || ioctl(1, TIOCGWINSZ, &ws) || ws.ws_col < 20) return;
  int total = 2 * (t->n - 1);
  for (int i = 0; i < t->n && i < TABLE_COLS; i++) total += t->w[i];
  while (total > ws.ws_col) {
    int k = 0;
    for (int i = 1; i < t->n && i < TABLE_COLS; i++)
      if (t->w[i] > t->w[k]) k = i;
    if (t->w[k] <= 8) break;  // narrower says nothing: let the line wrap
    t->w[k]--, total--;
  }
}

static int cell(const char *s, int w, int last)
{
  if ((int)strlen(s) > w) return outf("%.*s...%s", w - 3, s, last ? "\n" : "  ") < 0;
  return (last ? outf("%s\n", s) : outf("%-*s  ", w, s)) < 0;
}

int table_print(const struct table *t, const char *const *cell_text)
{
  int bad = 0;
  for (int i = 0; i < t->n && i < TABLE_COLS; i++) bad |= cell(cell_text[i], t->w[i], i + 1 == t->n);
  return bad;
}
