// fs.c - unit tests of lib/fs.c: bounded read, atomic write, mkdir -p,
// atomic copy, bounded tree removal
//
// Everything happens in a fresh directory under $TMPDIR (or /tmp), removed at
// the end with nftw so the cleanup does not depend on the code under test.

#include "unit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"

static char tmp[512];
static struct rp_err e;

static int mk_tmp(void) { return unit_tmpdir(tmp, sizeof(tmp), "fs"); }
static const char *at(const char *rel) { return unit_path(tmp, rel); }
static int put(const char *rel, const char *data, size_t n) { return unit_write(at(rel), data, n); }




// Names in directory rel, sorted, space-separated ("" when empty).
static const char *listing(const char *rel)
{
  static char out[512];
  struct dirent **names;
  int n = scandir(at(rel), &names, NULL, alphasort), len = 0;
  out[0] = 0;
  for (int i = 0; i < n; i++) {
    if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, ".."))
      len += snprintf(out + len, sizeof(out) - (size_t)len, "%s%s", len ? " " : "", names[i]->d_name);
    free(names[i]);
  }
  if (n >= 0) free(names);
  return n < 0 ? "(error)" : out;
}

static int test_read_bounds(void)
{
  char buf[8], msg[600];
  check(put("seven", "1234567", 7) == 0);
  check(put("eight", "12345678", 8) == 0);
  check(put("empty", "", 0) == 0);
  check(rp_fs_read(at("seven"), buf, sizeof(buf), &e) == 7);  // cap - 1 bytes fit
  check_str(buf, "1234567");
  check(rp_fs_read(at("empty"), buf, sizeof(buf), &e) == 0);
  check_str(buf, "");
  check(rp_fs_read(at("eight"), buf, sizeof(buf), &e) == -EFBIG);  // exactly cap: too big
  check(e.code == EFBIG);
  snprintf(msg, sizeof(msg), "%s is larger than 7 bytes", at("eight"));
  check_str(e.msg, msg);
  check(rp_fs_read(at("missing"), buf, sizeof(buf), &e) == -ENOENT);
  snprintf(msg, sizeof(msg), "cannot open %s: No such file or directory", at("missing"));
  check_str(e.msg, msg);
  check(rp_fs_read(at("missing"), buf, sizeof(buf), NULL) == -ENOENT);  // e is optional
  check(rp_fs_read(tmp, buf, sizeof(buf), &e) == -EISDIR);
  return 0;
}

// A pipe hands data over in pieces; read_fd keeps reading to EOF.
static int test_read_fd_pipe(void)
{
  int p[2];
  char buf[32];
  check(pipe(p) == 0);
  check(write(p[1], "abc", 3) == 3 && write(p[1], "def", 3) == 3);
  close(p[1]);
  check(rp_fs_read_fd(p[0], "the pipe", buf, sizeof(buf), &e) == 6);
  check_str(buf, "abcdef");
  close(p[0]);
  check(rp_fs_read_fd(p[0], "the pipe", buf, sizeof(buf), &e) == -EBADF);
  check_str(e.msg, "cannot read the pipe: Bad file descriptor");
  return 0;
}

static int test_write_atomic(void)
{
  char buf[64];
  struct stat st, st2;
  check(mkdir(at("w"), 0755) == 0);
  check(rp_fs_write_atomic(at("w/state.json"), "first", 5, 0640, &e) == 0);
  check(rp_fs_read(at("w/state.json"), buf, sizeof(buf), &e) == 5);
  check_str(buf, "first");
  check(stat(at("w/state.json"), &st) == 0 && (st.st_mode & 07777) == 0640);  // not umask'd
  // A reader holding the old file keeps the old content: replaced, not rewritten.
  int old = open(at("w/state.json"), O_RDONLY);
  check(old >= 0);
  check(rp_fs_write_atomic(at("w/state.json"), "2nd", 3, 0600, &e) == 0);
  check(rp_fs_read(at("w/state.json"), buf, sizeof(buf), &e) == 3);
  check_str(buf, "2nd");
  check(fstat(old, &st2) == 0 && st2.st_ino == st.st_ino);
  check(rp_fs_read_fd(old, "old", buf, sizeof(buf), &e) == 5);
  close(old);
  check_str(buf, "first");
  check(stat(at("w/state.json"), &st2) == 0 && st2.st_ino != st.st_ino && (st2.st_mode & 07777) == 0600);
  check(rp_fs_write_atomic(at("w/empty"), "", 0, 0644, &e) == 0);
  check(rp_fs_write_durable(at("w/config.json"), "{}", 2, 0644, &e) == 0);  // the same, and fsync'd
  check(rp_fs_read(at("w/config.json"), buf, sizeof(buf), &e) == 2);
  check_str(buf, "{}");
  check_str(listing("w"), "config.json empty state.json");  // no ".state.json.XXXXXX" left
  return 0;
}

