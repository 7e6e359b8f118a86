// events.h - publish task events to containerd, in order, from a poll loop
//
// containerd.services.events.ttrpc.v1.Events/Forward on TTRPC_ADDRESS, one
// event in flight at a time so create -> start -> exit -> delete keep their
// order; a failed send is retried after 1, 2, 4, 8, 16 s, then dropped (as
// upstream shims do). Without a ttrpc address, or when it cannot be reached,
// the event goes through the legacy `<publish-binary> publish` command.

#ifndef RP_EVENTS_H
#define RP_EVENTS_H

#include <poll.h>
#include <stdint.h>
#include <sys/types.h>

#include "pb.h"
#include "ttrpc.h"

#define RP_EVENTS_QUEUE 32
#define RP_EVENTS_SIZE 8192   // one serialized event (mount options are at most a page)
#define RP_EVENTS_TRIES 6

struct rp_event {
  char topic[32];
  const char *type;           // Any type_url (a static string)
  uint32_t len;
  int64_t sec;
  int32_t nsec;
  unsigned char data[RP_EVENTS_SIZE];
};

struct rp_events {
  char addr[256], ns[80], publish_bin[256], grpc[256];
  struct rp_ttrpc_conn conn;
  int fd;                     // ttrpc connection, -1 when closed
  uint32_t sid;               // stream id of the Forward in flight, 0 = none
  pid_t child;                // publish binary in flight, 0 = none
  int killed;                 // child overran its deadline and was sent SIGKILL
  int tries;
  long next_ms, deadline_ms;  // earliest next attempt; end of the one in flight
  unsigned head, count;
  struct rp_event q[RP_EVENTS_QUEUE];
};

void rp_events_init(struct rp_events *ev, const char *ttrpc_addr, const char *ns,
                    const char *publish_bin, const char *grpc_addr);

// Queue event msg (described by d) on topic. A full queue drops the oldest
// event not in flight (logged).
void rp_events_publish(struct rp_events *ev, const char *topic, const struct rp_pb_msg *d,
                       const void *msg);

// Fill *p for poll (fd -1 when nothing to wait for); returns the ms until
// the loop must call rp_events_run again (-1: no deadline).
int rp_events_poll(struct rp_events *ev, struct pollfd *p, long now_ms);

// Make progress: send, read replies, retry, give up.
void rp_events_run(struct rp_events *ev, short revents, long now_ms);

// The publish binary exited (the loop reaps children): pass its status.
int rp_events_child(struct rp_events *ev, pid_t pid, int status, long now_ms);

int rp_events_pending(const struct rp_events *ev);

#endif
