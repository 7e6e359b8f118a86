// cdi.h - the Container Device Interface spec of the rpmsg devices
//
// Docker, podman and containerd's CRI hand a container the devices a CDI
// spec names (github.com/cncf-tags/container-device-interface, SPEC.md):
// `--device rprocbox.dev/rpmsg=m4` gives it processor m4's rpmsg ttys and
// rpmsg_char nodes, `rprocbox.dev/rpmsg=all` every processor's, and no
// other device of the host, so no --privileged -v /dev:/dev. The nodes
// come and go with the firmware, so the spec is written again whenever
// they may have changed (rproc boot, rproc cdi, the runtime's start, end
// and delete, a recovery), and removed while there are none (a spec
// without devices is invalid).

#ifndef RP_CDI_H
#define RP_CDI_H

#include <stddef.h>

#include "err.h"

#define RP_CDI_DIR "var/run/cdi"     // below RPROC_ROOT: the engines' dynamic spec directory
#define RP_CDI_FILE "rprocbox.json"

// Write DIR/rprocbox.json (dir NULL: RP_CDI_DIR) through a temporary file
// and a rename; its path into path (cap bytes; path NULL: not wanted). Returns how many nodes it
// holds (0: the file was removed), or a negative code with e filled.
int rp_cdi_write(const char *dir, char *path, size_t cap, struct rp_err *e);

#endif
