// log.c - unit tests of lib/log.c's timestamps
//
// Log lines and the state's "created" carry RFC 3339 UTC times computed
// without gmtime_r (lib/log.c civil): they must be the dates gmtime_r gives.

#include "unit.h"

#include <time.h>

#include "log.h"

// rp_log_utc's text for sec, and what gmtime_r makes of the same second.
static int same_as_gmtime(long long sec)
{
  char got[64], want[64];
  time_t t = (time_t)sec;
  struct tm tm;
  if (!gmtime_r(&t, &tm)) return 0;
  rp_log_utc(sec, 123456789, got, sizeof(got));
  snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.123456789Z", tm.tm_year + 1900,
           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (strcmp(got, want)) printf("  %lld: got %s, want %s\n", sec, got, want);
  return !strcmp(got, want);
}

static int test_known_dates(void)
{
  char buf[64];
  rp_log_utc(0, 0, buf, sizeof(buf));
  check_str(buf, "1970-01-01T00:00:00.000000000Z");
  rp_log_utc(951782400, 5, buf, sizeof(buf));  // a leap day of a year divisible by 400
  check_str(buf, "2000-02-29T00:00:00.000000005Z");
  rp_log_utc(4107542399LL, 0, buf, sizeof(buf));  // 2100 is not a leap year
  check_str(buf, "2100-02-28T23:59:59.000000000Z");
  rp_log_utc(-1, 0, buf, sizeof(buf));
  check_str(buf, "1969-12-31T23:59:59.000000000Z");
  return 0;
}

// Every day boundary over four centuries, and seconds spread over each day.
static int test_matches_gmtime(void)
{
  for (long long sec = -2208988800LL; sec < 10000000000LL; sec += 86400 - 1) check(same_as_gmtime(sec));
  for (long long sec = 0; sec < 86400 * 3; sec += 997) check(same_as_gmtime(sec));
  check(same_as_gmtime(253402300799LL));  // 9999-12-31T23:59:59
  return 0;
}

static int test_now(void)
{
  char buf[64];
  rp_log_time(buf, sizeof(buf));
  check(strlen(buf) == 30 && buf[4] == '-' && buf[10] == 'T' && buf[19] == '.' && buf[29] == 'Z');
  return 0;
}

int main(void)
{
  RUN(test_known_dates);
  RUN(test_matches_gmtime);
  RUN(test_now);
  return unit_end();
}
