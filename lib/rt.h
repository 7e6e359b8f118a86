// rt.h - the runtime: OCI operations on remote processors
//
// Used in-process by both the remoteproc-runtime CLI and the containerd
// shim, so containers created by either show up in the other's store.
// See runtime-spec runtime.md for the lifecycle this implements.

#ifndef RP_RT_H
#define RP_RT_H

#include <stddef.h>

#include "err.h"
#include "spec.h"
#include "state.h"

#define RP_START_TIMEOUT_MS 120000   // waiting for the proxy's start reply
// A state JSON: any fits (128 annotations from a config of at most 1 MiB, escaped).
#define RP_STATE_JSON_MAX (RP_SPEC_BYTES + (64 << 10))

// The working memory of the runtime's operations, one at a time per process:
// the container's config, the state it works on, a board's processors and
// a state JSON (for hooks and `state`). The embedding program owns it (a
// static: its pages count only once touched) and hands it over in struct
// rp_rt; a long-lived child (the proxy, the guardian) gives it all back at
// once, which is why it is one page-aligned object.
struct rp_work {
  struct rp_spec spec;
  struct rp_state cur;
  struct rp_rproc procs[RP_RPROC_MAX];
  char json[RP_STATE_JSON_MAX];
} __attribute__((aligned(4096)));

struct rp_rt {
  struct rp_work *work;
  char root[2048];    // state directory (--root)
  char *title;        // argv area the proxy renames itself in, or NULL
  size_t title_cap;
  void (*child_hook)(void);  // run in the proxy and guardian after fork:
                             // the embedding program drops its own memory
  int systemd_cgroup;        // 1: linux.cgroupsPath is slice:prefix:name (--systemd-cgroup);
                             // -1: the form the path has (the shim, given no flag)
};

struct rp_create {
  const char *id, *bundle;
  const char *pid_file;        // NULL: none
  const char *console_socket;  // NULL: the proxy inherits stdio
  int stdio[3];                // the proxy's stdin/out/err; -1 = ours
  int no_guardian;             // tests only: no sibling stopping the processor
  int mounts;                  // rootfs mounts the shim made in the bundle (rp_mount_one)
};

// create: validate the bundle, claim the processor, fork the proxy (and its
// guardian), run prestart/createRuntime hooks, write the pid file.
int rp_rt_create(const struct rp_rt *rt, const struct rp_create *o, int *pid, struct rp_err *e);

// start, in two halves so a poll loop can wait for the reply: send stages the
// firmware and asks the proxy to start (returns the socket to wait on),
// finish reads the reply and records the outcome.
int rp_rt_start_send(const struct rp_rt *rt, const char *id, struct rp_err *e);
int rp_rt_start_finish(const struct rp_rt *rt, const char *id, int fd, struct rp_err *e);
int rp_rt_start(const struct rp_rt *rt, const char *id, struct rp_err *e);

// kill: TERM/INT/HUP/QUIT ask the proxy to stop the processor; KILL kills
// the proxy and stops the processor here. all: no error when not running.
int rp_rt_kill(const struct rp_rt *rt, const char *id, int sig, int all, struct rp_err *e);

// delete: refuses a running container unless force; force of an unknown id
// succeeds. Stops the processor, removes staged firmware, claim and state.
int rp_rt_delete(const struct rp_rt *rt, const char *id, int force, struct rp_err *e);

// OCI state JSON of st (status derived live) into buf, with the
// annotations of sp (NULL: only the runtime's own).
int rp_rt_state_json(const struct rp_state *st, const struct rp_spec *sp, char *buf, size_t cap, int indent);

// The same for `state` and `list`: the config read from st's directory,
// the text in the work area. NULL when it does not fit (it always should).
const char *rp_rt_state_text(const struct rp_rt *rt, const struct rp_state *st, int indent);

// Run the hooks of kind k from spec sp with st's state JSON on their stdin.
// Open the container's firmware path (inside st->rootfs) for reading, as a
// file with exactly one link (a hard link could name a file outside the
// image). record (create): note the root's and the file's identities in st.
// Otherwise (start): anything but those is refused, so a root replaced (by a
// symbolic link or another directory) or a file swapped since create is
// never loaded. Returns the fd, or a negative code with e filled.
int rp_rt_open_firmware(struct rp_state *st, const char *path, int record, char *canon, size_t cap,
                        struct rp_err *e);

int rp_rt_hooks(const struct rp_rt *rt, const struct rp_state *st, const struct rp_spec *sp,
                enum rp_hook_kind k, struct rp_err *e);


// Clean what a container left (processor, staged firmware, claim, state);
// the shim's cleanup after a dead shim uses it too.
int rp_rt_destroy(const struct rp_rt *rt, struct rp_state *st, struct rp_err *e);

#endif
