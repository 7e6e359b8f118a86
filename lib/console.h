// console.h - runc's --console-socket protocol: create a pseudo-terminal,
// hand its master to the caller over a unix socket (one message: the pty
// name, with the master fd as SCM_RIGHTS), keep the slave for the proxy.

#ifndef RP_CONSOLE_H
#define RP_CONSOLE_H

#include "err.h"

// Returns the slave fd, or a negative code.
int rp_console_setup(const char *socket_path, struct rp_err *e);

#endif
