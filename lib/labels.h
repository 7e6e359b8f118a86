// labels.h - this board's features for Kubernetes node-feature-discovery
//
// NFD's worker reads "local" feature files, one `name=value` per line, from
// /etc/kubernetes/node-feature-discovery/features.d/ and turns them into
// node labels and into inputs of NodeFeatureRule objects (config/kubernetes.md,
// "5. Scheduling pods to the right board"). rprocbox writes one such file, named rprocbox:
//
//   rprocbox/remoteproc=true         (a build with the containerd shim)
//   rprocbox/board.model=<devicetree model>
//   rprocbox/board.compatible=<its first, most specific compatible string>
//   rprocbox/mcu.<processor name>=free|held|<state>
//
// free: offline and no container holds it; held: a running container holds
// it; otherwise its sysfs state (running, attached, crashed ...): firmware
// that no container started, which the runtime refuses to take over.
// Names and values are cut to what a Kubernetes label allows.

#ifndef RP_LABELS_H
#define RP_LABELS_H

#include <stddef.h>

#include "err.h"

// The features directory NFD reads, under RPROC_ROOT, and our file in it.
#define RP_LABELS_DIR "etc/kubernetes/node-feature-discovery/features.d"
#define RP_LABELS_FILE "rprocbox"
#define RP_LABELS_MAX 8192     // the whole file; NFD ignores files over 64 KiB

// The feature file's text into buf. Returns its length, or a negative code.
int rp_labels_render(char *buf, size_t cap, struct rp_err *e);

// Write the file into dir atomically (NFD skips dot files, so it never sees
// a half-written one). dir must exist. The path written goes to path.
int rp_labels_write(const char *dir, char *path, size_t cap, struct rp_err *e);

// Rewrite the file in the default directory, but only where that directory
// already exists: a board without NFD never gets /etc/kubernetes. Called
// when a processor is claimed, released, started or stopped; failures are
// silent (labels are advisory, the operation itself succeeded).
void rp_labels_refresh(void);

#endif
