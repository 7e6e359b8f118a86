// cgroup.h - the container's cgroup (runtime-spec config-linux.md,
// linux.cgroupsPath), so that what engines measure is the proxy's own use
//
// A cgroupfs path ("/kubepods/pod1/ID") names the same directory in every
// hierarchy; the systemd form "slice:prefix:name" (--systemd-cgroup) is
// turned into the path systemd would give the unit,
// "a.slice/a-b.slice/prefix-name.scope", and made directly in cgroupfs:
// systemd is not asked (no D-Bus here). cgroup v2 when /sys/fs/cgroup is a
// cgroup2 mount; else each v1 hierarchy mounted in /sys/fs/cgroup, but
// cpuset (whose new groups hold no CPUs until filled in).

#ifndef RP_CGROUP_H
#define RP_CGROUP_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

#define RP_CG_SPEC_MAX 400   // linux.cgroupsPath as written
#define RP_CG_PATH_MAX 512   // resolved, relative to a hierarchy's root

// linux.cgroupsPath → "/a/b" under each hierarchy's root. Refuses relative
// cgroupfs paths, "." and ".." parts, bytes outside [A-Za-z0-9._:@+=,~-],
// and the root itself, so a pod author's path stays below the root.
int rp_cg_resolve(const char *spec, int systemd, char *out, size_t cap, struct rp_err *e);

// Make path in every hierarchy (parents too, as runc does).
int rp_cg_create(const char *path, struct rp_err *e);

// Move pid into path in every hierarchy.
int rp_cg_join(const char *path, pid_t pid, struct rp_err *e);

// Remove path's last directory in every hierarchy; parents stay, as with
// runc (a kubelet removes its pod's). Retries a while for a process that
// is still leaving.
int rp_cg_remove(const char *path, struct rp_err *e);

// The directory of path in controller ctl's v1 hierarchy, or under cgroup
// v2 in the one hierarchy (ctl unused): 1 under v2, 0 under v1, -E2BIG.
#define RP_CG_MNT_MAX 128    // a hierarchy's mount point
#define RP_CG_DIR_MAX (RP_CG_MNT_MAX + RP_CG_PATH_MAX)
int rp_cg_dir(const char *ctl, const char *path, char *dir, size_t cap);

#endif
