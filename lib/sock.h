// sock.h - unix sockets named inside a directory given by descriptor
//
// A socket path is limited to 107 bytes, but state directories can be deep;
// binding through /proc/self/fd/<dirfd>/<name> keeps the name short and the
// directory's own permissions in charge.

#ifndef RP_SOCK_H
#define RP_SOCK_H

#include "err.h"

// Listening SOCK_SEQPACKET socket <dir>/<name> (replacing a stale one).
int rp_sock_listen(int dirfd, const char *name, struct rp_err *e);

// Connected SOCK_SEQPACKET socket to <dir>/<name>.
int rp_sock_connect(int dirfd, const char *name, struct rp_err *e);

// Send fd over the connected unix socket sock with data (SCM_RIGHTS).
int rp_sock_send_fd(int sock, const void *data, size_t len, int fd);

#endif
