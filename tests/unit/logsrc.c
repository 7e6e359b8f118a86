// logsrc.c - unit tests of lib/logsrc.c: which devices are a processor's
// tty by sysfs, and what rp_logsrc_open accepts
//
// A fake sysfs under RPROC_ROOT: remoteproc0 with a tty below it, a tty of
// remoteproc1, a device below a sibling whose name merely starts with
// "remoteproc0", and a non-tty device below remoteproc0.

#include "unit.h"

#include <errno.h>
#include <sys/sysmacros.h>

#include "fs.h"
#include "logsrc.h"

static char root[256];
static struct rp_err e;
static const struct rp_rproc m4 = {.dev = "remoteproc0", .name = "m4"};

static int mk(const char *rel) { return rp_fs_mkdir_p(unit_path(root, rel), 0755, NULL); }
static int ln(const char *target, const char *rel) { return symlink(target, unit_path(root, rel)); }

static int fake_sysfs(void)
{
  static const char *const dirs[] = {"sys/class/remoteproc", "sys/class/tty", "sys/class/misc", "sys/dev/char",
      "sys/devices/p/remoteproc/remoteproc0/virtio0/ttyRPMSG0", "sys/devices/p/remoteproc/remoteproc0/watchdog",
      "sys/devices/q/remoteproc/remoteproc1/ttyRPMSG1", "sys/devices/p/remoteproc/remoteproc0x/ttyX", NULL};
  for (const char *const *d = dirs; *d; d++)
    if (mk(*d)) return -1;
  return ln("../../devices/p/remoteproc/remoteproc0", "sys/class/remoteproc/remoteproc0") |
         ln("../../devices/q/remoteproc/remoteproc1", "sys/class/remoteproc/remoteproc1") |
         ln("../../../../../../class/tty", "sys/devices/p/remoteproc/remoteproc0/virtio0/ttyRPMSG0/subsystem") |
         ln("../../../../../class/misc", "sys/devices/p/remoteproc/remoteproc0/watchdog/subsystem") |
         ln("../../../../../class/tty", "sys/devices/q/remoteproc/remoteproc1/ttyRPMSG1/subsystem") |
         ln("../../../../../class/tty", "sys/devices/p/remoteproc/remoteproc0x/ttyX/subsystem") |
         ln("../../devices/p/remoteproc/remoteproc0/virtio0/ttyRPMSG0", "sys/dev/char/240:0") |
         ln("../../devices/p/remoteproc/remoteproc0/watchdog", "sys/dev/char/10:130") |
         ln("../../devices/q/remoteproc/remoteproc1/ttyRPMSG1", "sys/dev/char/240:1") |
         ln("../../devices/p/remoteproc/remoteproc0x/ttyX", "sys/dev/char/240:2");
}

static int tty_of(void)
{
  check(rp_logsrc_tty_of(&m4, makedev(240, 0)) == 1);
  check(rp_logsrc_tty_of(&m4, makedev(240, 1)) == 0);   // remoteproc1's
  check(rp_logsrc_tty_of(&m4, makedev(240, 2)) == 0);   // below remoteproc0x, not remoteproc0
  check(rp_logsrc_tty_of(&m4, makedev(10, 130)) == 0);  // below m4, but no tty
  check(rp_logsrc_tty_of(&m4, makedev(1, 5)) == 0);     // not in sysfs at all
  return 0;
}

static int test_tty_of(void) { return unit_in_child(root, tty_of); }

// A FIFO opens (read and write: it never ends); a regular file, a
// directory and a missing path are refused with the reason.
static int test_open(void)
{
  const char *fifo = unit_path(root, "fifo"), *file = unit_path(root, "file");
  check(mkfifo(fifo, 0600) == 0 && unit_write(file, "x", 1) == 0);
  int fd = rp_logsrc_open(fifo, &m4, &e);
  check(fd >= 0 && (fcntl(fd, F_GETFL) & (O_ACCMODE | O_NONBLOCK)) == (O_RDWR | O_NONBLOCK));
  if (fd >= 0) close(fd);
  char want[512];
  check(rp_logsrc_open(file, &m4, &e) == -EINVAL);
  snprintf(want, sizeof(want), "firmware log %s is neither a FIFO nor a tty of processor m4: nothing else is read as a firmware log", file);
  check_str(e.msg, want);
  check(rp_logsrc_open(root, &m4, &e) == -EINVAL);
  check(rp_logsrc_open(unit_path(root, "missing"), &m4, &e) == -ENOENT);
  snprintf(want, sizeof(want), "cannot open firmware log %s: No such file or directory", unit_path(root, "missing"));
  check_str(e.msg, want);
  return 0;
}

int main(void)
{
  if (unit_tmpdir(root, sizeof(root), "logsrc")) return 1;
  if (fake_sysfs()) {
    unit_rmtree(root);
    printf("FAIL: unit/logsrc: cannot make the fake sysfs\n");
    return 1;
  }
  RUN(test_tty_of);
  RUN(test_open);
  unit_rmtree(root);
  return unit_end();
}
