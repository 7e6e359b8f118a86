// labels.c - unit tests of lib/labels.c: the node-feature-discovery file
//
// A fake root holds the devicetree, the remoteproc class and the claims;
// RPROC_ROOT is cached per process, so each test runs in a forked child.

#include "unit.h"

#include <errno.h>
#include <sys/stat.h>

#include "claim.h"
#include "fs.h"
#include "labels.h"
#include "proc.h"

static char root[512];
static struct rp_err e;

// root/dir/file = text, dir created first.
static int file(const char *dir, const char *name, const char *text)
{
  char d[1024];
  snprintf(d, sizeof(d), "%s/%s", root, dir);
  if (rp_fs_mkdir_p(d, 0755, &e)) return -1;
  return unit_write(unit_path(d, name), text, strlen(text));
}

static int processor(int n, const char *name, const char *state)
{
  char dir[64], line[128];
  snprintf(dir, sizeof(dir), "sys/class/remoteproc/remoteproc%d", n);
  snprintf(line, sizeof(line), "%s\n", name);
  if (file(dir, "name", line)) return -1;
  snprintf(line, sizeof(line), "%s\n", state);
  return file(dir, "state", line);
}

// A live claim on dev, held by this process.
static int claim(const char *dev)
{
  struct rp_claim c = {.pid = getpid()};
  strcpy(c.id, "ctr1");
  strcpy(c.statedir, "/run/x/ctr1");
  if (rp_proc_starttime(c.pid, &c.start)) return -1;
  int lock = rp_claim_lock(&e);
  int r = lock < 0 ? -1 : rp_claim_put(dev, &c, &e);
  rp_claim_unlock(lock);
  return r;
}

static int render_is(const char *want)
{
  char buf[RP_LABELS_MAX];
  int n = rp_labels_render(buf, sizeof(buf), &e);
  check(n == (int)strlen(want));
  check_str(buf, want);
  return 0;
}

static int board_and_processors(void)
{
  static const char compat[] = "acme,board-rev2\0acme,soc";
  check(file("sys/firmware/devicetree/base", "model", "ACME Board (rev 2)\n") == 0);
  check(unit_write(unit_path(root, "sys/firmware/devicetree/base/compatible"), compat, sizeof(compat)) == 0);
  check(processor(0, "m4", "offline") == 0 && processor(1, "dsp", "running") == 0);
  check(processor(2, "m0", "offline") == 0 && processor(3, "cm33@0", "attached") == 0);
  check(claim("remoteproc2") == 0);
  return render_is("rprocbox/remoteproc=true\nrprocbox/board.model=ACME_Board__rev_2\n"
                   "rprocbox/board.compatible=acme_board-rev2\nrprocbox/mcu.m4=free\n"
                   "rprocbox/mcu.dsp=running\nrprocbox/mcu.m0=held\nrprocbox/mcu.cm33_0=attached\n");
}

// A name two processors share, or one with nothing usable in it, falls back
// to the device; values are cut to 63 characters.
static int names_and_limits(void)
{
  char model[128];
  memset(model, 'x', sizeof(model));
  strcpy(model + 70, "\n");
  check(file("sys/firmware/devicetree/base", "model", model) == 0);
  check(processor(0, "m4", "offline") == 0 && processor(1, "m4", "offline") == 0);
  check(processor(2, "@@", "offline") == 0);
  char want[512];
  snprintf(want, sizeof(want), "rprocbox/remoteproc=true\nrprocbox/board.model=%.63s\n"
           "rprocbox/mcu.m4=free\nrprocbox/mcu.remoteproc1=free\nrprocbox/mcu.remoteproc2=free\n", model);
  return render_is(want);
}

// No board at all: one feature, and a buffer too small is an error.
static int empty_and_full(void)
{
  char small[16];
  check(render_is("rprocbox/remoteproc=true\n") == 0);
  check(rp_labels_render(small, sizeof(small), &e) == -EFBIG);
  check_str(e.msg, "node features longer than 16 bytes");
  return 0;
}

// write: into an existing directory only, atomically, no temporary left.
static int write_and_refresh(void)
{
  char dir[1024], path[1024], text[256];
  struct stat st;
  check(processor(0, "m4", "offline") == 0);
  snprintf(dir, sizeof(dir), "%s/%s", root, RP_LABELS_DIR);
  rp_labels_refresh();
  check(stat(unit_path(root, "etc"), &st) == -1 && errno == ENOENT);
  check(rp_labels_write(dir, path, sizeof(path), &e) == -ENOTDIR);
  check(rp_fs_mkdir_p(dir, 0755, &e) == 0);
  check(claim("remoteproc0") == 0);  // a claim refreshes the file
  check(rp_fs_read(unit_path(dir, RP_LABELS_FILE), text, sizeof(text), &e) > 0);
  check_str(text, "rprocbox/remoteproc=true\nrprocbox/mcu.m4=held\n");
  check(rp_claim_drop("remoteproc0", "/run/x/ctr1", &e) == 0);  // and so does a release
  check(rp_fs_read(unit_path(dir, RP_LABELS_FILE), text, sizeof(text), &e) > 0);
  check_str(text, "rprocbox/remoteproc=true\nrprocbox/mcu.m4=free\n");
  check(rp_labels_write(dir, path, sizeof(path), &e) == 0);
  check_str(path, unit_path(dir, RP_LABELS_FILE));
  check(rp_fs_rmtree(unit_path(dir, RP_LABELS_FILE), &e) == 0 && rmdir(dir) == 0);
  return 0;
}

static int in_child(int (*fn)(void))
{
  if (unit_tmpdir(root, sizeof(root), "labels")) return -1;
  int r = unit_in_child(root, fn);
  unit_rmtree(root);
  return r;
}

static int test_board_and_processors(void) { return in_child(board_and_processors); }
static int test_names_and_limits(void) { return in_child(names_and_limits); }
static int test_empty_and_full(void) { return in_child(empty_and_full); }
static int test_write_and_refresh(void) { return in_child(write_and_refresh); }

int main(void)
{
  RUN(test_board_and_processors);
  RUN(test_names_and_limits);
  RUN(test_empty_and_full);
  RUN(test_write_and_refresh);
  return unit_end();
}
