// num.c - unit tests of lib/num.c, strict decimal parsing
//
// Numbers come from the command line (--timeout, --preserve-fds) and from
// /proc and state files; anything but plain digits in range must fail.

#include "unit.h"

#include <errno.h>
#include <limits.h>

#include "num.h"

static int test_parse_valid(void)
{
  unsigned long long v = 99;
  check(rp_num_parse("0", 10, &v) == 0 && v == 0);
  check(rp_num_parse("007", 10, &v) == 0 && v == 7);  // leading zeros are digits
  check(rp_num_parse("10", 10, &v) == 0 && v == 10);  // max itself is in range
  check(rp_num_parse("18446744073709551615", ULLONG_MAX, &v) == 0 && v == ULLONG_MAX);
  check(rp_num_parse("3600000", 3600000, &v) == 0 && v == 3600000);
  return 0;
}

static int test_parse_invalid(void)
{
  static const char *const bad[] = {"", "-1", "+1", " 1", "1 ", "1x", "0x10", "1.0", "1e3", "\n"};
  unsigned long long v = 99;
  for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) check(rp_num_parse(bad[i], 100, &v) == -EINVAL);
  return 0;
}

static int test_parse_range(void)
{
  unsigned long long v = 99;
  check(rp_num_parse("11", 10, &v) == -ERANGE);
  check(rp_num_parse("3600001", 3600000, &v) == -ERANGE);
  check(rp_num_parse("18446744073709551616", ULLONG_MAX, &v) == -ERANGE);
  check(rp_num_parse("99999999999999999999999", ULLONG_MAX, &v) == -ERANGE);
  check(rp_num_parse("256", 255, &v) == -ERANGE);
  check(rp_num_parse("1x", 0, &v) == -ERANGE);  // range is checked while reading digits
  check(v == 99);
  return 0;
}

// A single digit above a small max: max - digit must not wrap around.
static int test_parse_small_max(void)
{
  unsigned long long v = 99;
  check(rp_num_parse("7", 5, &v) == -ERANGE);
  check(rp_num_parse("5", 5, &v) == 0 && v == 5);
  check(rp_num_parse("1", 0, &v) == -ERANGE);
  check(rp_num_parse("0", 0, &v) == 0 && v == 0);
  check(rp_num_parse("19", 9, &v) == -ERANGE);
  return 0;
}

static int test_prefix(void)
{
  unsigned long long v = 0;
  const char *rest = NULL;
  check(rp_num_prefix("123 exited", 255, &v, &rest) == 0 && v == 123);
  check_str(rest, " exited");
  check(rp_num_prefix("42", 255, &v, &rest) == 0 && v == 42 && *rest == 0);
  check(rp_num_prefix("42\n", 255, &v, NULL) == 0 && v == 42);  // rest is optional
  rest = NULL;
  check(rp_num_prefix(" 1", 255, &v, &rest) == -EINVAL && !rest);
  check(rp_num_prefix("x", 255, &v, &rest) == -EINVAL);
  check(rp_num_prefix("256 x", 255, &v, &rest) == -ERANGE);
  return 0;
}

int main(void)
{
  RUN(test_parse_valid);
  RUN(test_parse_invalid);
  RUN(test_parse_range);
  RUN(test_parse_small_max);
  RUN(test_prefix);
  return unit_end();
}
