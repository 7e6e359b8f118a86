// proc.h - process helpers: liveness that survives pid reuse, descriptor
// hygiene for long-lived children, names, EINTR-safe waits

#ifndef RP_PROC_H
#define RP_PROC_H

#include <sys/types.h>

// Start time of pid (clock ticks since boot, /proc/<pid>/stat field 22).
// Returns 0, or -ESRCH when the process is gone or a zombie.
int rp_proc_starttime(pid_t pid, unsigned long long *start);

// 1 when pid runs and started at start (so it is the same process).
int rp_proc_alive(pid_t pid, unsigned long long start);

// Close every descriptor >= low (callers hand runtimes their sockets on
// fd 3 and up; a long-lived child must not keep them).
void rp_proc_close_from(int low);

// Set the kernel's name of this thread (comm, 15 bytes).
void rp_proc_set_name(const char *name);

// waitpid() retried on EINTR.
pid_t rp_proc_wait(pid_t pid, int *status, int flags);

// Exit status as a shell shows it: code, or 128 + signal.
int rp_proc_exit_code(int status);

#endif
