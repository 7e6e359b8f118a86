// shimint.h - the shim server's state, shared by shim.c (loop, connections)
// and shimtask.c (Task service handlers). Not part of the lib API.
//
// Task state machine (event -> action -> next state):
//   CREATED  --Start----> ask the proxy to start ............ STARTING
//   STARTING --reply ok-> publish TaskStart, answer Start .... RUNNING
//   STARTING --reply err> answer Start with the error ........ CREATED (the proxy exits)
//   any      --proxy exit> record status, publish TaskExit,
//                          answer every Wait ................. STOPPED
//   CREATED, STOPPED --Delete--> clean up, publish TaskDelete . (gone)
//   RUNNING, STARTING --Delete--> FAILED_PRECONDITION

#ifndef RP_SHIMINT_H
#define RP_SHIMINT_H

#include "events.h"
#include "path.h"
#include "proc.h"
#include "rt.h"
#include "shim.h"
#include "taskpb.h"
#include "ttrpc.h"

#define SHIM_TASKS 16
#define SHIM_CONNS (SHIM_TASKS + 4)  // containerd: one per task of the group, + restarts/probes
// A frame begun must be complete within this: a client that stops in the
// middle of one holds a slot for nothing.
#define SHIM_FRAME_MS 5000
#define SHIM_WAITERS 16
#define SHIM_ID_MAX 255

enum tstate { T_CREATED, T_STARTING, T_RUNNING, T_STOPPED };

struct waiter {  // a parked request: which connection (and incarnation), which stream
  int conn;
  unsigned gen;
  uint32_t sid;
};

struct task {
  int used;
  enum tstate st;
  char id[SHIM_ID_MAX + 1], bundle[1024], in[512], out[512], err[512];
  int terminal, mounted, pid;  // mounted: rootfs mounts made in the bundle
  uint32_t exit_status;
  struct rp_pb_timestamp exited_at;
  int fd_in, fd_out, fd_err;
  int start_fd;                 // proxy control socket while STARTING
  long start_deadline;
  struct waiter start;          // the parked Start
  int nwait;
  struct waiter wait[SHIM_WAITERS];
};

struct conn {
  int used;
  unsigned gen;
  int spoke;    // it has sent a whole request
  int partial;  // part of a frame waits for the rest
  long since;   // when it was accepted, or when its partial frame began (ms)
  struct rp_ttrpc_conn c;
};

// The server's state and working memory: the proxies and guardians it forks
// give it back in one piece (forget_shim in shim.c), hence whole pages.
struct RP_PROC_PAGES shim {
  struct rp_shim_opts o;
  struct rp_rt rt;
  int lfd, sigfd, devnull;
  int stopping;                 // Shutdown or SIGTERM: exit once events are out
  long stop_deadline;
  unsigned gen;
  char socket[256];
  struct task t[SHIM_TASKS];
  struct conn c[SHIM_CONNS];
  struct rp_events ev;
  struct {  // the Task handlers' working memory (shimtask.c), too big for the stack
    char arena[3 * RP_PATH_MAX + 8192];  // one rootfs mount's strings
    struct rp_pb_create_task_request create;
    struct rp_pb_pids_response pids;
  } scratch;
};

extern struct shim shim;

long shim_now_ms(void);
struct rp_pb_timestamp shim_now_ts(void);

// Answer a parked or current request.
void shim_reply(const struct waiter *w, const struct rp_pb_msg *d, const void *msg);
void shim_reply_err(const struct waiter *w, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

// Task service: decode the request on conn ci and answer (or park) it.
void shim_task_call(int ci, const struct rp_ttrpc_call *call);

// Connection ci closed: forget the requests parked on it (ttrpc has no
// cancel, so nobody else would).
void shim_task_conn_closed(int ci);

// The proxy of a task exited with wait status.
void shim_task_exited(struct task *t, int status);

// The proxy answered a Start (or its socket closed, or the deadline passed).
void shim_task_started(struct task *t, int timed_out);

struct task *shim_task_by_pid(int pid);

#endif
