// hooks.h - OCI lifecycle hooks (runtime-spec config.md "POSIX-platform
// Hooks"): each runs with the container state JSON on its stdin and is
// killed when its timeout passes.

#ifndef RP_HOOKS_H
#define RP_HOOKS_H

#include "err.h"
#include "spec.h"

// Run the hooks of kind in order; stops at the first failure, whose message
// names the hook, its exit status and the start of its stderr.
int rp_hooks_run(const struct rp_spec *s, enum rp_hook_kind kind, const char *state_json,
                 struct rp_err *e);

#endif
