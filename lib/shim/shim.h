// shim.h - containerd runtime v2 shim for remote processors
//
// containerd starts `containerd-shim-remoteproc-v1 ... start`, which makes a
// socket, forks the long-lived server and prints the socket's address;
// containerd then calls the Task service over ttrpc on that socket. The
// server is ONE thread with ONE poll loop: requests are answered at once or
// parked (Wait until the exit, Start until the proxy confirms), so a Wait
// never blocks Start, Kill or State on the same connection. Each task moves
// through an explicit state machine (see shim.c). Facts: the protocol
// reference sections A-E; containerd core/runtime/v2/README.md.

#ifndef RP_SHIM_H
#define RP_SHIM_H

#include <stddef.h>

#include "err.h"

#define RP_SHIM_NAME "io.containerd.remoteproc.v1"
#define RP_SHIM_SOCKET_DIR "/run/containerd/s"

struct rp_work;

struct rp_shim_opts {
  const char *ns, *id, *grpc, *publish_bin, *bundle, *ttrpc, *socket_dir;
  int debug;
  struct rp_work *work;  // the runtime's working memory, the caller's
};

// unix:// address of the socket for grpc/ns/group under dir, as containerd
// derives it: sha256 of the cleaned path grpc/ns/group.
int rp_shim_address(const char *grpc, const char *ns, const char *group, const char *dir,
                    char *out, size_t cap, struct rp_err *e);

// Listen on address (dir 0700, socket 0600). When a live shim already
// answers there, *existing is set and no socket is returned (-EEXIST).
int rp_shim_listen(const char *address, int *existing, struct rp_err *e);

// The group a bundle's task belongs to: its CRI sandbox id, else id.
void rp_shim_group(const char *bundle, const char *id, char *out, size_t cap);

// Serve on the listening socket lfd until shut down. Returns the exit code.
int rp_shim_serve(const struct rp_shim_opts *o, int lfd, char *title, size_t title_cap);

// The `delete` action: clean up after a dead shim; out gets the serialized
// DeleteResponse. Returns its length or a negative code.
int rp_shim_cleanup(const struct rp_shim_opts *o, unsigned char *out, size_t cap,
                    struct rp_err *e);

// The `-info` action: RuntimeInfo for the options Any read from stdin.
int rp_shim_info(const unsigned char *in, size_t inlen, unsigned char *out, size_t cap);

// Start's stdin: 1 when it holds containerd 2.3 BootstrapParams (fills o's
// empty fields from it), 0 for the legacy options Any or nothing.
int rp_shim_bootstrap(const unsigned char *in, size_t len, struct rp_shim_opts *o,
                      char *strings, size_t cap);

// BootstrapResult {version 2, address, "ttrpc"} into out; returns its length.
int rp_shim_bootstrap_result(const char *address, unsigned char *out, size_t cap);

#endif
