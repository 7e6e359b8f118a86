// state.c - unit tests of lib/state.c: container ids and the on-disk store
//
// Ids come from containerd/docker and become directory names under --root,
// so validation is a safety boundary ("..", "/", leading "-"). Long ids are
// hashed into the key; the store must list both kinds.

#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fs.h"
#include "sha256.h"
#include "state.h"

static char root[512];
static struct rp_err e;

static const char *at(const char *rel) { return unit_path(root, rel); }
static int put(const char *rel, const char *data) { return unit_write(at(rel), data, strlen(data)); }
static struct rp_state st;



static int bad_id(const char *id, const char *msg)
{
  rp_errclear(&e);
  int r = rp_state_valid_id(id, &e);
  if (r != -EINVAL || strcmp(e.msg, msg)) printf("  id \"%s\": r=%d \"%s\"\n", id, r, e.msg);
  return r == -EINVAL && e.code == EINVAL && !strcmp(e.msg, msg);
}

#define INVALID(id) "invalid container id \"" id "\": use letters, digits and _.+- (not first)"

static int test_valid_id(void)
{
  static char id[RP_ID_MAX + 2];
  check(rp_state_valid_id("a", &e) == 0);
  check(rp_state_valid_id("Web-1.2_x+y", &e) == 0);
  check(rp_state_valid_id("0a..", &e) == 0);  // dots after the first char are plain text
  check(bad_id("", "container id is empty"));
  check(bad_id("..", INVALID("..")));
  check(bad_id(".", INVALID(".")));
  check(bad_id(".hidden", INVALID(".hidden")));
  check(bad_id("-rf", INVALID("-rf")));
  check(bad_id("_a", INVALID("_a")));
  check(bad_id("a/b", INVALID("a/b")));
  check(bad_id("../etc", INVALID("../etc")));
  check(bad_id("a\nb", INVALID("a?b")));  // control characters are not echoed
  check(bad_id("a\x7f", INVALID("a?")));
  check(bad_id("a b", INVALID("a b")));
  check(bad_id("caf\xc3\xa9", INVALID("caf\xc3\xa9")));
  memset(id, 'a', RP_ID_MAX);
  id[RP_ID_MAX] = 0;
  check(rp_state_valid_id(id, &e) == 0);  // 1024 is the limit
  id[RP_ID_MAX] = 'a';
  id[RP_ID_MAX + 1] = 0;
  check(bad_id(id, "container id is longer than 1024 characters"));
  return 0;
}

// A long bad id is cut at 64 characters in the message.
static int test_invalid_id_message_bounded(void)
{
  char id[100], want[200];
  memset(id, 'x', 99);
  id[99] = 0;
  id[80] = '/';
  snprintf(want, sizeof(want), "invalid container id \"%.64s...\": use letters, digits and _.+- (not first)", id);
  check(bad_id(id, want));
  return 0;
}

static int test_locate(void)
{
  static char id[RP_STATE_KEY_MAX + 2];
  char want[2200], hex[65];
  memset(id, 'k', RP_STATE_KEY_MAX);
  check(rp_state_locate("/run/x", id, &st, &e) == 0);  // 200: used as is
  check_str(st.key, id);
  check_str(st.id, id);
  snprintf(want, sizeof(want), "/run/x/%s", id);
  check_str(st.dir, want);
  id[RP_STATE_KEY_MAX] = 'k';  // 201: hashed
  check(rp_state_locate("/run/x/", id, &st, &e) == 0);
  rp_sha256_hex(id, strlen(id), hex);
  snprintf(want, sizeof(want), "~%s", hex);
  check_str(st.key, want);
  check(strlen(st.key) == 65);
  check_str(st.id, id);
  snprintf(want, sizeof(want), "/run/x/~%s", hex);
  check_str(st.dir, want);
  check(rp_state_locate("rel", "a", &st, &e) == -EINVAL);
  check_str(e.msg, "state root rel is not an absolute path");
  check(rp_state_locate("/r", "../x", &st, &e) == -EINVAL);
  check_str(e.msg, INVALID("../x"));
  return 0;
}

