// proxy.h - the container's process: it holds one remote processor
//
// A container needs a pid that lives as long as the firmware runs; the proxy
// is that process. It is forked (never exec'd) by create, waits for start on
// its control socket, starts the processor, then polls its state (the kernel
// sends no notification), relays the firmware's log to its stdout and exits
// with a code that says why it ended (err.h RP_PROXY_*).
//
// Its sibling, the guardian, waits for the proxy to die by any means,
// SIGKILL included, and then stops the processor if it still runs this
// container's firmware: kill -9 never leaves firmware running.

#ifndef RP_PROXY_H
#define RP_PROXY_H

#include <stddef.h>

#include "err.h"
#include "path.h"
#include "rproc.h"

#define RP_PROXY_TICK_MS 50        // state polling period while running
#define RP_PROXY_FW_TICKS 20       // the firmware name: every 20th tick (1 s)
#define RP_PROXY_LOG_TICKS 4       // trace0: every 4th tick (200 ms), so a
                                   // line is out within 250 ms
#define RP_PROXY_START_TIMEOUT 10000  // ms for "running" after a start write

struct rp_proxy_cfg {
  const char *id;
  int sandbox;              // a pod sandbox: nothing to start
  struct rp_rproc proc;     // dev and name of the processor
  int ctl;                  // listening control socket
  int sync;                 // read end: create's commit byte (EOF = abandon)
  int statedir;             // directory fd, for the started and exit files
  int claims;               // the claims lock file (rp_claim_lock_open), or -1
  int own_out;              // stdout is an open file of the proxy's own
  int logfd;                // tty to relay, or -1
  int trace;                // relay trace0
  int has_rsc;              // the firmware has a resource table: trace0
                            // exists whenever it runs
  int core_fd;              // crash dumps' directory (coredump.h), or -1: none wanted
  char core_dir[RP_PATH_MAX];  // its path, for the file names
  char wait_rpmsg[32];      // start waits for this rpmsg channel ("any"), "": no wait
  int wait_ms;              // for at most this long (remoteproc.wait-timeout)
  char *title;              // argv area to rename the process in ps, or NULL
  size_t title_cap;
};

// Run the proxy; returns its exit code (the caller _exits with it).
int rp_proxy_run(const struct rp_proxy_cfg *c);

// The guardian: block until every write end of death_rd is closed, then stop
// processor dev if it runs firmware the container at statedir staged.
int rp_guard_run(int death_rd, const char *statedir, const char *dev, char *title, size_t cap);

// Stop p while it runs firmware fw (by name); 1 if it was stopped, 0 if it
// ran something else or nothing, negative on failure (e may be NULL). Takes
// the claims lock, through lockfd when it is not -1 (rp_claim_lock_open).
int rp_proxy_stop_ours(const struct rp_rproc *p, const char *fw, int lockfd, struct rp_err *e);

// The control protocol (SOCK_SEQPACKET, one message each way):
//   "start <firmware name>"  ->  "ok" | "err <sentence>"
#define RP_PROXY_MSG 640

#endif
