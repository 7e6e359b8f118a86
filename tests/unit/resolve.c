// resolve.c - unit tests of lib/resolve.c: opening a firmware file inside a
// container root without ever leaving it
//
// The runtime runs as root on paths an image author chose, so every escape
// (.., symlinks up, absolute symlinks) must be refused or kept inside, and
// anything but a regular file refused. Each test works in a fresh tree.

#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "resolve.h"

static char top[512], root[600];
static struct rp_err e;

static const char *at(const char *rel) { return unit_path(root, rel); }
// The whole-path form a caller without a checked directory uses.
static int rp_resolve_open(const char *root, const char *path, char *canon, size_t ccap, struct rp_err *e)
{
  return rp_resolve_openat(-1, root, path, canon, ccap, e);
}

static int put(const char *rel, const char *data) { return unit_write(at(rel), data, strlen(data)); }
static char canon[256];



// top/outside is a file next to the root, the target of escape attempts;
// root/etc/passwd is the image's own, not the host's.
static int build_tree(void)
{
  if (unit_tmpdir(top, sizeof(top), "resolve")) return -1;
  snprintf(root, sizeof(root), "%s/root", top);
  char outside[600];
  snprintf(outside, sizeof(outside), "%s/outside", top);
  int fd = open(outside, O_WRONLY | O_CREAT, 0644);
  if (fd < 0 || write(fd, "HOST", 4) != 4) return -1;
  close(fd);
  static const char *const dirs[] = {"", "lib", "lib/firmware", "etc", "dir"};
  for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++)
    if (mkdir(at(dirs[i]), 0755)) return -1;
  static const char *const links[][2] = {
      {"rel-link", "lib/firmware/a.elf"}, {"abs-link", "/lib/firmware/a.elf"},
      {"lib/firmware/up-link", "../../fw.elf"}, {"dir-link", "lib"},
      {"abs-dir-link", "/lib/firmware/"}, {"escape-link", "../outside"},
      {"lib/firmware/deep-escape", "../../../outside"}, {"etc-link", "/etc/passwd"},
      {"proc-link", "/proc/self/status"}, {"root-up-link", "/../outside"},
      {"loop1", "loop2"}, {"loop2", "loop1"}, {"self", "self"}, {"dangling", "nothing"},
  };
  for (size_t i = 0; i < sizeof(links) / sizeof(*links); i++)
    if (symlink(links[i][1], at(links[i][0]))) return -1;
  if (put("fw.elf", "FW") || put("lib/firmware/a.elf", "A") || put("etc/passwd", "IMAGE")) return -1;
  return mkfifo(at("fifo"), 0600);
}

// Open path, read what it holds into a static buffer; NULL on failure.
static const char *open_read(const char *path)
{
  static char buf[64];
  rp_errclear(&e);
  int fd = rp_resolve_open(root, path, canon, sizeof(canon), &e);
  if (fd < 0) return NULL;
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  buf[n > 0 ? n : 0] = 0;
  return buf;
}

// Expect failure code err with message "<path><rest>".
static int fails(const char *path, int err, const char *rest)
{
  char want[600];
  int fd = rp_resolve_open(root, path, canon, sizeof(canon), &e);
  if (fd >= 0) close(fd);
  // "does not exist" names the root it looked in
  snprintf(want, sizeof(want), "%s%s%s%s", path, rest, err == ENOENT ? " " : "", err == ENOENT ? root : "");
  if (fd != -err || strcmp(e.msg, want) || canon[0])
    printf("  %s: fd=%d want %d, msg \"%s\", canon \"%s\"\n", path, fd, -err, e.msg, canon);
  return fd == -err && !strcmp(e.msg, want) && !canon[0];
}

