// Unit tests for lib/shim/events.c: queue bounds and the publish-binary path.

#include "unit.h"

#include <signal.h>

#include "events.h"
#include "taskpb.h"

static struct rp_events ev;

static void publish_start(const char *topic, uint32_t pid)
{
  struct rp_pb_task_start m = {rp_pb_cstr("c1"), pid};
  rp_events_publish(&ev, topic, &rp_pb_task_start_msg, &m);
}

// The topic of the n-th queued event.
static const char *nth(unsigned n) { return ev.q[(ev.head + n) % RP_EVENTS_QUEUE].topic; }

static int write_script(char *path, size_t cap, const char *dir, const char *body)
{
  snprintf(path, cap, "%s/publish", dir);
  FILE *f = fopen(path, "w");
  if (!f) return -1;
  fprintf(f, "#!/bin/sh\n%s\n", body);
  fclose(f);
  return chmod(path, 0755);
}

static int test_full_queue_drops_oldest(void)
{
  char topic[32];
  rp_events_init(&ev, NULL, "default", NULL, NULL);
  for (unsigned i = 0; i < RP_EVENTS_QUEUE + 2; i++) {
    snprintf(topic, sizeof(topic), "/t/%u", i);
    publish_start(topic, i);
  }
  check(rp_events_pending(&ev) == RP_EVENTS_QUEUE);
  check_str(nth(0), "/t/2");
  check_str(nth(RP_EVENTS_QUEUE - 1), "/t/33");
  return 0;
}

static int test_oversized_event_is_not_queued(void)
{
  static char big[RP_EVENTS_SIZE + 1];
  memset(big, 'x', sizeof(big) - 1);
  rp_events_init(&ev, NULL, "default", NULL, NULL);
  struct rp_pb_task_start m = {rp_pb_cstr(big), 1};
  rp_events_publish(&ev, "/tasks/start", &rp_pb_task_start_msg, &m);
  check(rp_events_pending(&ev) == 0);
  return 0;
}

// While the head is with a publisher, a full queue drops the event after it:
// the head's settling pops the head, so it must still be the one in flight.
static int test_full_queue_keeps_event_in_flight(void)
{
  char dir[256], bin[300], topic[32];
  int st;
  check(unit_tmpdir(dir, sizeof(dir), "events") == 0);
  check(write_script(bin, sizeof(bin), dir, "exec sleep 30") == 0);
  rp_events_init(&ev, NULL, "default", bin, "/run/none.sock");
  publish_start("/t/0", 0);
  rp_events_run(&ev, 0, 1000);
  check(ev.child > 0);
  pid_t child = ev.child;
  for (unsigned i = 1; i < RP_EVENTS_QUEUE + 1; i++) {
    snprintf(topic, sizeof(topic), "/t/%u", i);
    publish_start(topic, i);
  }
  check(rp_events_pending(&ev) == RP_EVENTS_QUEUE);
  check_str(nth(0), "/t/0");
  check_str(nth(1), "/t/2");
  check_str(nth(RP_EVENTS_QUEUE - 1), "/t/32");
  kill(child, SIGKILL);
  check(waitpid(child, &st, 0) == child);
  check(rp_events_child(&ev, child, st, 1001) == 1);
  check(ev.child == 0 && rp_events_pending(&ev) == RP_EVENTS_QUEUE);
  unit_rmtree(dir);
  return 0;
}

// A publisher that outlives its deadline is killed once; the loop then waits
// for its reaping (no deadline of its own), and the event is retried later.
static int test_hung_publisher_is_killed(void)
{
  char dir[256], bin[300];
  struct pollfd p;
  int st;
  check(unit_tmpdir(dir, sizeof(dir), "events") == 0);
  check(write_script(bin, sizeof(bin), dir, "exec sleep 30") == 0);
  rp_events_init(&ev, NULL, "default", bin, "/run/none.sock");
  publish_start("/tasks/start", 7);
  rp_events_run(&ev, 0, 1000);
  pid_t child = ev.child;
  check(child > 0);
  check(rp_events_poll(&ev, &p, 1000) == 5000 && p.fd == -1);
  rp_events_run(&ev, 0, 6000);
  check(ev.child == child && rp_events_poll(&ev, &p, 6000) == -1);
  check(waitpid(child, &st, 0) == child);
  check(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
  check(rp_events_child(&ev, child, st, 6001) == 1);
  check(rp_events_pending(&ev) == 1 && ev.tries == 1);
  check(rp_events_poll(&ev, &p, 6001) == 1000);
  unit_rmtree(dir);
  return 0;
}

// The publisher gets the documented command line and the Any on stdin.
static int test_publisher_command_line(void)
{
  char dir[256], bin[300], out[300], line[512];
  int st;
  check(unit_tmpdir(dir, sizeof(dir), "events") == 0);
  snprintf(out, sizeof(out), "%s/args", dir);
  char body[700];
  snprintf(body, sizeof(body), "echo \"$*\" > %s; cat > %s.in", out, out);
  check(write_script(bin, sizeof(bin), dir, body) == 0);
  rp_events_init(&ev, NULL, "k8s.io", bin, "/run/containerd/containerd.sock");
  publish_start("/tasks/start", 7);
  rp_events_run(&ev, 0, 1000);
  check(ev.child > 0);
  pid_t child = ev.child;
  check(waitpid(child, &st, 0) == child && WIFEXITED(st) && WEXITSTATUS(st) == 0);
  check(rp_events_child(&ev, child, st, 1001) == 1);
  check(rp_events_pending(&ev) == 0);
  FILE *f = fopen(out, "r");
  check(f && fgets(line, sizeof(line), f));
  fclose(f);
  check_str(line, "--address /run/containerd/containerd.sock publish --topic /tasks/start "
                  "--namespace k8s.io\n");
  strcat(out, ".in");
  f = fopen(out, "r");
  check(f);
  size_t n = fread(line, 1, sizeof(line), f);
  fclose(f);
  check(n > 0 && memmem(line, n, "containerd.events.TaskStart", 27));
  unit_rmtree(dir);
  return 0;
}

int main(void)
{
  RUN(test_full_queue_drops_oldest);
  RUN(test_oversized_event_is_not_queued);
  RUN(test_full_queue_keeps_event_in_flight);
  RUN(test_hung_publisher_is_killed);
  RUN(test_publisher_command_line);
  return unit_end();
}
