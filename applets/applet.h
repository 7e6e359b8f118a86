// applet.h - what every applet shares: its entry point and the few helpers
// that decide to print and to exit (lib/ never does either).

#ifndef RP_APPLET_H
#define RP_APPLET_H

#include <stdio.h>

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

// Usage error: "<applet>: msg (see '<applet> --help')", exit RP_EXIT_USAGE.
_Noreturn void die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

// Report an option-parser failure as a usage error.
_Noreturn void die_opt(const struct rp_getopt *g, int rc);

// Formatted output through stdio (lib/fmt.c, no floating point), at most
// 4 KiB per call: longer text goes through fputs. -1 on a write error.
int outf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int foutf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

// "<applet> version X" block on stdout.
void print_version(const char *applet);

// The applet name set by the dispatcher (for messages).
extern const char *applet_name;

#endif
