// coredump.h - the kernel's crash dumps of a remote processor
//
// Attribute coredump (disabled, enabled, inline) says whether a recovery
// takes a dump; the kernel refuses to change it while the processor is
// crashed. The dump is taken only inside a recovery (rproc_boot_recovery:
// stop, ops->coredump, start again) and handed to devcoredump:
// sys/class/devcoredump/devcdN, whose failing_device links to the processor
// and whose data reads the ELF core; any write to data frees it. The kernel
// drops a new dump while one of the same device is still there, and with
// "inline" its recovery waits until the dump is read and freed (devcoredump
// frees it itself after 5 minutes).

#ifndef RP_COREDUMP_H
#define RP_COREDUMP_H

#include <stddef.h>

#include "err.h"
#include "rproc.h"

#define RP_CORE_DIR "/var/lib/rprocbox/coredumps"  // below RPROC_ROOT
#define RP_CORE_KEEP 5                             // dumps kept per container id
#define RP_CORE_WAIT_MS 10000                      // for a dump after a crash

// A container's setting: p's coredump attribute set to mode, the value
// before kept in file "coredump" of the state directory statedir.
int rp_core_apply(const struct rp_rproc *p, const char *mode, const char *statedir, struct rp_err *e);

// Give p back the value rp_core_apply kept and forget it; the guardian
// does so when the proxy ends, delete too. A crashed processor refuses:
// the value stays kept, for the next caller once it is stopped.
void rp_core_restore(const char *statedir, const struct rp_rproc *p);

// The number of a dump of p waiting, numbered above seen, or -1.
int rp_core_pending(const struct rp_rproc *p, int seen);

// Wait up to ms for a dump of p numbered above *seen (-1: any), copy it to
// file (never through a symbolic link), release it and set *seen to its
// number. 0, or -ETIMEDOUT when none came.
int rp_core_save(const struct rp_rproc *p, int ms, int *seen, const char *file, struct rp_err *e);

// The dump directory name (NULL: RP_CORE_DIR; absolute, no "." or ".."
// components, at most 1024 bytes) below RPROC_ROOT into dir, made 0700 if
// missing and opened, refused when it is a symbolic link (ELOOP); dumps are
// never written through one either. The fd, or a negative code.
int rp_core_open_dir(const char *name, char *dir, size_t cap, struct rp_err *e);

// rp_core_save as <id>-<UTC time>.elf in directory dirfd (dir: its path,
// for path), then only the newest RP_CORE_KEEP of id kept; path gets the
// file saved. With recover set, a recovery is requested first (p crashed
// with the kernel's recovery disabled): p then runs its firmware again.
int rp_core_keep(const struct rp_rproc *p, int recover, int *seen, int dirfd, const char *dir, const char *id,
                 char *path, size_t cap, struct rp_err *e);

// Recover crashed p without keeping its dump (an inline one would hold the
// recovery): for kernels that stop a crashed processor only after one.
// Returns once p runs again, or after RP_CORE_WAIT_MS.
void rp_core_recover(const struct rp_rproc *p);

#endif
