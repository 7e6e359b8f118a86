// rpmsg.h - a processor's rpmsg channels and their /dev nodes
//
// The kernel's rpmsg bus (drivers/rpmsg) shows each channel the firmware
// announces as /sys/bus/rpmsg/devices/virtioN.<channel>.<src>.<dst>, a
// device below the processor's (remoteprocN/remoteprocN#vdevKbuffer/
// virtioN/), whose attribute `name` is the channel's name. rpmsg_tty makes
// a tty (ttyRPMSGn) below its channel, rpmsg_char char devices of class
// rpmsg (rpmsgN endpoints, rpmsg_ctrlN). All of them go when the processor
// stops or crashes and come back with the firmware. Which ones belong to a
// processor is decided by sysfs ancestry, the rule of logsrc.h.

#ifndef RP_RPMSG_H
#define RP_RPMSG_H

#include "rproc.h"

#define RP_RPMSG_MAX 16  // channels, and nodes, seen per processor

struct rp_rpmsg_node {
  char dev[16];    // "MAJ:MIN"
  char path[64];   // its /dev node: /dev/ttyRPMSG0, /dev/rpmsg0, /dev/rpmsg_ctrl0
  int chan;        // the channel it lies below, or -1
};

struct rp_rpmsg {
  int nchan, nnode;
  char dev[RP_RPMSG_MAX][64];   // virtio0.rpmsg-tty.-1.1024
  char chan[RP_RPMSG_MAX][32];  // its name: rpmsg-tty
  struct rp_rpmsg_node node[RP_RPMSG_MAX];
};

// 1 when the rpmsg bus has no device at all (or there is no bus): then no
// processor has a channel or a node, which one directory read tells.
int rp_rpmsg_none(void);

// Fill m with what sysfs shows of p now (no bus, no class: none), the
// nodes only with nodes set (they take a look at every tty). Returns the
// number of channels.
int rp_rpmsg_scan(const struct rp_rproc *p, struct rp_rpmsg *m, int nodes);

// Index of channel want in m ("any": the first one), or -1.
int rp_rpmsg_find(const struct rp_rpmsg *m, const char *want);

// The channel names of m, ", "-separated ("none" when there are none).
void rp_rpmsg_names(const struct rp_rpmsg *m, char *buf, size_t cap);

// Look every 50 ms, for at most timeout_ms, until p has channel want
// ("any": one). 0, or -ETIMEDOUT with e naming want and what appeared.
int rp_rpmsg_wait(const struct rp_rproc *p, const char *want, int timeout_ms, struct rp_rpmsg *m,
                  struct rp_err *e);

#endif
