// shimint.h - the shim server's state, shared by shim.c (loop, connections)
// and shimtask.c (Task service handlers). Not part of the lib API.
//
// A task's lifecycle is one state x event table (shimfsm.c, as in
// s6-supervise): the handlers in shimtask.c ask it what an event means in
// the task's state, do the I/O, and enter the state it names.

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

enum tstate { T_CREATED, T_STARTING, T_RUNNING, T_STOPPED, T_STATES };

// What happens to a task: requests (Start, Kill, Delete, Wait) and what the
// proxy does (answers a Start, exits).
enum tevent { E_START, E_STARTED, E_START_FAILED, E_EXIT, E_KILL, E_DELETE, E_WAIT, T_EVENTS };

// What the handler does for an event in a state.
enum tact {
  A_DO,      // the event's work (for Delete: the proxy is killed first)
  A_IGNORE,  // nothing: a second exit
  A_PARK,    // keep the request; answered when the task exits
  A_ANSWER,  // answer from what the exit recorded
  A_REFUSE,  // answer with the rule's error
};

// Bytes, not enums: the table is read on every request of a small binary.
struct trule {
  unsigned char next;    // enum tstate, entered once the work succeeded
  unsigned char act;     // enum tact
  unsigned char why;     // A_REFUSE: which refusal (shim_refusal)
  unsigned char killed;  // Delete: the proxy never exited: exit 137
};

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

// The rule for event ev in t's state (shimfsm.c).
const struct trule *shim_rule(const struct task *t, enum tevent ev);

// A refusal's ttrpc status and message (%s: the task id).
const char *shim_refusal(const struct trule *r, int *code);

#endif
