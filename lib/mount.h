// mount.h - the root filesystem mounts containerd hands a shim
//
// CreateTaskRequest.rootfs is a list of {type, source, target, options}
// (containerd api/types/mount.proto) to mount, in order, under the bundle's
// rootfs directory; the shim unmounts them at delete. Only overlay and bind
// mounts make sense for a firmware image; both go through mount(2).

#ifndef RP_MOUNT_H
#define RP_MOUNT_H

#include "err.h"

#define RP_MOUNT_OPTS 16

struct rp_mount {
  const char *type, *source, *target;  // target: relative to the rootfs, "" for it
  const char *opt[RP_MOUNT_OPTS];
  int nopt;
};

// Mount m under bundle/rootfs. No component below the bundle may be a
// symbolic link (a rootfs or target that is one is refused): the mount is
// made on the very directory found. Returns 0 or a negative code with e
// filled.
int rp_mount_one(const char *bundle, const struct rp_mount *m, struct rp_err *e);

// Unmount up to n mounts stacked on bundle/rootfs (what the shim mounted
// there: never more), lazily so a busy file cannot wedge the caller, and
// never through a symbolic link. Returns how many were removed.
int rp_mount_clear(const char *bundle, int n);

#endif