static void fill(struct rp_state *s)
{
  snprintf(s->bundle, sizeof(s->bundle), "/b/\"quoted\"");
  snprintf(s->rootfs, sizeof(s->rootfs), "/b/rootfs");
  snprintf(s->fw, sizeof(s->fw), "/lib/firmware/fw.elf");
  snprintf(s->fw_resolved, sizeof(s->fw_resolved), "/b/rootfs/lib/firmware/fw.elf");
  snprintf(s->fw_staged, sizeof(s->fw_staged), "rproc/remoteproc0/fw.elf");
  snprintf(s->proc_name, sizeof(s->proc_name), "m4\xc3\xa9");
  snprintf(s->proc_dev, sizeof(s->proc_dev), "remoteproc0");
  snprintf(s->log, sizeof(s->log), "trace");
  s->phase = RP_PH_STARTED;
  snprintf(s->created, sizeof(s->created), "2026-01-02T03:04:05.000000006Z");
  s->sandbox = 1;
  s->mounts = 2;
  s->pid = 4242;
  s->creator = 77;
  s->pid_start = 18446744073709551615ULL >> 1;
  s->creator_start = 123;
}

static int same(const struct rp_state *a, const struct rp_state *b)
{
  return !strcmp(a->id, b->id) && !strcmp(a->key, b->key) && !strcmp(a->dir, b->dir) &&
         !strcmp(a->bundle, b->bundle) && !strcmp(a->rootfs, b->rootfs) && !strcmp(a->fw, b->fw) &&
         !strcmp(a->fw_resolved, b->fw_resolved) && !strcmp(a->fw_staged, b->fw_staged) &&
         !strcmp(a->proc_name, b->proc_name) && !strcmp(a->proc_dev, b->proc_dev) &&
         !strcmp(a->log, b->log) && a->phase == b->phase && !strcmp(a->created, b->created) &&
         a->sandbox == b->sandbox && a->mounts == b->mounts && a->pid == b->pid && a->creator == b->creator &&
         a->pid_start == b->pid_start && a->creator_start == b->creator_start;
}

// Create container id's directory and state; st receives what was written.
static int store(const char *id)
{
  memset(&st, 0, sizeof(st));
  if (rp_state_locate(root, id, &st, &e) || mkdir(st.dir, 0700)) return -1;
  fill(&st);
  return rp_state_write(&st, &e);
}

static int test_round_trip(void)
{
  static struct rp_state back;
  static char longid[300];
  char want[700];
  check(store("c1") == 0);
  check(rp_state_read(root, "c1", &back, &e) == 0);
  check(same(&st, &back));
  memset(longid, 'L', sizeof(longid) - 1);
  check(store(longid) == 0);
  check(st.key[0] == '~');
  check(rp_state_read(root, longid, &back, &e) == 0);
  check(same(&st, &back));
  check(rp_state_read(root, "nope", &back, &e) == -ENOENT);
  snprintf(want, sizeof(want), "container nope does not exist in %s", root);
  check_str(e.msg, want);
  return 0;
}

static int test_read_damaged(void)
{
  static struct rp_state back;
  char want[1200];
  check(mkdir(at("bad"), 0700) == 0);
  check(put("bad/state.json", "{\"id\":\"bad\"}") == 0);  // numbers missing
  check(rp_state_read(root, "bad", &back, &e) == -EINVAL);
  snprintf(want, sizeof(want), "state of container bad is damaged (%s)", at("bad/state.json"));
  check_str(e.msg, want);
  check(put("bad/state.json", "not json") == 0);
  check(rp_state_read(root, "bad", &back, &e) == -EINVAL);
  check_str(e.msg, want);
  // The shim's delete undoes st.mounts mounts: a count out of range is damage.
  check(store("m1") == 0);
  char text[2048], bad[2100];
  int n = rp_fs_read(at("m1/state.json"), text, sizeof(text), &e);
  char *m = n > 0 ? strstr(text, "\"mounts\":2,") : NULL;
  check(m != NULL);
  snprintf(bad, sizeof(bad), "%.*s\"mounts\":65,%s", (int)(m - text), text, m + 11);
  check(put("m1/state.json", bad) == 0);
  check(rp_state_read(root, "m1", &back, &e) == -EINVAL);
  // The phase is one of the words a command writes, nothing else.
  m = strstr(text, "\"phase\":\"started\"");
  check(m != NULL);
  snprintf(bad, sizeof(bad), "%.*s\"phase\":\"startin\"%s", (int)(m - text), text, m + 17);
  check(put("m1/state.json", bad) == 0);
  check(rp_state_read(root, "m1", &back, &e) == -EINVAL);
  snprintf(bad, sizeof(bad), "%.*s\"phase\":\"starting\"%s", (int)(m - text), text, m + 17);
  check(put("m1/state.json", bad) == 0);
  check(rp_state_read(root, "m1", &back, &e) == 0 && back.phase == RP_PH_STARTING);
  check_str(rp_phase_name(back.phase), "starting");
  check(put("m1/state.json", "{}") == 0);  // damaged again: test_each skips it
  check(put("notdir", "x") == 0);  // a file where a directory should be
  check(rp_state_read(root, "notdir", &back, &e) == -ENOENT);
  snprintf(want, sizeof(want), "container notdir does not exist in %s", root);
  check_str(e.msg, want);
  return 0;
}

