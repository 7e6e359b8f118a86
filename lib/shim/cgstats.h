// cgstats.h - a container's cgroup figures for the shim's Task.Stats

#ifndef RP_CGSTATS_H
#define RP_CGSTATS_H

#include <stddef.h>

// The figures of the cgroup at path (cgroup.h) as containerd's
// io.containerd.cgroups.v1.Metrics or .v2.Metrics protobuf (the type is set
// in *type). Returns the length or -E2BIG; a file that cannot be read
// leaves its figure out.
int rp_cgstats(const char *path, void *buf, size_t cap, const char **type);

#endif
