// unit.h - tiny harness for the C unit tests of lib/ (built with ASan+UBSan).
//
// A test is `static int test_x(void)` returning 0 (pass), 77 (skip) or the
// failing line; check() returns __LINE__ on the first false condition.
// main() calls RUN(test_x) for each and returns unit_end(). Output lines match
// the shell tests: "PASS: unit/<file>: test_x".

#ifndef UNIT_H
#define UNIT_H

#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int unit_failures;

#define check(c)                                                             \
  do {                                                                       \
    if (!(c)) {                                                              \
      printf("  %s:%d: check failed: %s\n", __FILE__, __LINE__, #c);         \
      return __LINE__;                                                       \
    }                                                                        \
  } while (0)

#define check_str(a, b)                                                      \
  do {                                                                       \
    const char *a_ = (a), *b_ = (b);                                         \
    if (!a_ || !b_ || strcmp(a_, b_)) {                                      \
      printf("  %s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__,       \
             a_ ? a_ : "(null)", b_ ? b_ : "(null)");                        \
      return __LINE__;                                                       \
    }                                                                        \
  } while (0)

static const char *unit_name(const char *file)
{
  const char *s = strrchr(file, '/');
  static char buf[64];
  snprintf(buf, sizeof(buf), "%s", s ? s + 1 : file);
  char *dot = strrchr(buf, '.');
  if (dot) *dot = 0;
  return buf;
}

#define RUN(fn)                                                              \
  do {                                                                       \
    int r_ = fn();                                                           \
    const char *v_ = r_ == 0 ? "PASS" : r_ == 77 ? "SKIP" : "FAIL";          \
    printf("%s: unit/%s: %s%s\n", v_, unit_name(__FILE__), #fn,              \
           r_ == 77 ? " (skipped)" : "");                                    \
    if (r_ && r_ != 77) unit_failures++;                                     \
    fflush(stdout);                                                          \
  } while (0)

static int unit_end(void) { return unit_failures ? 1 : 0; }

// Shared fixtures. "unused": each test file takes what it needs.
#define UNIT_HELPER static inline __attribute__((unused))

// A fresh directory $TMPDIR/rpunit-<tag>.XXXXXX (or under /tmp) into buf.
UNIT_HELPER int unit_tmpdir(char *buf, size_t cap, const char *tag)
{
  const char *t = getenv("TMPDIR");
  snprintf(buf, cap, "%s/rpunit-%s.XXXXXX", t && *t ? t : "/tmp", tag);
  return mkdtemp(buf) ? 0 : -1;
}

UNIT_HELPER int unit_rm_one(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
  return remove(p);
}

// Remove dir and everything below it, without the code under test.
UNIT_HELPER void unit_rmtree(const char *dir) { nftw(dir, unit_rm_one, 16, FTW_DEPTH | FTW_PHYS); }

// dir + "/" + rel, in one of four rotating buffers.
UNIT_HELPER const char *unit_path(const char *dir, const char *rel)
{
  static char buf[4][2048];
  static int k;
  k = (k + 1) % 4;
  snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, rel);
  return buf[k];
}

// Write n bytes to path (created or truncated); 0 or -1.
UNIT_HELPER int unit_write(const char *path, const void *data, size_t n)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return -1;
  int r = write(fd, data, n) == (ssize_t)n ? 0 : -1;
  close(fd);
  return r;
}

// Run fn in a child with RPROC_ROOT = root (NULL: unset): lib/path.c caches
// the prefix for the life of a process. The child prints its own failure
// line; the result is 0, 77 or 1 (-1 when the child did not end normally).
UNIT_HELPER int unit_in_child(const char *root, int (*fn)(void))
{
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (root) setenv("RPROC_ROOT", root, 1);
    else unsetenv("RPROC_ROOT");
    int r = fn();
    fflush(stdout);
    _exit(r == 0 || r == 77 ? r : 1);
  }
  int st;
  if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) return -1;
  return WEXITSTATUS(st);
}

// "0a 03 66" -> bytes; returns the count.
UNIT_HELPER size_t unit_unhex(const char *s, uint8_t *out)
{
  size_t n = 0;
  unsigned v;
  int used;
  while (sscanf(s, " %2x%n", &v, &used) == 1) {
    out[n++] = (uint8_t)v;
    s += used;
  }
  return n;
}

#endif