static int test_plain_files(void)
{
  check_str(open_read("fw.elf"), "FW");
  check_str(canon, "/fw.elf");
  check_str(open_read("/fw.elf"), "FW");  // absolute means "from the root"
  check_str(canon, "/fw.elf");
  check_str(open_read("lib/firmware/a.elf"), "A");
  check_str(canon, "/lib/firmware/a.elf");
  check_str(open_read("./lib//firmware/./a.elf"), "A");
  check_str(canon, "/lib/firmware/a.elf");
  check_str(open_read("lib/../lib/firmware/../../fw.elf"), "FW");  // .. inside is fine
  check_str(canon, "/fw.elf");
  return 0;
}

static int test_symlinks_inside(void)
{
  check_str(open_read("rel-link"), "A");
  check_str(canon, "/lib/firmware/a.elf");
  check_str(open_read("abs-link"), "A");
  check_str(canon, "/lib/firmware/a.elf");
  check_str(open_read("lib/firmware/up-link"), "FW");
  check_str(canon, "/fw.elf");
  check_str(open_read("dir-link/firmware/a.elf"), "A");
  check_str(canon, "/lib/firmware/a.elf");
  check_str(open_read("abs-dir-link/up-link"), "FW");
  check_str(canon, "/fw.elf");
  return 0;
}

// An absolute link is re-rooted: /etc/passwd is the image's, never the host's.
static int test_absolute_link_stays_inside(void)
{
  check_str(open_read("etc-link"), "IMAGE");
  check_str(canon, "/etc/passwd");
  check_str(open_read("/etc/passwd"), "IMAGE");
  check(fails("proc-link", ENOENT, " does not exist in the container root"));
  return 0;
}

static int test_escapes(void)
{
  check(fails("../outside", EPERM, " leaves the container root"));
  check(fails("/../outside", EPERM, " leaves the container root"));
  check(fails("lib/../../outside", EPERM, " leaves the container root"));
  check(fails("escape-link", EPERM, " leaves the container root"));
  check(fails("lib/firmware/deep-escape", EPERM, " leaves the container root"));
  check(fails("root-up-link", EPERM, " leaves the container root"));
  return 0;
}

static int test_loops(void)
{
  check(fails("loop1", ELOOP, ": too many levels of symbolic links"));
  check(fails("self", ELOOP, ": too many levels of symbolic links"));
  check(fails("self/x", ELOOP, ": too many levels of symbolic links"));
  check(fails("dangling", ENOENT, " does not exist in the container root"));
  return 0;
}

// RP_RESOLVE_MAXLINKS links in a chain are followed; one more is a loop.
static int test_link_limit(void)
{
  char name[32], target[32];
  for (int i = 1; i <= RP_RESOLVE_MAXLINKS + 1; i++) {
    snprintf(name, sizeof(name), "c%d", i);
    snprintf(target, sizeof(target), i == RP_RESOLVE_MAXLINKS + 1 ? "fw.elf" : "c%d", i + 1);
    check(symlink(target, at(name)) == 0);
  }
  check_str(open_read("c2"), "FW");  // 40 links
  check(fails("c1", ELOOP, ": too many levels of symbolic links"));  // 41
  return 0;
}

static int test_not_regular(void)
{
  check(fails("dir", EISDIR, " is a directory, not a firmware file"));
  check(fails("dir/", EISDIR, " is a directory, not a firmware file"));
  check(fails("dir-link", EISDIR, " is a directory, not a firmware file"));
  check(fails("/", EISDIR, " is a directory, not a firmware file"));
  check(fails("fifo", EINVAL, " is a FIFO, not a firmware file"));
  check(fails("fw.elf/x", ENOTDIR, ": fw.elf is not a directory"));
  check(fails("rel-link/x", ENOTDIR, ": a.elf is not a directory"));
  check(fails("missing/x", ENOENT, " does not exist in the container root"));
  return 0;
}

static int test_device_node(void)
{
  if (geteuid() != 0) return 77;
  if (mknod(at("null"), S_IFCHR | 0600, makedev(1, 3))) return 77;  // no CAP_MKNOD
  check(fails("null", EINVAL, " is a device node, not a firmware file"));
  return 0;
}

