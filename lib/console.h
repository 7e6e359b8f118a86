// console.h - runc's --console-socket protocol: create a pseudo-terminal,
// hand its master to the caller over a unix socket (one message: the pty
// name, with the master fd as SCM_RIGHTS), keep the slave for the proxy.

#ifndef RP_CONSOLE_H
#define RP_CONSOLE_H

#include "err.h"

// Returns the slave fd, or a negative code. raw: the proxy relays the
// terminal to the firmware's shell, which echoes and edits lines itself, so
// the slave does neither (no echo, no line buffering, bytes as they are).
int rp_console_setup(const char *socket_path, int raw, struct rp_err *e);

// Make tty fd raw (cfmakeraw): a firmware's tty, a console relayed to one.
void rp_console_raw(int fd);

#endif
