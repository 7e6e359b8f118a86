// shimfsm.c - unit tests of lib/shimfsm.c: the shim's task lifecycle table
//
// The end-to-end tests reach each rule through containerd; these read the
// table itself, so a cell edited by mistake (or left out, which reads as
// "do it, then CREATED") fails here by name.

#include "unit.h"

#include "shimint.h"

static struct task t;

static const struct trule *on(enum tstate s, enum tevent ev)
{
  t.st = s;
  return shim_rule(&t, ev);
}

static int refused(enum tstate s, enum tevent ev, int code, const char *why)
{
  const struct trule *r = on(s, ev);
  int c = -1;
  const char *w = r->act == A_REFUSE ? shim_refusal(r, &c) : "(not refused)";
  if (c != code || strcmp(w, why)) printf("  state %d event %d: %d \"%s\"\n", s, ev, c, w);
  return c == code && !strcmp(w, why) && r->next == s;
}

static int goes(enum tstate s, enum tevent ev, enum tstate next)
{
  const struct trule *r = on(s, ev);
  return r->act == A_DO && r->next == next;
}

static int test_start(void)
{
  check(goes(T_CREATED, E_START, T_STARTING));
  check(goes(T_STARTING, E_STARTED, T_RUNNING));
  check(goes(T_STARTING, E_START_FAILED, T_CREATED));
  check(goes(T_STOPPED, E_STARTED, T_STOPPED));  // exited while starting: stays stopped
  check(refused(T_STARTING, E_START, RP_TTRPC_FAILED_PRECONDITION, "task %s cannot be started: it is already running"));
  check(refused(T_RUNNING, E_START, RP_TTRPC_FAILED_PRECONDITION, "task %s cannot be started: it is already running"));
  check(refused(T_STOPPED, E_START, RP_TTRPC_FAILED_PRECONDITION, "task %s cannot be started: it is stopped"));
  return 0;
}

static int test_exit_kill_wait(void)
{
  for (int s = T_CREATED; s < T_STOPPED; s++) {
    check(goes((enum tstate)s, E_EXIT, T_STOPPED));
    check(goes((enum tstate)s, E_KILL, (enum tstate)s));
    check(on((enum tstate)s, E_WAIT)->act == A_PARK);
  }
  check(on(T_STOPPED, E_EXIT)->act == A_IGNORE);
  check(refused(T_STOPPED, E_KILL, RP_TTRPC_NOT_FOUND, "process already finished"));
  check(on(T_STOPPED, E_WAIT)->act == A_ANSWER);
  return 0;
}

static int test_delete(void)
{
  check(goes(T_CREATED, E_DELETE, T_STOPPED) && on(T_CREATED, E_DELETE)->killed);
  check(goes(T_STOPPED, E_DELETE, T_STOPPED) && !on(T_STOPPED, E_DELETE)->killed);
  check(refused(T_STARTING, E_DELETE, RP_TTRPC_FAILED_PRECONDITION, "task %s must be stopped before deletion: running"));
  check(refused(T_RUNNING, E_DELETE, RP_TTRPC_FAILED_PRECONDITION, "task %s must be stopped before deletion: running"));
  return 0;
}

// The table as README.md draws it: a row a state, a column an event; a
// cell is the state entered, or what happens to the request.
static void render(char *buf, size_t cap)
{
  static const char *const st[] = {"created", "starting", "running", "stopped"};
  static const char *const act[] = {"", "-", "parked", "answered", "refused"};
  size_t n = (size_t)snprintf(buf, cap, "%-9s %-9s %-9s %-9s %-8s %-9s %-16s %s\n", "", "Start", "started",
                              "failed", "exit", "Kill", "Delete", "Wait");
  for (int s = 0; s < T_STATES; s++) {
    n += (size_t)snprintf(buf + n, cap - n, "%-9s", st[s]);
    for (int ev = 0; ev < T_EVENTS; ev++) {
      const struct trule *r = on((enum tstate)s, (enum tevent)ev);
      const char *w = r->act != A_DO ? act[r->act] : ev != E_DELETE ? st[r->next] : r->killed ? "killed, deleted" : "deleted";
      int width = ev == E_DELETE ? 16 : ev == E_EXIT ? 8 : 9;
      if (ev == T_EVENTS - 1) n += (size_t)snprintf(buf + n, cap - n, " %s\n", w);
      else n += (size_t)snprintf(buf + n, cap - n, " %-*s", width, w);
    }
  }
}

static int test_readme(void)
{
  char want[1024], doc[256 * 1024];
  render(want, sizeof(want));
  FILE *f = fopen("README.md", "r");
  size_t n = f ? fread(doc, 1, sizeof(doc) - 1, f) : 0;
  if (f) fclose(f);
  doc[n] = 0;
  if (!strstr(doc, want)) printf("  README.md lacks the lifecycle table:\n%s", want);
  check(strstr(doc, want) != NULL);
  return 0;
}

int main(void)
{
  RUN(test_start);
  RUN(test_exit_kill_wait);
  RUN(test_delete);
  RUN(test_readme);
  return unit_end();
}
