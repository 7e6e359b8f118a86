// proc.c - process helpers (see proc.h)

#include "proc.h"
#include "err.h"
#include "dir.h"
#include "num.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int rp_proc_starttime(pid_t pid, unsigned long long *start)
{
  char path[32], buf[1024];
  if (pid <= 0) return -ESRCH;
  rp_fmt(path, sizeof(path), "/proc/%d/stat", (int)pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -ESRCH;
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n <= 0) return -ESRCH;
  buf[n] = 0;
  char *s = strrchr(buf, ')');  // comm may hold spaces and parentheses
  if (!s || s[1] != ' ' || s[2] == 'Z' || s[2] == 'X') return -ESRCH;
  s += 2;
  for (int field = 3; field < 22 && s; field++) {
    s = strchr(s, ' ');
    if (s) s++;
  }
  if (!s) return -ESRCH;
  return rp_num_prefix(s, ~0ULL, start, NULL) ? -ESRCH : 0;
}

int rp_proc_alive(pid_t pid, unsigned long long start)
{
  unsigned long long now;
  return rp_proc_starttime(pid, &now) == 0 && now == start;
}

void rp_proc_close_from(int low)
{
#ifdef SYS_close_range
  if (syscall(SYS_close_range, (unsigned)low, ~0u, 0) == 0) return;
#endif
  struct rp_dir d;
  if (rp_dir_open(&d, AT_FDCWD, "/proc/self/fd")) {
    for (int fd = low; fd < 1024; fd++) close(fd);
    return;
  }
  for (const char *n; (n = rp_dir_next(&d));) {
    unsigned long long fd;
    if (!rp_num_parse(n, 1 << 30, &fd) && (int)fd >= low && (int)fd != d.fd) close((int)fd);
  }
  rp_dir_close(&d);
}

void rp_proc_set_name(const char *name) { prctl(PR_SET_NAME, name, 0, 0, 0); }

pid_t rp_proc_wait(pid_t pid, int *status, int flags)
{
  pid_t r;
  do r = waitpid(pid, status, flags);
  while (r < 0 && errno == EINTR);
  return r;
}

int rp_proc_exit_code(int status)
{
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

void rp_proc_forget(void *p, size_t n)
{
  uintptr_t pg = (uintptr_t)getpagesize(), a = ((uintptr_t)p + pg - 1) & ~(pg - 1);
  uintptr_t b = ((uintptr_t)p + n) & ~(pg - 1);
  if (b > a) madvise((void *)a, b - a, MADV_DONTNEED);
}

// noinline: its frame must sit where the caller's deeper calls will go.
__attribute__((noinline)) void rp_proc_trim_stack(void)
{
  volatile char here = 0;
  uintptr_t pg = (uintptr_t)getpagesize(), window = 1 << 20;
  // Keep two pages below this frame for madvise's own call frames; the
  // window may reach below the stack mapping, which madvise skips.
  uintptr_t end = ((uintptr_t)&here & ~(pg - 1)) - 2 * pg;
  madvise((void *)(end - window), window, MADV_DONTNEED);
  (void)here;
}

void rp_proc_forget_callers(const void *frame, const void *args)
{
  uintptr_t pg = (uintptr_t)getpagesize();
  uintptr_t a = (((uintptr_t)frame + pg - 1) & ~(pg - 1)) + 2 * pg;  // this frame stays
  uintptr_t b = ((uintptr_t)args & ~(pg - 1)) - 2 * pg;  // argv, envp, auxv stay
  if (args && b > a && b - a < (64u << 20)) madvise((void *)a, b - a, MADV_DONTNEED);
}
