// ns.h - put the proxy into the namespaces a container asks for
//
// The proxy needs the host's view of sysfs and the firmware directory, which
// every namespace but the user namespace leaves alone; a user namespace would
// take away the privilege to write sysfs, so it is skipped (with a warning
// for the caller to log).

#ifndef RP_NS_H
#define RP_NS_H

#include "err.h"
#include "spec.h"

// Join (path) or create every namespace in s but user and time; the pid
// namespace, last, applies to the children forked next. Every path is
// opened before any is joined. *skipped gets the CLONE_NEW* flags that
// were not applied: user and time, and, without root, every one the caller
// may not join or create (EPERM), so that the proxy stays in the caller's.
int rp_ns_enter(const struct rp_spec *s, int *skipped, struct rp_err *e);

// Open and close every namespace path of s as rp_ns_enter would: 0 when
// each names a namespace of its type, else the reason in e. For create, to
// refuse a bad path before anything is claimed.
int rp_ns_check(const struct rp_spec *s, struct rp_err *e);

// 1 when s asks for a NEW namespace of type flag (no path to join).
int rp_ns_new(const struct rp_spec *s, int flag);

// In a mount namespace of our own: make the root a small tmpfs (mounted on
// scratch, a directory we own) holding only $RPROC_ROOT/sys and, read-only,
// the firmware area fw_area (or NULL), each bound at the same path. The
// proxy needs nothing else, and a copy of every host mount would keep them
// (a removed USB stick, other containers' layers) pinned for as long as
// the firmware runs. The firmware area is there for kernels before 5.7,
// whose loader looks for the file in the root of the process that writes
// "start"; later ones look in init's.
int rp_ns_keep_only_sys(const char *scratch, const char *fw_area, struct rp_err *e);

#endif
