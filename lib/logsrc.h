// logsrc.h - what may be a container's firmware log (annotation remoteproc.log)
//
// The proxy reads its log source for as long as the firmware runs and puts
// every byte into the container's log, and the path comes from whoever
// writes the pod. So only what a firmware log can be is opened: a FIFO (a
// helper writes the firmware's output there), or a tty that belongs to the
// container's own processor, such as the rpmsg tty (rpmsg_tty) the firmware
// talks through. Any other device could leak what it carries (the kernel
// log, another terminal's keystrokes), never end (/dev/zero), or start
// hardware when opened.

#ifndef RP_LOGSRC_H
#define RP_LOGSRC_H

#include <sys/types.h>

#include "err.h"
#include "rproc.h"

// The canonical path of processor p's device directory; 0 or -1.
int rp_logsrc_proc_dir(const struct rp_rproc *p, char *out);

// 1 when $RPROC_ROOT/rel resolves (into real) below dir, a processor's
// device directory: the kernel puts a device below its parent, so this is
// "a device of that processor" (rpmsg channels and their nodes too).
int rp_logsrc_below(const char *dir, const char *rel, char *real);

// 1 when char device dev is a tty of processor p by sysfs: its device
// directory (/sys/dev/char/MAJ:MIN) lies below the processor's (the kernel
// puts a device below its parent, and rpmsg ttys descend from the
// processor through its virtio device and rpmsg channel) and its subsystem
// is tty.
int rp_logsrc_tty_of(const struct rp_rproc *p, dev_t dev);

// Open path, which must be a FIFO or a tty of p, for the proxy to read
// (non-blocking; a FIFO also held for writing, so it never ends). The path
// is only located (O_PATH) until its type and owner are checked: nothing
// else is ever opened. Returns the fd, or a negative code with e filled.
int rp_logsrc_open(const char *path, const struct rp_rproc *p, struct rp_err *e);

#endif