static int test_write_atomic_errors(void)
{
  char msg[700];
  check(mkdir(at("we"), 0755) == 0 && mkdir(at("we/dir"), 0755) == 0);
  check(put("we/dir/x", "x", 1) == 0);
  check(rp_fs_write_atomic(at("we/nodir/f"), "x", 1, 0644, &e) == -ENOENT);
  snprintf(msg, sizeof(msg), "cannot create a file next to %s: No such file or directory", at("we/nodir/f"));
  check_str(e.msg, msg);
  // rename() over a non-empty directory fails: the temp file must go too.
  int r = rp_fs_write_atomic(at("we/dir"), "x", 1, 0644, &e);
  check(r == -EISDIR || r == -ENOTEMPTY || r == -EEXIST);
  snprintf(msg, sizeof(msg), "cannot write %s: %s", at("we/dir"), strerror(-r));
  check_str(e.msg, msg);
  check_str(listing("we"), "dir");
  return 0;
}

static int test_write_all(void)
{
  int fd = open("/dev/full", O_WRONLY);
  if (fd < 0) return 77;
  check(rp_fs_write_all(fd, "x", 1) == -ENOSPC);
  close(fd);
  check(rp_fs_write_all(-1, "x", 1) == -EBADF);
  check(rp_fs_write_all(-1, "x", 0) == 0);  // nothing to write: no syscall
  return 0;
}

static int test_mkdir_p(void)
{
  struct stat st;
  check(rp_fs_mkdir_p(at("m/a/b/c"), 0750, &e) == 0);
  check(stat(at("m/a/b/c"), &st) == 0 && S_ISDIR(st.st_mode));
  check(rp_fs_mkdir_p(at("m/a/b/c"), 0750, &e) == 0);  // existing: fine
  check(rp_fs_mkdir_p(at("m/a//b/d/"), 0750, &e) == 0);  // doubled and trailing slashes
  check(stat(at("m/a/b/d"), &st) == 0 && S_ISDIR(st.st_mode));
  check(rp_fs_mkdir_p(tmp, 0755, &e) == 0);
  return 0;
}

static int test_mkdir_p_errors(void)
{
  char msg[700];
  check(mkdir(at("mf"), 0755) == 0 && put("mf/file", "x", 1) == 0);
  check(rp_fs_mkdir_p(at("mf/file"), 0755, &e) == -ENOTDIR);
  snprintf(msg, sizeof(msg), "cannot create directory %s: a file is in the way", at("mf/file"));
  check_str(e.msg, msg);
  check(rp_fs_mkdir_p(at("mf/file/sub"), 0755, &e) == -ENOTDIR);
  snprintf(msg, sizeof(msg), "cannot create directory %s: Not a directory", at("mf/file/sub"));
  check_str(e.msg, msg);
  check(rp_fs_mkdir_p("", 0755, &e) == -ENOENT);
  check_str(e.msg, "cannot create directory \"\": empty path");
  static char huge[5000];
  memset(huge, 'a', sizeof(huge) - 1);
  check(rp_fs_mkdir_p(huge, 0755, &e) == -ENAMETOOLONG);
  check(!strncmp(e.msg, "path too long: aaaa", 19));
  return 0;
}

