// claim.c - unit tests of lib/claim.c: one container per processor
//
// A claim file names the container (id, state directory) and its holder
// process. What must hold: a claim reads back as written; a damaged file is
// an error, never a free processor; a dead or reused pid is stale; a
// container drops only its own claim; and the lock really excludes.
// Each test runs in a child with RPROC_ROOT on a fresh directory.

#include "unit.h"

#include <errno.h>
#include <sys/file.h>

#include "claim.h"
#include "proc.h"

static char root[512];
static struct rp_err e;

// Under the RPROC_ROOT of the running child (tests use root, or a sub-root).
static const char *claims(const char *rel)
{
  static char p[1024];
  const char *r = getenv("RPROC_ROOT");
  snprintf(p, sizeof(p), "%s/run/rprocbox/claims/%s", r ? r : root, rel);
  return p;
}

static struct rp_claim mine(const char *id, const char *dir)
{
  struct rp_claim c = {.pid = getpid()};
  snprintf(c.id, sizeof(c.id), "%s", id);
  snprintf(c.statedir, sizeof(c.statedir), "%s", dir);
  rp_proc_starttime(c.pid, &c.start);
  return c;
}

static int put(const char *dev, const struct rp_claim *c)
{
  int lock = rp_claim_lock(&e);
  if (lock < 0) return lock;
  int r = rp_claim_put(dev, c, &e);
  rp_claim_unlock(lock);
  return r;
}

static int roundtrip(void)
{
  struct rp_claim c = mine("web-1", "/run/remoteproc-runtime/web-1"), got;
  struct rp_rproc p = {0};
  check(rp_claim_get("remoteproc0", &got, &e) == 0);  // no claim: free
  check(put("remoteproc0", &c) == 0);
  check(rp_claim_get("remoteproc0", &got, &e) == 1);
  check_str(got.id, "web-1");
  check_str(got.statedir, "/run/remoteproc-runtime/web-1");
  check(got.pid == c.pid && got.start == c.start);
  check(rp_claim_live(&got) == 1);
  snprintf(p.dev, sizeof(p.dev), "remoteproc0");
  check(rp_claim_holder(&p, &got, &e) == 1);
  return 0;
}

static int test_roundtrip(void) { return unit_in_child(root, roundtrip); }

// A holder that is gone, or a pid now used by another process, is stale.
static int stale(void)
{
  struct rp_claim c = mine("a", "/s/a"), got;
  struct rp_rproc p = {0};
  snprintf(p.dev, sizeof(p.dev), "remoteproc1");
  c.start += 1;  // same pid, other start time: a reused pid
  check(put("remoteproc1", &c) == 0);
  check(rp_claim_holder(&p, &got, &e) == 0);
  pid_t child = fork();
  if (child == 0) _exit(0);
  rp_proc_wait(child, NULL, 0);
  c.pid = child;  // reaped: gone
  check(put("remoteproc1", &c) == 0);
  check(rp_claim_holder(&p, &got, &e) == 0);
  return 0;
}

static int test_stale(void) { return unit_in_child(root, stale); }

static int damaged_one(const char *text)
{
  struct rp_claim got;
  char want[1200];
  if (unit_write(claims("remoteproc2"), text, strlen(text))) return 0;
  rp_errclear(&e);
  snprintf(want, sizeof(want), "claim file %s is damaged", claims("remoteproc2"));
  int r = rp_claim_get("remoteproc2", &got, &e);
  if (r != -EINVAL || strcmp(e.msg, want)) printf("  \"%s\": r=%d \"%s\"\n", text, r, e.msg);
  return r == -EINVAL && !strcmp(e.msg, want);
}

// A damaged claim is an error, never read as "free".
static int damaged(void)
{
  check(rp_claim_lock_open(&e) >= 0);  // makes the directory
  check(damaged_one(""));
  check(damaged_one("id\n"));
  check(damaged_one("id\n/dir\n"));
  check(damaged_one("id\n/dir\nx 1\n"));
  check(damaged_one("id\n/dir\n0 1\n"));
  check(damaged_one("id\n/dir\n12\n"));
  check(damaged_one("id\n/dir\n12 34 extra\n"));
  return 0;
}

