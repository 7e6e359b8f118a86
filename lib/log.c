// log.c - the process's log sink (see log.h)

#include "log.h"
#include "fmt.h"
#include "json.h"
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct {
  const char *prog;
  int fd;      // -1 = stderr
  int json;
  enum rp_log_level level;
} lg = {"rprocbox", -1, 0, RP_LOG_WARN};

static const char *const names[] = {"error", "warning", "info", "debug"};

void rp_log_init(const char *prog) { lg.prog = prog; }
void rp_log_set_level(enum rp_log_level level) { lg.level = level; }
void rp_log_set_json(int json) { lg.json = CFG_JSON_LOG && json; }

int rp_log_open(const char *path, struct rp_err *e)
{
  if (!path || !*path || !strcmp(path, "-")) return 0;
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
  if (fd < 0) return rp_errf(e, errno, "cannot open log file %s: %s", path, strerror(errno));
  if (lg.fd >= 0) close(lg.fd);
  lg.fd = fd;
  return 0;
}

int rp_log_level_parse(const char *s)
{
  if (!strcmp(s, "warn")) return RP_LOG_WARN;
  for (int i = 0; i < 4; i++)
    if (!strcmp(s, names[i])) return i;
  return -1;
}

// The date of a day counted from 1970-01-01, in the proleptic Gregorian
// calendar (H. Hinnant's civil_from_days): gmtime_r would link libc's
// general time conversion for this one use.
static void civil(long long days, int *y, int *m, int *d)
{
  days += 719468;  // from 0000-03-01: leap days come last in a year
  long long era = (days >= 0 ? days : days - 146096) / 146097;
  unsigned doe = (unsigned)(days - era * 146097);  // day of the 400-year era
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)(era * 400 + yoe + (*m <= 2));
}

void rp_log_utc(long long sec, long nsec, char *buf, int cap)
{
  long long days = sec / 86400, s = sec % 86400;
  int y, m, d;
  if (s < 0) s += 86400, days--;
  civil(days, &y, &m, &d);
  rp_snprintf(buf, (size_t)cap, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", y, m, d, (int)(s / 3600),
              (int)(s / 60 % 60), (int)(s % 60), nsec);
}

void rp_log_time(char *buf, int cap)
{
  struct timespec ts;
  rp_clock(CLOCK_REALTIME, &ts);
  rp_log_utc(ts.tv_sec, ts.tv_nsec, buf, cap);
}

static void put(int fd, const char *s, size_t n)
{
  while (n > 0) {
    ssize_t w = write(fd, s, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;  // a log line is never worth failing the operation
    s += w;
    n -= (size_t)w;
  }
}

// Format one line for the file sink (JSON or logrus-like text).
static void file_line(enum rp_log_level level, const char *msg)
{
  char t[48], line[1536];
  rp_log_time(t, sizeof(t));
  if (lg.json) {
    struct rp_jw w;
    rp_jw_init(&w, line, sizeof(line) - 1, 0);
    rp_jw_obj(&w);
    rp_jw_kstr(&w, "level", names[level]);
    rp_jw_kstr(&w, "msg", msg);
    rp_jw_kstr(&w, "time", t);
    rp_jw_end(&w);
    int n = rp_jw_finish(&w);
    if (n < 0) return;
    line[n] = '\n';
    put(lg.fd, line, (size_t)n + 1);
    return;
  }
  char quoted[1100];  // logrus-like text: msg quoted with JSON escapes
  struct rp_jw q;
  rp_jw_init(&q, quoted, sizeof(quoted), 0);
  rp_jw_str(&q, msg);
  if (rp_jw_finish(&q) < 0) rp_snprintf(quoted, sizeof(quoted), "\"\"");
  int n = rp_snprintf(line, sizeof(line), "time=\"%s\" level=%s msg=%s\n", t, names[level], quoted);
  if (n > 0) put(lg.fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

static void stderr_line(enum rp_log_level level, const char *msg)
{
  char line[1536];
  int n = level == RP_LOG_ERROR
              ? rp_snprintf(line, sizeof(line), "%s: %s\n", lg.prog, msg)
              : rp_snprintf(line, sizeof(line), "%s: %s: %s\n", lg.prog, names[level], msg);
  // One message, one line: a control character from input (a firmware
  // name holding a newline) must not split it or forge a line after it.
  for (int i = 0; i < n - 1 && i < (int)sizeof(line) - 2; i++)
    if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f) line[i] = '?';
  if (n > 0) put(2, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

static void vlog(enum rp_log_level level, int always_stderr, const char *fmt, va_list ap)
{
  char msg[1024];
  rp_vsnprintf(msg, sizeof(msg), fmt, ap);
  if (lg.fd >= 0) file_line(level, msg);
  if (lg.fd < 0 || always_stderr) stderr_line(level, msg);
}

void rp_log(int level, const char *fmt, ...)
{
  if ((level & 7) > (int)lg.level) return;
  va_list ap;
  va_start(ap, fmt);
  vlog(level & 7, level & RP_LOG_STDERR, fmt, ap);
  va_end(ap);
}
