// log.h - log lines as text or JSON, to stderr or to a file
//
// One sink per process, configured by the applet. JSON lines carry the keys
// runc's callers decode: {"level":"error","msg":"...","time":"<RFC 3339>"}.
// This is the only lib/ module that writes to a descriptor it did not get
// from its caller; it is how applets print.

#ifndef RP_LOG_H
#define RP_LOG_H

#include "err.h"

enum rp_log_level { RP_LOG_ERROR, RP_LOG_WARN, RP_LOG_INFO, RP_LOG_DEBUG };

// prog prefixes text lines on stderr ("prog: msg").
void rp_log_init(const char *prog);
void rp_log_set_level(enum rp_log_level level);
void rp_log_set_json(int json);

// Send lines to path (appended, created 0644) instead of stderr; "" or "-"
// means stderr. Returns 0 or -errno with e filled.
int rp_log_open(const char *path, struct rp_err *e);

// Parse "error", "warn"/"warning", "info", "debug". Returns -1 if unknown.
int rp_log_level_parse(const char *s);

// Write one line to the sink when level passes the threshold.
void rp_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

// An error for the user: always "prog: msg" on stderr, and when a file sink
// is open also a line there (JSON or text). (One variadic function: each
// costs its register spills.)
#define RP_LOG_STDERR 8
#define rp_log_error(...) rp_log(RP_LOG_ERROR | RP_LOG_STDERR, __VA_ARGS__)

// RFC 3339 UTC time with nanoseconds into buf (>= 40 bytes): now, or the
// time sec.nsec after the epoch.
void rp_log_time(char *buf, int cap);
void rp_log_utc(long long sec, long nsec, char *buf, int cap);

#endif
