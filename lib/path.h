// path.h - every host path the product touches, built from one root prefix
//
// RPROC_ROOT (default "/") prefixes every sysfs, debugfs, devicetree and
// firmware path, so tests can point the whole binary at a fake tree.

#ifndef RP_PATH_H
#define RP_PATH_H

#include <stddef.h>

#define RP_PATH_MAX 4096

// The prefix without a trailing slash: "" for "/", "/tmp/x" for "/tmp/x/".
const char *rp_path_root(void);

// buf = root + "/" + the formatted path (given without a leading slash).
// Returns 0 or -ENAMETOOLONG.
int rp_path(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

// buf = the directory for run-time files called name: <root>/run/<name> as
// root, else $XDG_RUNTIME_DIR/<name>, the user's own, where runc and crun
// keep theirs when not root (<root>/run/<name> when it is not set).
int rp_path_run(char *buf, size_t cap, const char *name);

// Join dir and name with one slash. Returns 0 or -ENAMETOOLONG.
int rp_path_join(char *buf, size_t cap, const char *dir, const char *name);

// 1 when the relative path name is safe to use below a directory: not empty,
// not absolute, no "." or ".." component, no empty component.
int rp_path_safe_rel(const char *name);

// The absolute path in, with symbolic links, ".", ".." and repeated slashes
// resolved in the part that exists and cleaned lexically in the rest, so
// one directory has one spelling. 0, -EINVAL (not absolute) or -errno.
int rp_path_canon(const char *in, char *out, size_t cap);

// realpath(3) of an existing path into out (cap bytes), as the kernel names
// the file once it is open: 0, or -1 with errno. Needs /proc, as containers
// do anyway; libc's realpath would bring 2 KiB of code, its allocator
// included, for the same answer. rp_path_real(".") is the working directory.
int rp_path_real(const char *path, char *out, size_t cap);

// Pointer to the last component of path (after the last slash).
const char *rp_path_base(const char *path);

#endif
