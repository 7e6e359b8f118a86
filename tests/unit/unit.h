// unit.h - tiny harness for the C unit tests of lib/ (built with ASan+UBSan).
//
// A test is `static int test_x(void)` returning 0 (pass), 77 (skip) or the
// failing line; check() returns __LINE__ on the first false condition.
// main() calls RUN(test_x) for each and returns unit_end(). Output lines match
// the shell tests: "PASS: unit/<file>: test_x".

#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>
#include <string.h>

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

#endif