static int test_damaged(void) { return unit_in_child(root, damaged); }

// Two state roots may use one id: only the claimant's directory drops it.
static int drop(void)
{
  struct rp_claim c = mine("same", "/root-a/same"), got;
  check(put("remoteproc3", &c) == 0);
  check(rp_claim_drop("remoteproc3", "/root-b/same", &e) == 0);
  check(rp_claim_get("remoteproc3", &got, &e) == 1);
  check(rp_claim_drop("remoteproc3", "/root-a/same", &e) == 0);
  check(rp_claim_get("remoteproc3", &got, &e) == 0);
  check(rp_claim_drop("remoteproc3", "/root-a/same", &e) == 0);  // twice is fine
  return 0;
}

static int test_drop(void) { return unit_in_child(root, drop); }

// A write killed before its rename leaves .<dev>.XXXXXX; the next write
// under the lock removes it, and leaves other processors' files alone.
static int leftovers(void)
{
  struct rp_claim c = mine("x", "/s/x");
  check(rp_claim_lock_open(&e) >= 0);
  check(unit_write(claims(".remoteproc4.AbC123"), "x", 1) == 0);
  check(unit_write(claims(".remoteproc40.AbC123"), "x", 1) == 0);
  check(put("remoteproc4", &c) == 0);
  check(access(claims(".remoteproc4.AbC123"), F_OK) == -1 && errno == ENOENT);
  check(access(claims(".remoteproc40.AbC123"), F_OK) == 0);
  return 0;
}

static int test_leftovers(void) { return unit_in_child(root, leftovers); }

// The lock is one file for every process: while it is held, another
// open of it cannot take it.
static int excludes(void)
{
  int lock = rp_claim_lock(&e);
  check(lock >= 0);
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    int fd = rp_claim_lock_open(NULL);
    _exit(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK ? 0 : 1);
  }
  int st = -1;
  rp_proc_wait(child, &st, 0);
  rp_claim_unlock(lock);
  check(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  int again = rp_claim_lock(&e);  // released by the close
  check(again >= 0);
  rp_claim_unlock(again);
  return 0;
}

static int test_excludes(void) { return unit_in_child(root, excludes); }

struct seen {
  int n, stop_at_b;
  char ids[4][8];
};

static int visit(const char *dev, const struct rp_claim *c, int r, void *arg)
{
  struct seen *w = arg;
  if (w->n < 4) snprintf(w->ids[w->n], sizeof(w->ids[0]), "%s", r == 1 ? c->id : "?");
  w->n++;
  return w->stop_at_b && r == 1 && !strcmp(c->id, "b") ? 7 : 0;
}

// Every claim is visited once with its content; the lock and temporary
// files are not; the callback's non-zero answer stops the walk.
static int each(void)
{
  struct rp_claim a = mine("a", "/s/a"), b = mine("b", "/s/b");
  struct seen w = {0};
  check(rp_claim_each(visit, &w) == -ENOENT && w.n == 0);  // no directory yet
  check(put("remoteproc5", &a) == 0 && put("remoteproc6", &b) == 0);
  check(unit_write(claims(".remoteproc7.XyZ123"), "x", 1) == 0);
  check(rp_claim_each(visit, &w) == 0);
  check(w.n == 2);
  check((!strcmp(w.ids[0], "a") && !strcmp(w.ids[1], "b")) || (!strcmp(w.ids[0], "b") && !strcmp(w.ids[1], "a")));
  memset(&w, 0, sizeof(w));
  w.stop_at_b = 1;
  check(rp_claim_each(visit, &w) == 7);
  check(!strcmp(w.ids[w.n - 1], "b"));
  return 0;
}

static int test_each(void)
{
  char sub[600];
  snprintf(sub, sizeof(sub), "%s/each", root);
  return mkdir(sub, 0700) ? 1 : unit_in_child(sub, each);
}

int main(void)
{
  if (unit_tmpdir(root, sizeof(root), "claim")) return 1;
  RUN(test_roundtrip);
  RUN(test_stale);
  RUN(test_damaged);
  RUN(test_drop);
  RUN(test_leftovers);
  RUN(test_excludes);
  RUN(test_each);
  unit_rmtree(root);
  return unit_end();
}
