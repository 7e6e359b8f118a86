// signame.c - signal name table (Linux numbering)

#include "signame.h"
#include "num.h"

#include <errno.h>
#include <signal.h>
#include <strings.h>

static const struct { int sig; const char *name; } sigs[] = {
    {SIGHUP, "HUP"},     {SIGINT, "INT"},       {SIGQUIT, "QUIT"},   {SIGILL, "ILL"},
    {SIGTRAP, "TRAP"},   {SIGABRT, "ABRT"},     {SIGBUS, "BUS"},     {SIGFPE, "FPE"},
    {SIGKILL, "KILL"},   {SIGUSR1, "USR1"},     {SIGSEGV, "SEGV"},   {SIGUSR2, "USR2"},
    {SIGPIPE, "PIPE"},   {SIGALRM, "ALRM"},     {SIGTERM, "TERM"},   {SIGSTKFLT, "STKFLT"},
    {SIGCHLD, "CHLD"},   {SIGCONT, "CONT"},     {SIGSTOP, "STOP"},   {SIGTSTP, "TSTP"},
    {SIGTTIN, "TTIN"},   {SIGTTOU, "TTOU"},     {SIGURG, "URG"},     {SIGXCPU, "XCPU"},
    {SIGXFSZ, "XFSZ"},   {SIGVTALRM, "VTALRM"}, {SIGPROF, "PROF"},   {SIGWINCH, "WINCH"},
    {SIGIO, "IO"},       {SIGPWR, "PWR"},       {SIGSYS, "SYS"},
};

int rp_signal_parse(const char *s)
{
  unsigned long long n;
  if (!rp_num_parse(s, 64, &n)) return n >= 1 ? (int)n : -EINVAL;
  if (!strncasecmp(s, "SIG", 3)) s += 3;
  for (unsigned i = 0; i < sizeof(sigs) / sizeof(*sigs); i++)
    if (!strcasecmp(s, sigs[i].name)) return sigs[i].sig;
  return -EINVAL;
}
