// proc.h - process helpers: liveness that survives pid reuse, descriptor
// hygiene for long-lived children, names, EINTR-safe waits

#ifndef RP_PROC_H
#define RP_PROC_H

#include <stddef.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

// clock_gettime(2) made as a system call: libc's looks up the vDSO first,
// 0.7 KiB of code for clocks read a few times a second at most.
static inline void rp_clock(clockid_t c, struct timespec *t) { syscall(SYS_clock_gettime, c, t); }

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

// In a forked child: give back the whole pages of an object only the parent
// used (MADV_DONTNEED). They read as zeros afterwards. A long-lived child
// (the proxy) would otherwise keep every page its parent had written.
void rp_proc_forget(void *p, size_t n);

// Only whole pages can be given back: a page an object shares with a
// neighbour the child keeps stays. The parent's working memory is therefore
// gathered in structs of this type attribute, aligned to Linux's smallest
// page and sized in whole pages (on a kernel with larger pages their ends may
// still share one).
#define RP_PROC_PAGE 4096
#define RP_PROC_PAGES __attribute__((aligned(RP_PROC_PAGE)))

// In a forked child: give back the stack pages below the caller's frame,
// written by the parent's deeper calls before the fork.
void rp_proc_trim_stack(void);

// In a forked child that never returns: give back the stack pages between
// the caller's frame (frame, the address of one of its locals) and the
// process's argument strings (args, argv[0]), i.e. the frames of callers it
// will never return to. NULL args: nothing is done.
void rp_proc_forget_callers(const void *frame, const void *args);

// waitpid() retried on EINTR.
pid_t rp_proc_wait(pid_t pid, int *status, int flags);

// Exit status as a shell shows it: code, or 128 + signal.
int rp_proc_exit_code(int status);

#endif
