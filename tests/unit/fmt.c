// fmt.c - unit tests of lib/fmt.c, with the C library's snprintf as oracle
// (the host build links glibc, whose printf is the reference behaviour).

#include "unit.h"

#include <limits.h>
#include <stdint.h>

#include "fmt.h"

#define SAME(...)                                                            \
  do {                                                                       \
    char a_[256], b_[256];                                                   \
    int na_ = rp_snprintf(a_, sizeof(a_), __VA_ARGS__);                      \
    int nb_ = snprintf(b_, sizeof(b_), __VA_ARGS__);                         \
    if (na_ != nb_ || strcmp(a_, b_)) {                                      \
      printf("  %s:%d: %s: got \"%s\" (%d), want \"%s\" (%d)\n", __FILE__,   \
             __LINE__, #__VA_ARGS__, a_, na_, b_, nb_);                      \
      return __LINE__;                                                       \
    }                                                                        \
  } while (0)

static int test_integers(void)
{
  SAME("%d %d %d", 0, -1, 42);
  SAME("%d %d", INT_MIN, INT_MAX);
  SAME("%u %u", 0u, UINT_MAX);
  SAME("%ld %ld", LONG_MIN, LONG_MAX);
  SAME("%lld %llu", LLONG_MIN, ULLONG_MAX);
  SAME("%zu %zu", (size_t)0, SIZE_MAX);
  SAME("%x %X %llx %08llx %04x", 255u, 255u, 0xdeadbeefcafeULL, 0x3b8ULL, 7u);
  SAME("%o", 8u);
  SAME("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);
  SAME("%jd %jd", (intmax_t)-5, INTMAX_MAX);
  SAME("%i", -17);
  return 0;
}

static int test_width_and_flags(void)
{
  SAME("[%5d] [%-5d] [%05d]", 42, 42, 42);
  SAME("[%5d] [%05d]", -42, -42);
  SAME("[%02d:%02d:%02d]", 7, 5, 9);
  SAME("[%09ld]", 123456789L);
  SAME("[%*d] [%-*d] [%*d]", 6, 1, 6, 1, -6, 1);
  SAME("[%.3d] [%.0d] [%5.3d] [%.0d]", 7, 0, 7, 5);
  SAME("[%-8d|%-9s|%-16s]", 1234, "running", "m4");
  return 0;
}

static int test_strings(void)
{
  SAME("%s|%s|%s", "", "a", "hello world");
  SAME("[%10s] [%-10s] [%.3s] [%10.3s] [%-10.3s]", "abcdef", "abcdef", "abcdef", "abcdef", "abcdef");
  SAME("%.*s|%.*s", 3, "abcdef", 0, "abcdef");
  SAME("%c%c%c", 'a', 'b', 'c');
  SAME("[%3c] [%-3c]", 'x', 'y');
  SAME("100%% done %s", "ok");
  char unterminated[4] = {'a', 'b', 'c', 'd'};  // %.*s must not read past it
  SAME("%.*s", 4, unterminated);
  return 0;
}

static int test_truncation(void)
{
  char buf[8];
  check(rp_snprintf(buf, sizeof(buf), "%s", "0123456789") == 10);
  check_str(buf, "0123456");
  check(rp_snprintf(buf, 1, "%d", 12345) == 5);
  check_str(buf, "");
  check(rp_snprintf(NULL, 0, "%s-%d", "ab", 7) == 4);  // sizing only
  check(rp_snprintf(buf, sizeof(buf), "%5d|%s", 1, "xy") == 8);
  check_str(buf, "    1|x");
  return 0;
}

static int test_pointer(void)
{
  char a[32], b[32];
  void *p = (void *)0x1234;
  rp_snprintf(a, sizeof(a), "%p", p);
  snprintf(b, sizeof(b), "%p", p);
  check_str(a, b);
  return 0;
}

int main(void)
{
  RUN(test_integers);
  RUN(test_width_and_flags);
  RUN(test_strings);
  RUN(test_truncation);
  RUN(test_pointer);
  return unit_end();
}