static int test_bad_arguments(void)
{
  char small[8];
  check(rp_resolve_open(root, "", canon, sizeof(canon), &e) == -EINVAL);
  check_str(e.msg, "empty firmware path");
  check(rp_resolve_open(root, "fw.elf", canon, 0, &e) == -EINVAL);
  check_str(e.msg, "no room for the resolved path");
  // "/lib/firmware/a.elf" does not fit in 8 bytes.
  check(rp_resolve_open(root, "lib/firmware/a.elf", small, sizeof(small), &e) == -ENAMETOOLONG);
  check_str(e.msg, "lib/firmware/a.elf: path too deep");
  check(rp_resolve_open(root, "fw.elf", small, 7, &e) == -ENAMETOOLONG);  // "/fw.elf" + NUL = 8
  check_str(e.msg, "fw.elf: path too long");
  int fd = rp_resolve_open(root, "fw.elf", small, 8, &e);
  check(fd >= 0);
  close(fd);
  check_str(small, "/fw.elf");
  char name[300], want[400];
  memset(name, 'n', 256);
  name[256] = 0;
  check(rp_resolve_open(root, name, canon, sizeof(canon), &e) == -ENAMETOOLONG);
  snprintf(want, sizeof(want), "%s: name too long", name);
  check_str(e.msg, want);
  snprintf(want, sizeof(want), "%s/none", top);
  check(rp_resolve_open(want, "fw.elf", canon, sizeof(canon), &e) == -ENOENT);
  snprintf(name, sizeof(name), "cannot open container root %s: No such file or directory", want);
  check_str(e.msg, name);
  return 0;
}

// Every path through the walk, failing or not, closes what it opened.
// From a root descriptor the caller holds: the walk starts at that very
// directory even once its path names another, and the caller's descriptor
// stays open and its own.
static int test_openat_pinned_root(void)
{
  char moved[700], buf[8] = "";
  snprintf(moved, sizeof(moved), "%s/moved", top);
  int rootfd = open(root, O_PATH | O_DIRECTORY);
  check(rootfd >= 0 && rename(root, moved) == 0 && mkdir(root, 0755) == 0);
  int fd = rp_resolve_openat(rootfd, root, "fw.elf", canon, sizeof(canon), &e);
  check(fd >= 0 && read(fd, buf, sizeof(buf) - 1) == 2);
  check_str(buf, "FW");
  if (fd >= 0) close(fd);
  check(fcntl(rootfd, F_GETFD) >= 0);
  check(rp_resolve_open(root, "fw.elf", canon, sizeof(canon), &e) == -ENOENT);  // the path's new directory
  close(rootfd);
  check(rmdir(root) == 0 && rename(moved, root) == 0);
  return 0;
}

static int test_no_fd_leak(void)
{
  static const char *const paths[] = {"fw.elf", "abs-link", "escape-link", "loop1", "dir",
                                      "fifo", "fw.elf/x", "missing", "dir-link/firmware/up-link"};
  int before = dup(0);
  check(before >= 0);
  close(before);
  for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
    int fd = rp_resolve_open(root, paths[i], canon, sizeof(canon), &e);
    if (fd >= 0) close(fd);
  }
  int after = dup(0);
  close(after);
  check(after == before);
  return 0;
}

int main(void)
{
  if (build_tree()) return printf("FAIL: unit/resolve: cannot build the test tree\n"), 1;
  RUN(test_plain_files);
  RUN(test_symlinks_inside);
  RUN(test_absolute_link_stays_inside);
  RUN(test_escapes);
  RUN(test_loops);
  RUN(test_link_limit);
  RUN(test_not_regular);
  RUN(test_device_node);
  RUN(test_bad_arguments);
  RUN(test_openat_pinned_root);
  RUN(test_no_fd_leak);
  unit_rmtree(top);
  return unit_end();
}
