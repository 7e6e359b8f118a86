// board.c - unit tests of lib/board.c: devicetree model and compatible
//
// A fake tree under a temp dir stands in for /sys/firmware/devicetree. The
// RPROC_ROOT prefix is cached per process, so each test runs in a forked
// child with its own fresh root.

#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "board.h"
#include "fs.h"

static char root[512];
static struct rp_board b;
static struct rp_err e;

// Write n bytes to devicetree/base/<name> under the root.
static int dt(const char *name, const char *data, size_t n)
{
  char path[1024];
  snprintf(path, sizeof(path), "%s/sys/firmware/devicetree/base", root);
  if (rp_fs_mkdir_p(path, 0755, &e)) return -1;
  snprintf(path, sizeof(path), "%s/sys/firmware/devicetree/base/%s", root, name);
  return unit_write(path, data, n);
}

#define DT(name, lit) dt(name, lit, sizeof(lit) - 1)

// Run fn in a child whose RPROC_ROOT is a fresh, empty temp dir.
static int in_child(int (*fn)(void))
{
  if (unit_tmpdir(root, sizeof(root), "board")) return -1;
  int r = unit_in_child(root, fn);
  unit_rmtree(root);
  return r;
}

// Run fn in a child whose RPROC_ROOT is a fresh, empty temp dir.

static int no_devicetree(void)
{
  char buf[64];
  memset(&b, 0x55, sizeof(b));
  check(rp_board_read(&b, &e) == 0);
  check(b.has_dt == 0 && b.model[0] == 0 && b.compat_len == 0);
  check(rp_board_match(&b, "acme,board") == 0);
  check(rp_board_match(&b, "") == 0);
  rp_board_describe(&b, buf, sizeof(buf));
  check_str(buf, "unknown (no devicetree model or compatible)");
  return 0;
}

static int model_and_compatible(void)
{
  char buf[128];
  check(DT("model", "Acme Board\0") == 0);  // the kernel's properties end in NUL
  check(DT("compatible", "acme,board-v2\0acme,board\0") == 0);
  check(rp_board_read(&b, &e) == 0);
  check(b.has_dt == 1);
  check_str(b.model, "Acme Board");
  check(b.compat_len == 25);
  check(!memcmp(b.compat, "acme,board-v2\0acme,board\0", 25));
  check(rp_board_match(&b, "Acme Board") == 1);
  check(rp_board_match(&b, "acme,board") == 1);
  check(rp_board_match(&b, "acme,board-v2") == 1);
  check(rp_board_match(&b, "acme") == 0);
  check(rp_board_match(&b, "acme,board-v") == 0);
  check(rp_board_match(&b, "") == 0);
  rp_board_describe(&b, buf, sizeof(buf));
  check_str(buf, "\"Acme Board\" (compatible: acme,board-v2, acme,board)");
  rp_board_describe(&b, buf, 20);  // cut, still terminated
  check_str(buf, "\"Acme Board\" (compa");
  return 0;
}

// Hand-made trees: no final NUL, a newline, empty strings in the list.
static int unterminated_and_newline(void)
{
  char buf[128];
  check(DT("model", "Model X\n") == 0);
  check(DT("compatible", "a\0\0b") == 0);
  check(rp_board_read(&b, &e) == 0);
  check_str(b.model, "Model X");
  check(b.compat_len == 5 && b.compat[4] == 0);
  check(rp_board_match(&b, "b") == 1);
  check(rp_board_match(&b, "a") == 1);
  check(rp_board_match(&b, "") == 0);
  rp_board_describe(&b, buf, sizeof(buf));
  check_str(buf, "\"Model X\" (compatible: a, b)");
  return 0;
}

static int compatible_only(void)
{
  char buf[128];
  check(DT("compatible", "ti,am625\0") == 0);
  check(rp_board_read(&b, &e) == 0);
  check(b.has_dt == 1 && b.model[0] == 0);
  check(rp_board_match(&b, "ti,am625") == 1);
  rp_board_describe(&b, buf, sizeof(buf));
  check_str(buf, "\"(no model)\" (compatible: ti,am625)");
  return 0;
}

static int model_only(void)
{
  char buf[128];
  check(DT("model", "Solo\0") == 0);
  check(rp_board_read(&b, &e) == 0);
  check(b.has_dt == 1 && b.compat_len == 0);
  rp_board_describe(&b, buf, sizeof(buf));
  check_str(buf, "\"Solo\"");
  return 0;
}

// Oversized properties are dropped whole, never cut or left unterminated.
static int oversized(void)
{
  static char big[2048];
  memset(big, 'x', sizeof(big));
  check(dt("model", big, sizeof(b.model)) == 0);
  check(dt("compatible", big, sizeof(b.compat)) == 0);
  check(rp_board_read(&b, &e) == 0);
  check(b.has_dt == 0 && b.model[0] == 0 && b.compat_len == 0);
  check(dt("model", big, sizeof(b.model) - 1) == 0);  // 255 bytes fit
  check(rp_board_read(&b, &e) == 0);
  check(b.has_dt == 1 && strlen(b.model) == sizeof(b.model) - 1);
  return 0;
}

static int empty_files(void)
{
  check(DT("model", "") == 0 && DT("compatible", "") == 0);
  check(rp_board_read(&b, &e) == 0);
  check(b.has_dt == 0);
  return 0;
}

static int test_no_devicetree(void) { check(in_child(no_devicetree) == 0); return 0; }
static int test_model_and_compatible(void) { check(in_child(model_and_compatible) == 0); return 0; }
static int test_unterminated(void) { check(in_child(unterminated_and_newline) == 0); return 0; }
static int test_compatible_only(void) { check(in_child(compatible_only) == 0); return 0; }
static int test_model_only(void) { check(in_child(model_only) == 0); return 0; }
static int test_oversized(void) { check(in_child(oversized) == 0); return 0; }
static int test_empty_files(void) { check(in_child(empty_files) == 0); return 0; }

int main(void)
{
  RUN(test_no_devicetree);
  RUN(test_model_and_compatible);
  RUN(test_unterminated);
  RUN(test_compatible_only);
  RUN(test_model_only);
  RUN(test_oversized);
  RUN(test_empty_files);
  return unit_end();
}
