// shimfsm.c - the shim's task lifecycle as one state x event table
//
// Every rule about which request is legal in which state lives here; the
// handlers (shimtask.c) keep only their I/O. Read a row as "in this state,
// on this event: do this, then be in that state". The README's state
// diagram draws the same table.

#include "shimint.h"

enum { RUNNING, STOPPED, BUSY, FINISHED };
static const struct { int code; const char *why; } refusals[] = {
    [RUNNING] = {RP_TTRPC_FAILED_PRECONDITION, "task %s cannot be started: it is already running"},
    [STOPPED] = {RP_TTRPC_FAILED_PRECONDITION, "task %s cannot be started: it is stopped"},
    [BUSY] = {RP_TTRPC_FAILED_PRECONDITION, "task %s must be stopped before deletion: running"},
    [FINISHED] = {RP_TTRPC_NOT_FOUND, "process already finished"},
};

#define GO(s) {s, A_DO, 0, 0}
#define NOP(s) {s, A_IGNORE, 0, 0}
#define PARK(s) {s, A_PARK, 0, 0}
#define NO(s, why) {s, A_REFUSE, why, 0}

static const struct trule table[T_STATES][T_EVENTS] = {
    [T_CREATED] = {
        [E_START] = GO(T_STARTING),
        [E_STARTED] = GO(T_CREATED),         // never: only a STARTING task has a start pending
        [E_START_FAILED] = GO(T_CREATED),
        [E_EXIT] = GO(T_STOPPED),
        [E_KILL] = GO(T_CREATED),
        [E_DELETE] = {T_STOPPED, A_DO, 0, 1},
        [E_WAIT] = PARK(T_CREATED),
    },
    [T_STARTING] = {
        [E_START] = NO(T_STARTING, RUNNING),
        [E_STARTED] = GO(T_RUNNING),
        [E_START_FAILED] = GO(T_CREATED),    // the proxy exits on its own
        [E_EXIT] = GO(T_STOPPED),            // the parked Start is still answered
        [E_KILL] = GO(T_STARTING),
        [E_DELETE] = NO(T_STARTING, BUSY),
        [E_WAIT] = PARK(T_STARTING),
    },
    [T_RUNNING] = {
        [E_START] = NO(T_RUNNING, RUNNING),
        [E_STARTED] = GO(T_RUNNING),
        [E_START_FAILED] = GO(T_RUNNING),
        [E_EXIT] = GO(T_STOPPED),
        [E_KILL] = GO(T_RUNNING),
        [E_DELETE] = NO(T_RUNNING, BUSY),
        [E_WAIT] = PARK(T_RUNNING),
    },
    [T_STOPPED] = {
        [E_START] = NO(T_STOPPED, STOPPED),
        [E_STARTED] = GO(T_STOPPED),         // it exited while starting: Start still succeeded
        [E_START_FAILED] = GO(T_STOPPED),
        [E_EXIT] = NOP(T_STOPPED),
        [E_KILL] = NO(T_STOPPED, FINISHED),
        [E_DELETE] = GO(T_STOPPED),
        [E_WAIT] = {T_STOPPED, A_ANSWER, 0, 0},
    },
};

const struct trule *shim_rule(const struct task *t, enum tevent ev) { return &table[t->st][ev]; }

const char *shim_refusal(const struct trule *r, int *code)
{
  *code = refusals[r->why].code;
  return refusals[r->why].why;
}