static int test_exit_file(void)
{
  int code = -1;
  char reason[64];
  check(rp_state_locate(root, "c1", &st, &e) == 0);
  check(rp_state_exit(&st, &code, reason, sizeof(reason)) == -ENOENT);
  check(put("c1/exit", "10 the processor crashed\n") == 0);
  check(rp_state_exit(&st, &code, reason, sizeof(reason)) == 0);
  check(code == 10);
  check_str(reason, "the processor crashed");
  check(put("c1/exit", "256 x") == 0);  // codes are 0..255
  check(rp_state_exit(&st, &code, reason, sizeof(reason)) == -ENOENT);
  check(put("c1/exit", "3") == 0);
  check(rp_state_exit(&st, &code, reason, sizeof(reason)) == -ENOENT);
  check(unlink(at("c1/exit")) == 0);
  return 0;
}

struct seen { char ids[8][300]; int n, stop_after; };

static int collect(const struct rp_state *s, void *arg)
{
  struct seen *w = arg;
  if (w->n < 8) snprintf(w->ids[w->n], sizeof(w->ids[0]), "%s", s->id);
  w->n++;
  return w->stop_after && w->n >= w->stop_after ? 99 : 0;
}

static int has(const struct seen *w, const char *id)
{
  for (int i = 0; i < w->n && i < 8; i++)
    if (!strcmp(w->ids[i], id)) return 1;
  return 0;
}

// Both kinds of keys are listed; strays (dot names, dirs without state,
// damaged state) are skipped; a non-zero callback result stops the walk.
static int test_each(void)
{
  static char longid[300];
  struct seen w = {0};
  memset(longid, 'L', sizeof(longid) - 1);
  check(mkdir(at(".tmp"), 0700) == 0 && mkdir(at("empty"), 0700) == 0);
  check(rp_state_each(root, collect, &w, &e) == 0);
  check(w.n == 2);
  check(has(&w, "c1") && has(&w, longid));
  memset(&w, 0, sizeof(w));
  w.stop_after = 1;
  check(rp_state_each(root, collect, &w, &e) == 99);
  check(w.n == 1);
  memset(&w, 0, sizeof(w));
  check(rp_state_each(at("missing"), collect, &w, &e) == 0 && w.n == 0);
  return 0;
}

static int test_status_names(void)
{
  check_str(rp_status_name(RP_ST_CREATING), "creating");
  check_str(rp_status_name(RP_ST_CREATED), "created");
  check_str(rp_status_name(RP_ST_RUNNING), "running");
  check_str(rp_status_name(RP_ST_STOPPED), "stopped");
  check_str(rp_status_name((enum rp_status)9), "unknown");
  return 0;
}

// The default root uses RPROC_ROOT, which is cached: test it in a child.
static int test_default_root(void)
{
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    char buf[256];
    setenv("RPROC_ROOT", "/fake", 1);
    setenv("XDG_RUNTIME_DIR", "/xdg", 1);
    int ok = rp_state_default_root(buf, sizeof(buf), &e) == 0 &&
             !strcmp(buf, geteuid() == 0 ? "/fake/run/remoteproc-runtime" : "/xdg/remoteproc-runtime") &&
             rp_state_default_root(buf, 10, &e) == -ENAMETOOLONG &&
             !strcmp(e.msg, "state directory path too long");
    if (!ok) printf("  default root: \"%s\" / \"%s\"\n", buf, e.msg);
    fflush(stdout);
    _exit(!ok);
  }
  int status;
  check(pid > 0 && waitpid(pid, &status, 0) == pid);
  check(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  return 0;
}

int main(void)
{
  if (unit_tmpdir(root, sizeof(root), "state")) return printf("FAIL: unit/state: cannot create a temporary directory\n"), 1;
  RUN(test_valid_id);
  RUN(test_invalid_id_message_bounded);
  RUN(test_locate);
  RUN(test_round_trip);
  RUN(test_read_damaged);
  RUN(test_exit_file);
  RUN(test_each);
  RUN(test_status_names);
  RUN(test_default_root);
  unit_rmtree(root);
  return unit_end();
}
