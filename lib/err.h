// err.h - error reporting for lib/: codes plus a caller-owned message
//
// lib/ never prints and never exits. A failing function returns a negative
// errno-style code and, when given a struct rp_err, fills it with one human
// sentence. Only applets decide what to print and whether to die.

#ifndef RP_ERR_H
#define RP_ERR_H

#include <stddef.h>

#define RP_ERR_MSG 512

struct rp_err {
  int code;               // positive errno value, 0 when no error
  char msg[RP_ERR_MSG];   // one sentence, no trailing newline
};

// Fixed process exit codes (EXIT STATUS in rprocbox(1) and remoteproc-runtime(8)).
// Never improvised per call.
enum {
  RP_EXIT_OK = 0,
  RP_EXIT_FAIL = 1,        // the operation failed; the message says why
  RP_EXIT_USAGE = 2,       // bad command line
  RP_EXIT_UNSUPPORTED = 3, // the operation makes no sense on a remote processor
  RP_EXIT_NOAPPLET = 127,  // argv[0] or the first argument names no applet
};

// Exit statuses of a container's proxy process: what Docker shows as ExitCode.
enum {
  RP_PROXY_STOPPED = 0,   // stopped on request (SIGTERM/SIGINT or kill)
  RP_PROXY_CRASHED = 10,  // the kernel reported the processor crashed
  RP_PROXY_LOST = 11,     // someone else stopped the processor or changed its firmware
  RP_PROXY_NOSTART = 12,  // the processor refused to start
  RP_PROXY_GONE = 13,     // the processor disappeared from sysfs
};

// Fill e (if not NULL) and return -code. code is a positive errno value.
int rp_errf(struct rp_err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

// Prefix e->msg with outer context: "outer: inner". Returns -e->code.
int rp_errwrap(struct rp_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void rp_errclear(struct rp_err *e);

// Format into buf, always NUL-terminated. Returns 0, or -ENAMETOOLONG when
// the result did not fit (buf then holds the truncated text).
int rp_fmt(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

// Copy src into dst of size cap; -ENAMETOOLONG if it does not fit.
int rp_strlcpy(char *dst, const char *src, size_t cap);

#endif
