// resolve.h - open a file inside a container root without ever leaving it
//
// The runtime runs as root and reads paths chosen by an image author, so the
// walk is done one component at a time on directory descriptors with
// O_NOFOLLOW: a symlink is read and re-walked with the root as "/" (an
// absolute target stays inside the root), and a ".." that would climb above
// the root is refused rather than clamped, so a malicious image is reported.

#ifndef RP_RESOLVE_H
#define RP_RESOLVE_H

#include <stddef.h>

#include "err.h"

#define RP_RESOLVE_MAXLINKS 40
#define RP_RESOLVE_MAXDEPTH 128

// Open path (relative to root, or absolute meaning "from root") as a regular
// file for reading, from the directory open on rootfd (root names it in
// messages; rootfd -1: open root here), for a caller that has checked which
// directory that is. canon receives the resolved path inside root, starting
// with "/". Returns the descriptor or a negative code with e filled.
int rp_resolve_openat(int rootfd, const char *root, const char *path, char *canon, size_t ccap,
                      struct rp_err *e);

#endif
