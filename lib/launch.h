// launch.h - the container's processes: the guardian and the proxy
//
// create forks once (P1). P1 forks the guardian in the host's namespaces,
// enters the container's namespaces (a small root of its own with a mount
// namespace of its own), forks the proxy, reports the proxy's pid through a
// pipe and exits. The proxy waits on a commit socket for create's "C" before
// it serves; EOF there means the create was abandoned. Both children give
// back the memory of the process they were forked from (rp_proc_forget)
// before they run for the container's life.

#ifndef RP_LAUNCH_H
#define RP_LAUNCH_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "proxy.h"
#include "rt.h"

struct rp_launch {
  struct rp_proxy_cfg cfg;     // the proxy's: id, sandbox, proc, ctl, statedir (fd), logfd,
                               // trace, has_rsc; rp_launch adds sync, claims, own_out, title
  const struct rp_spec *spec;  // the namespaces to enter or make
  const char *statedir;        // the state directory's path: the guardian's, and the
                               // proxy's small root keeps it
  const char *cgroup;          // the proxy's cgroup (cgroup.h), or ""
  int guardian;                // 0: none (a sandbox holds no processor; tests)
  int console;                 // the console's pty, or -1
  int stdio[3];                // the proxy's stdio; -1: the caller's
  int close_fd;                // closed in the children (the caller's state lock), or -1
  const struct rp_rt *rt;      // the work area to give back, the title, the child hook
  void *mine;                  // the caller's own memory to give back too, or NULL
  size_t mine_len;
};

// Fork the container's processes. 0 with *pid (the proxy) and *sync_wr
// (the commit socket's write end), or a negative code with e filled.
int rp_launch(const struct rp_launch *in, pid_t *pid, int *sync_wr, struct rp_err *e);

#endif
