// rproc.h - the kernel's remoteproc sysfs interface
//
// /sys/class/remoteproc/remoteprocN/{name,state,firmware,recovery,coredump}
// (Documentation/ABI/testing/sysfs-class-remoteproc), all under RPROC_ROOT.
// The kernel reports failures only as the errno of write(); this module turns
// that into a sentence a person can act on.

#ifndef RP_RPROC_H
#define RP_RPROC_H

#include <stddef.h>

#include "err.h"
#include "path.h"

#define RP_RPROC_MAX 32   // processors enumerated
#define RP_FW_NAME_MAX 256

enum rp_rstate {
  RP_RS_UNKNOWN,
  RP_RS_OFFLINE,
  RP_RS_SUSPENDED,
  RP_RS_RUNNING,
  RP_RS_CRASHED,
  RP_RS_DELETED,
  RP_RS_ATTACHED,
  RP_RS_DETACHED,
  RP_RS_INVALID,
};

struct rp_rproc {
  int index;                       // N of remoteprocN
  char dev[24];                    // "remoteprocN"
  char name[96];
  char state[24];
  char firmware[RP_FW_NAME_MAX];
  char recovery[24];               // "" when the kernel has no such file
  char coredump[24];
};

// All processors, sorted by index. Returns the count (0 when the class
// directory is missing or empty), or a negative code.
int rp_rproc_list(struct rp_rproc *out, int cap, struct rp_err *e);

// Find a processor by its name or its device name ("remoteproc2"). An
// unknown name fails with -ENODEV and lists the available processors.
// Fills index, dev and name only: it reads each processor's name once
// (a device name: that one's only) and nothing else.
int rp_rproc_find(const char *name, struct rp_rproc *out, struct rp_err *e);

// rp_rproc_find, then every attribute of the processor found.
int rp_rproc_lookup(const char *name, struct rp_rproc *out, struct rp_err *e);

// (Re)read every attribute of processor index into out.
int rp_rproc_load(int index, struct rp_rproc *out, struct rp_err *e);

// Read one attribute, trailing newline removed. Returns its length.
int rp_rproc_read(const struct rp_rproc *p, const char *attr, char *buf, size_t cap,
                  struct rp_err *e);

// Open attribute attr for repeated reads with rp_rproc_reread (a poller
// saves an open and a close per look). Returns the fd or -errno.
int rp_rproc_open(const struct rp_rproc *p, const char *attr);

// Read an attribute open on fd again from offset 0 (sysfs regenerates the
// value on such a read), trailing newline removed. Length or -errno.
int rp_rproc_reread(int fd, char *buf, size_t cap);

// Current state, read live. Negative code on error. A word no kernel shows
// (RP_RS_UNKNOWN: "stop" or "start" left by a driver on plain files that
// has not answered yet) is not a state to act on: see rp_rproc_settled.
int rp_rproc_state(const struct rp_rproc *p, struct rp_err *e);

// The state once it is a word the kernel shows, polled every 10 ms for at
// most timeout_ms (then -ETIMEDOUT, the word in e); never written to.
#define RP_RPROC_SETTLE_MS 10000  // the bound where no start or stop timeout is given
int rp_rproc_settled(const struct rp_rproc *p, int timeout_ms, struct rp_err *e);

// Write one attribute; on failure e explains the kernel's errno.
int rp_rproc_write(const struct rp_rproc *p, const char *attr, const char *val,
                   struct rp_err *e);

// Write "stop" once (starts are reference counted: one stop drops one). A
// crashed processor the kernel refuses to stop (6.1 before 6.1.192) is
// recovered first and then stopped; e says what to do when that fails.
int rp_rproc_stop(const struct rp_rproc *p, struct rp_err *e);

// Poll the state every 10 ms until it is want or timeout_ms passes.
// Returns the last state seen (>= 0) or a negative code.
int rp_rproc_wait(const struct rp_rproc *p, enum rp_rstate want, int timeout_ms,
                  struct rp_err *e);

enum rp_rstate rp_rstate_parse(const char *s);
const char *rp_rstate_name(enum rp_rstate s);

// The directory the kernel's firmware loader searches first: the
// firmware_class "path" parameter when set, else lib/firmware (both under
// RPROC_ROOT). dirs (optional) receives every directory searched, for
// messages: "<custom>, <root>/lib/firmware/updates or <root>/lib/firmware".
// A path whose value holds a newline fails with EINVAL: 6.1 and 6.12 on
// read it differently.
int rp_rproc_fwdir(char *buf, size_t cap, char *dirs, size_t dcap, struct rp_err *e);

// The directories searched, in the loader's order (the custom path first,
// when set); how many, or -errno.
int rp_rproc_fw_dirs(char dirs[3][RP_PATH_MAX], struct rp_err *e);

// debugfs trace0 file of processor p.
int rp_rproc_trace_path(const struct rp_rproc *p, char *buf, size_t cap);

// Whether a kernel recovery may be under way on p in state s: crashed or
// offline with recovery enabled, and, offline, for firmware that has a trace
// buffer (want_trace), trace0 (at trace, NULL: unknown) still there. A
// recovery keeps trace0 while it loads the firmware again; a stop removes it.
int rp_rproc_may_recover(const struct rp_rproc *p, int s, int want_trace, const char *trace);

#endif
