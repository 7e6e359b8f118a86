// signame.c - unit tests of lib/signame.c: signals as `kill` callers send them
//
// containerd and docker send numbers, "KILL" or "SIGKILL"; every form must map
// to Linux's number, anything else must be refused rather than guessed.

#include "unit.h"

#include <errno.h>
#include <signal.h>

#include "signame.h"

static int test_parse_forms(void)
{
  check(rp_signal_parse("9") == 9);
  check(rp_signal_parse("KILL") == SIGKILL);
  check(rp_signal_parse("SIGKILL") == SIGKILL);
  check(rp_signal_parse("kill") == SIGKILL);
  check(rp_signal_parse("sigterm") == SIGTERM);
  check(rp_signal_parse("SigTerm") == SIGTERM);
  check(rp_signal_parse("15") == SIGTERM);
  check(rp_signal_parse("1") == SIGHUP);
  check(rp_signal_parse("64") == 64);  // real-time signals by number
  check(rp_signal_parse("034") == 34);
  check(rp_signal_parse("SIGSTKFLT") == 16);
  check(rp_signal_parse("WINCH") == 28);
  return 0;
}

static int test_parse_invalid(void)
{
  static const char *const bad[] = {"", "0", "65", "-9", "+9", " 9", "9 ", "SIG", "SIGFOO", "SIG9",
                                    "KILL ", "SIGSIGKILL", "IOT", "RTMIN", "SIGRTMIN+1", "99999999999999999999"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
    if (rp_signal_parse(bad[i]) != -EINVAL) printf("  \"%s\"\n", bad[i]);
    check(rp_signal_parse(bad[i]) == -EINVAL);
  }
  return 0;
}

// Every name maps to the number Linux uses, with and without "SIG".
static int test_names(void)
{
  static const struct { int sig; const char *name; } t[] = {
      {1, "SIGHUP"},   {2, "SIGINT"},   {3, "SIGQUIT"},    {4, "SIGILL"},    {5, "SIGTRAP"},
      {6, "SIGABRT"},  {7, "SIGBUS"},   {8, "SIGFPE"},     {9, "SIGKILL"},   {10, "SIGUSR1"},
      {11, "SIGSEGV"}, {12, "SIGUSR2"}, {13, "SIGPIPE"},   {14, "SIGALRM"},  {15, "SIGTERM"},
      {16, "SIGSTKFLT"}, {17, "SIGCHLD"}, {18, "SIGCONT"}, {19, "SIGSTOP"},  {20, "SIGTSTP"},
      {21, "SIGTTIN"}, {22, "SIGTTOU"}, {23, "SIGURG"},    {24, "SIGXCPU"},  {25, "SIGXFSZ"},
      {26, "SIGVTALRM"}, {27, "SIGPROF"}, {28, "SIGWINCH"}, {29, "SIGIO"},   {30, "SIGPWR"},
      {31, "SIGSYS"},
  };
  for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
    check(rp_signal_parse(t[i].name) == t[i].sig);
    check(rp_signal_parse(t[i].name + 3) == t[i].sig);
  }
  return 0;
}

int main(void)
{
  RUN(test_parse_forms);
  RUN(test_parse_invalid);
  RUN(test_names);
  return unit_end();
}
