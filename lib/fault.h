// fault.h - test-only fault points: die by SIGKILL at a named step
//
// The crash-safety tests (tests/faults.test) need a create or start killed
// at one exact step, which timing cannot hit reliably. Each step calls
// rp_fault("NAME"); when the environment variable RPROC_FAULT equals NAME,
// the process sends itself SIGKILL right there, exactly as a kill -9 from
// outside would land. Without RPROC_FAULT nothing changes: the variable is
// read once per process and each point is then one pointer test.
//
// Steps, in the order the code reaches them:
//   create  after-statedir   the state directory exists, state.json "creating"
//           after-claim      state.json "creating", config, claim, ctl socket
//           after-fork       proxy and guardian exist; nothing names the proxy yet
//           after-hooks      claim and state.json name the proxy; hooks ran
//           after-created    state.json says "created" (not yet committed)
//           after-commit     the proxy got the commit byte; create is done
//   start   after-stage      firmware copied to the staging directory
//           after-starting   state.json says "starting"
//           after-send       the start request reached the proxy
//           after-reply      the proxy's answer was read, not yet recorded
//   delete  after-stop       proxy killed and processor stopped
//           after-unclaim    staged firmware and claim removed, state left

#ifndef RP_FAULT_H
#define RP_FAULT_H

// SIGKILL this process if $RPROC_FAULT names step.
void rp_fault(const char *step);

#endif
