// fuzz.h - shared helpers of the libFuzzer harnesses in tests/fuzz/
//
// Each harness is one LLVMFuzzerTestOneInput over the real lib/ code, built
// by scripts/fuzz.sh with clang -fsanitize=fuzzer,address,undefined. Rules
// every harness keeps: deterministic (no time, no randomness outside the
// input), no leaks (everything allocated per run is freed per run), no
// state carried from one run to the next (statics only for constant data).
//
// An invariant the library must keep is checked with FUZZ_CHECK: a failure
// prints what was wrong and aborts, which libFuzzer reports as a crash with
// the input saved as its reproducer.

#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

#define FUZZ_CHECK(cond, ...)                                                   \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: invariant failed: %s: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                            \
      fputc('\n', stderr);                                                     \
      abort();                                                                 \
    }                                                                          \
  } while (0)

// What every failing lib call must leave behind: a negative code and one
// non-empty, NUL-terminated sentence in e.
static inline void fuzz_check_err(int rc, const struct rp_err *e)
{
  FUZZ_CHECK(rc < 0, "rc %d", rc);
  FUZZ_CHECK(memchr(e->msg, 0, sizeof(e->msg)) != NULL, "message not NUL-terminated");
  FUZZ_CHECK(e->msg[0] != 0, "rc %d with an empty message", rc);
  FUZZ_CHECK(e->code > 0, "rc %d, code %d", rc, e->code);
}

// 1 if p[0..n) lies inside base[0..size).
static inline int fuzz_inside(const void *p, size_t n, const void *base, size_t size)
{
  const char *a = p, *b = base;
  return a >= b && n <= size && (size_t)(a - b) <= size - n;
}

// A C string inside base[0..size), terminated there.
static inline int fuzz_cstr_inside(const char *s, const void *base, size_t size)
{
  const char *b = base;
  return s >= b && (size_t)(s - b) < size && memchr(s, 0, size - (size_t)(s - b)) != NULL;
}

#endif
