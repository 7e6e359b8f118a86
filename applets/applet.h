// applet.h - what every applet shares: its entry point and the few helpers
// that decide to print and to exit (lib/ never does either).

#ifndef RP_APPLET_H
#define RP_APPLET_H

#include <stddef.h>

#include "err.h"
#include "log.h"
#include "opt.h"

#define APPLET(name, id, cfg, summary) int id##_main(int argc, char **argv);
#include "applets.h"
#undef APPLET

// Print "<applet>: msg" (and a log line when --log is set); exit code.
_Noreturn void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

// Exit with the lib error's message.
_Noreturn void die_err(const struct rp_err *e);

// Usage error: "<applet>: [<command>: ]msg (see '<applet> [<command> ]--help')",
// exit RP_EXIT_USAGE.
_Noreturn void die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

// Report an option-parser failure as a usage error.
_Noreturn void die_opt(const struct rp_getopt *g, int rc);

// stdout and stderr, buffered as stdio buffers them, without libc's stdio
// (about 3 KiB the boot profile would link for this): stdout keeps a
// 1 KiB buffer, line by line until its first write finds no terminal, then
// whole; stderr is written at once. Each call returns 0, or -1 when a write
// failed. exit through out_exit: it flushes stdout first, as exit does.
struct out {
  int fd, lbf;          // lbf: '\n' line buffered, -1 fully (or not at all)
  size_t n, cap;        // bytes buffered, buffer size
  char *buf;
  int probed;           // stdout: the terminal check was made
};
extern struct out out_stdout, out_stderr;
int out_put(struct out *o, const void *p, size_t n);  // fwrite
int out_str(struct out *o, const char *s);            // fputs
int out_line(struct out *o, const char *s);           // puts
int out_flush(struct out *o);                         // fflush
_Noreturn void out_exit(int code);

// Formatted output (lib/fmt.c, no floating point), at most 4 KiB per call:
// longer text goes through out_str. -1 on a write error.
int outf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int foutf(struct out *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

// One command of an applet with commands (rproc, remoteproc-runtime). Each
// applet keeps one table of these: dispatch, the overview, every command's
// help and its option parsing all read it.
struct command {
  const char *name;
  int (*fn)(int argc, char **argv);  // argv[0] is the command's name
  const char *args;                  // its operands, e.g. "NAME [FILE]"
  const char *summary;               // what it does, one line, lower case
  const struct rp_option *opts;      // what it accepts (and its help shows)
};

struct commands {
  const struct command *cmd;
  int n;
  const char *prog;              // usage's words before COMMAND
  void (*overview)(struct out *f);  // the applet's --help
};

// Every option table ends with this row: -h and --help are accepted
// wherever options are, and listed with the others.
enum { HELP_ID = 0x4000 };
#define HELP_OPTION {"help", 'h', RP_OPT_FLAG, HELP_ID, NULL, "show this help"}

// Run the command argv[0]: "help [COMMAND]", "COMMAND -h" and "COMMAND
// --help" print that command's usage on stdout instead.
int command_run(const struct commands *a, int argc, char **argv);

// The overview's list of commands, one line each.
void commands_list(struct out *f, const struct commands *a);

// The help lines of an option table, sized to the longest; go: -name style.
void options_list(struct out *f, const struct rp_option *opts, int go);

// The command being run (set by command_run), for usage errors.
extern const struct command *command;

// A table on stdout whose columns are as wide as their widest cell: measure
// every row, fit it to the terminal, then print the rows (the last column
// is not padded).
enum { TABLE_COLS = 8 };
struct table {
  int n, w[TABLE_COLS];
};
void table_measure(struct table *t, const char *const *cell);
void table_fit(struct table *t);
int table_print(const struct table *t, const char *const *cell);

// "<applet> version X" block on stdout.
void print_version(const char *applet);

// The applet name set by the dispatcher (for messages).
extern const char *applet_name;

#endif