static int test_copy_atomic(void)
{
  char buf[256], big[100];
  struct stat st;
  for (int i = 0; i < 100; i++) big[i] = (char)('a' + i % 26);
  check(put("src", big, sizeof(big)) == 0);
  check(mkdir(at("c"), 0755) == 0);
  int fd = open(at("src"), O_RDONLY);
  check(fd >= 0);
  check(lseek(fd, 0, SEEK_END) == 100);  // the copy starts at offset 0 regardless
  check(rp_fs_copy_atomic(fd, at("c/fw.elf"), 0444, 100, &e) == 0);  // exactly max: fine
  check(rp_fs_read(at("c/fw.elf"), buf, sizeof(buf), &e) == 100 && !memcmp(buf, big, 100));
  check(stat(at("c/fw.elf"), &st) == 0 && (st.st_mode & 07777) == 0444);
  // One byte over: refused, the old copy stays, no temp file left.
  check(rp_fs_copy_atomic(fd, at("c/fw.elf"), 0644, 99, &e) == -EFBIG);
  check_str(e.msg, "firmware is larger than 99 bytes");
  check(rp_fs_read(at("c/fw.elf"), buf, sizeof(buf), &e) == 100);
  check(rp_fs_copy_atomic(fd, at("c/new.elf"), 0644, 0, &e) == -EFBIG);
  check_str(listing("c"), "fw.elf");
  close(fd);
  check(rp_fs_copy_atomic(-1, at("c/bad"), 0644, 10, &e) == -EBADF);
  char msg[700];
  snprintf(msg, sizeof(msg), "cannot copy to %s: Bad file descriptor", at("c/bad"));
  check_str(e.msg, msg);
  check_str(listing("c"), "fw.elf");
  return 0;
}

// The tree holds symlinks to a file and a directory outside it: rmtree must
// remove the links, never what they point to.
static int test_rmtree(void)
{
  check(mkdir(at("outside"), 0755) == 0 && put("outside/keep", "k", 1) == 0);
  check(rp_fs_mkdir_p(at("t/a/b/c"), 0755, &e) == 0);
  check(put("t/a/b/c/f", "x", 1) == 0 && put("t/top", "x", 1) == 0);
  check(symlink(at("outside/keep"), at("t/a/file-link")) == 0);
  check(symlink(at("outside"), at("t/a/b/dir-link")) == 0);
  check(symlink("../../outside", at("t/a/rel-link")) == 0);
  check(mkfifo(at("t/a/fifo"), 0600) == 0);
  check(rp_fs_rmtree(at("t"), &e) == 0);
  check(access(at("t"), F_OK) == -1 && errno == ENOENT);
  check_str(listing("outside"), "keep");
  check(rp_fs_rmtree(at("t"), &e) == 0);  // missing: success
  check(rp_fs_rmtree(at("nodir/x"), &e) == 0);
  return 0;
}

static int test_rmtree_links_and_files(void)
{
  check(mkdir(at("r"), 0755) == 0 && mkdir(at("r/target"), 0755) == 0);
  check(put("r/target/in", "x", 1) == 0 && put("r/file", "x", 1) == 0);
  check(symlink("target", at("r/link")) == 0);
  check(rp_fs_rmtree(at("r/link"), &e) == 0);  // the link itself, not its directory
  check_str(listing("r"), "file target");
  check_str(listing("r/target"), "in");
  check(rp_fs_rmtree(at("r/file"), &e) == 0);  // a plain file
  check_str(listing("r"), "target");
  return 0;
}

// Depth is bounded: 16 levels below the top are removed, 17 are refused.
static int test_rmtree_depth(void)
{
  char rel[256] = "d";
  size_t n = 1;
  for (int i = 0; i < 16; i++) n += (size_t)snprintf(rel + n, sizeof(rel) - n, "/d");
  check(rp_fs_mkdir_p(at(rel), 0755, &e) == 0);
  check(rp_fs_rmtree(at("d"), &e) == 0);
  snprintf(rel + n, sizeof(rel) - n, "/d");
  check(rp_fs_mkdir_p(at(rel), 0755, &e) == 0);
  check(rp_fs_rmtree(at("d"), &e) == -ELOOP);
  char msg[700];
  snprintf(msg, sizeof(msg), "cannot remove %s: Too many levels of symbolic links", at("d"));
  check_str(e.msg, msg);
  return 0;
}

int main(void)
{
  if (mk_tmp()) return printf("FAIL: unit/fs: cannot create a temporary directory\n"), 1;
  umask(022);
  RUN(test_read_bounds);
  RUN(test_read_fd_pipe);
  RUN(test_write_atomic);
  RUN(test_write_atomic_errors);
  RUN(test_write_all);
  RUN(test_mkdir_p);
  RUN(test_mkdir_p_errors);
  RUN(test_copy_atomic);
  RUN(test_rmtree);
  RUN(test_rmtree_links_and_files);
  RUN(test_rmtree_depth);
  unit_rmtree(tmp);
  return unit_end();
}
