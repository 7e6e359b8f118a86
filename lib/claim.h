// claim.h - one container per processor, claimed atomically
//
// A claim is a small file <rp_claim_dir>/<remoteprocN>
// naming the container and the process that holds the processor. Claims are
// taken and checked under one flock, so two creates racing for a processor
// cannot both win. A claim whose holder process is gone is stale (the
// container stopped, or the machine rebooted under a persistent state dir).

#ifndef RP_CLAIM_H
#define RP_CLAIM_H

#include "err.h"
#include "rproc.h"
#include "state.h"

struct rp_claim {
  char id[RP_ID_MAX + 1];
  char statedir[2048];
  int pid;                    // holder: the proxy, or the creating runtime
  unsigned long long start;   // its start time, against pid reuse
};

// The claims directory: $RPROC_ROOT/run/rprocbox/claims as root, else the
// user's own (rp_path_run): claims guard between containers of one user,
// and the processor's state between users (firmware no container of the
// user started is never taken over).
int rp_claim_dir(char *buf, size_t cap);

// Take the claims lock (creating the directory). Returns the lock fd.
int rp_claim_lock(struct rp_err *e);
void rp_claim_unlock(int fd);

// The lock file, open but not locked, for a process that will not see the
// claims directory later (the proxy, once its root has moved); then take
// (on 1) and release (on 0) the lock through it. flock locks belong to the
// open file: never hold two of them in one process, they exclude each other.
int rp_claim_lock_open(struct rp_err *e);
int rp_claim_lock_hold(int fd, int on, struct rp_err *e);

// Read the claim on dev: 1 found, 0 none, negative on error.
int rp_claim_get(const char *dev, struct rp_claim *c, struct rp_err *e);

// 1 when the claim's holder process still runs.
int rp_claim_live(const struct rp_claim *c);

// Write (replace) the claim on dev. Hold the lock.
int rp_claim_put(const char *dev, const struct rp_claim *c, struct rp_err *e);

// Remove the claim on dev if the container whose state directory is
// statedir holds it (an id may be used under two roots). Takes the lock.
int rp_claim_drop(const char *dev, const char *statedir, struct rp_err *e);

// 1 when a live container holds p (c filled), 0 when free.
int rp_claim_holder(const struct rp_rproc *p, struct rp_claim *c, struct rp_err *e);

// Call fn for each claim file (dev: its processor; r: rp_claim_get's result
// for it, c filled when 1) until fn returns non-zero, which is returned;
// -ENOENT when the claims directory cannot be read.
int rp_claim_each(int (*fn)(const char *dev, const struct rp_claim *c, int r, void *arg), void *arg);

// The policy of a create: take processor p for the container c names
// (c->pid: create itself, until the proxy exists). Refused with EBUSY when
// another container holds it (a holder that just died too, while its
// firmware runs), when it is attached, or when it runs firmware no running
// container started; a state word no kernel shows is waited on first.
// Takes the lock; then drops firmware staged by containers no claim names.
int rp_claim_take(const struct rp_rproc *p, const struct rp_claim *c, struct rp_err *e);

// Hand the claim on dev to the container's process (c->pid), under the lock.
int rp_claim_hand(const char *dev, const struct rp_claim *c, struct rp_err *e);

// 1 when some claim (live or stale) names a container that stages firmware
// as remoteproc-runtime/<name> (rp_state_owner), or when that cannot be
// told; 0 when none does. Hold the lock.
int rp_claim_names_owner(const char *name);

#endif
