// path.c - unit tests of lib/path.c: the RPROC_ROOT prefix and path building
//
// rp_path_root() reads RPROC_ROOT once and caches it, so every root setting
// is tested in its own forked child, set before the first call.

#include "unit.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "path.h"

#define in_child unit_in_child

// With no usable RPROC_ROOT the prefix is "" and paths start at "/".
static int root_is_slash(void)
{
  char buf[64];
  check_str(rp_path_root(), "");
  check(rp_path(buf, sizeof(buf), "sys/class/%s", "remoteproc") == 0);
  check_str(buf, "/sys/class/remoteproc");
  return 0;
}

static int test_default_root(void)
{
  check(in_child(NULL, root_is_slash) == 0);
  check(in_child("", root_is_slash) == 0);
  check(in_child("/", root_is_slash) == 0);
  check(in_child("///", root_is_slash) == 0);
  return 0;
}

static int root_is_tmp(void)
{
  char buf[64];
  check_str(rp_path_root(), "/tmp/fake");
  check(rp_path(buf, sizeof(buf), "lib/firmware") == 0);
  check_str(buf, "/tmp/fake/lib/firmware");
  setenv("RPROC_ROOT", "/elsewhere", 1);  // read once: later changes do not count
  check_str(rp_path_root(), "/tmp/fake");
  return 0;
}

static int test_root_prefix(void)
{
  check(in_child("/tmp/fake", root_is_tmp) == 0);
  check(in_child("/tmp/fake//", root_is_tmp) == 0);  // trailing slashes dropped
  return 0;
}

// An absurdly long prefix falls back to "/" (documented in path.c).
// A prefix too long to keep must fail every path, never act on the real "/".
static int root_unusable(void)
{
  char buf[64];
  check(rp_path(buf, sizeof(buf), "sys/class/%s", "remoteproc") == -ENAMETOOLONG);
  return 0;
}

static int test_long_root(void)
{
  static char root[RP_PATH_MAX];
  memset(root, 'r', sizeof(root) - 1);
  root[0] = '/';
  root[RP_PATH_MAX / 2] = 0;  // exactly the size of the cache: one byte too many
  check(in_child(root, root_unusable) == 0);
  return 0;
}

static int root_is_r(void)
{
  char buf[8];
  check_str(rp_path_root(), "/r");
  check(rp_path(buf, 6, "ab") == 0);  // "/r/ab" + NUL
  check_str(buf, "/r/ab");
  check(rp_path(buf, 5, "ab") == -ENAMETOOLONG);
  check(rp_path(buf, 3, "%s", "") == -ENAMETOOLONG);
  check(rp_path(buf, 4, "%s", "") == 0);
  check_str(buf, "/r/");
  return 0;
}

static int test_path_bounds(void)
{
  check(in_child("/r", root_is_r) == 0);
  return 0;
}

static int test_join(void)
{
  char buf[16];
  check(rp_path_join(buf, sizeof(buf), "a", "b") == 0);
  check_str(buf, "a/b");
  check(rp_path_join(buf, sizeof(buf), "a/", "b") == 0);
  check_str(buf, "a/b");
  check(rp_path_join(buf, sizeof(buf), "/", "b") == 0);
  check_str(buf, "/b");
  check(rp_path_join(buf, sizeof(buf), "", "b") == 0);
  check_str(buf, "b");
  check(rp_path_join(buf, 4, "a", "b") == 0);  // exactly fits with the NUL
  check(rp_path_join(buf, 3, "a", "b") == -ENAMETOOLONG);
  check(rp_path_join(buf, sizeof(buf), "dir", "x") == 0);
  check(rp_path_join(buf, sizeof(buf), buf, "y") == 0);  // in place, as state.c does
  check_str(buf, "dir/x/y");
  return 0;
}

static int test_base(void)
{
  check_str(rp_path_base("a/b/c.elf"), "c.elf");
  check_str(rp_path_base("c.elf"), "c.elf");
  check_str(rp_path_base("/c"), "c");
  check_str(rp_path_base("a/"), "");
  check_str(rp_path_base(""), "");
  return 0;
}

static int test_safe_rel(void)
{
  static const char *const ok[] = {"a", "a/b", "rproc/remoteproc0/fw.elf", "...", ".a", "a..", "a/.b"};
  static const char *const bad[] = {"", "/", "/a", ".", "..", "./a", "a/.", "a/..", "../a",
                                    "a/../b", "a//b", "a/", "//a"};
  for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++) check(rp_path_safe_rel(ok[i]) == 1);
  for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
    if (rp_path_safe_rel(bad[i])) printf("  \"%s\"\n", bad[i]);
    check(rp_path_safe_rel(bad[i]) == 0);
  }
  return 0;
}

// One directory, one spelling: links and dots resolved where the path
// exists, cleaned lexically where it does not yet.
static int test_canon(void)
{
  char dir[256], in[512], link[512], out[RP_PATH_MAX], want[512];
  check(unit_tmpdir(dir, sizeof(dir), "canon") == 0);
  char real[RP_PATH_MAX];
  check(realpath(dir, real));
  snprintf(in, sizeof(in), "%s/a", dir);
  check(mkdir(in, 0700) == 0);
  snprintf(link, sizeof(link), "%s/l", dir);
  check(symlink("a", link) == 0);
  snprintf(in, sizeof(in), "%s/l//./b/../c/", dir);
  check(rp_path_canon(in, out, sizeof(out)) == 0);
  snprintf(want, sizeof(want), "%s/a/c", real);
  check_str(out, want);
  snprintf(in, sizeof(in), "%s/l/", dir);
  check(rp_path_canon(in, out, sizeof(out)) == 0);
  snprintf(want, sizeof(want), "%s/a", real);
  check_str(out, want);
  check(rp_path_canon("/", out, sizeof(out)) == 0);
  check_str(out, "/");
  check(rp_path_canon("/nonexistent-rpunit/x/../y", out, sizeof(out)) == 0);
  check_str(out, "/nonexistent-rpunit/y");
  check(rp_path_canon("relative/x", out, sizeof(out)) == -EINVAL);
  check(rp_path_canon(in, out, 8) == -ENAMETOOLONG);
  unit_rmtree(dir);
  return 0;
}

int main(void)
{
  RUN(test_default_root);
  RUN(test_root_prefix);
  RUN(test_long_root);
  RUN(test_path_bounds);
  RUN(test_join);
  RUN(test_base);
  RUN(test_safe_rel);
  RUN(test_canon);
  return unit_end();
}
