// stage.c - unit tests of the staging rules of lib/stage.c: what may be
// given to the kernel as a firmware name, and what may be copied
//
// Every caller (create, start, rproc start and boot) checks these before it
// copies anything, so each refusal here is one a container or a boot entry
// meets at its first step.

#include "unit.h"

#include <errno.h>

#include "log.h"
#include "rproc.h"
#include "stage.h"

static char root[256];
static struct rp_err e;

static int names(void)
{
  char rel[RP_FW_NAME_MAX], long_owner[300];
  check(rp_stage_name("rproc/remoteproc0", "app.elf", rel, sizeof(rel), &e) == 0);
  check_str(rel, "rproc/remoteproc0/app.elf");
  check(rp_stage_name("rproc/remoteproc0", "app\n.elf", rel, sizeof(rel), &e) == -EINVAL);
  check_str(e.msg, "firmware name app?.elf holds a control character");
  check(rp_stage_name("rproc/remoteproc0", "a\177b", rel, sizeof(rel), &e) == -EINVAL);
  check_str(e.msg, "firmware name a?b holds a control character");
  check(rp_stage_name("rproc/remoteproc0", "..", rel, sizeof(rel), &e) == -EINVAL);
  check_str(e.msg, "invalid firmware file name ..");
  check(rp_stage_name("rproc/remoteproc0", "d/app.elf", rel, sizeof(rel), &e) == -EINVAL);
  check(rp_stage_name("../x", "app.elf", rel, sizeof(rel), &e) == -EINVAL);
  // 250 + "/" + 4 = 255 bytes fit a 256-byte name; one more does not.
  memset(long_owner, 'o', 250);
  long_owner[250] = 0;
  check(rp_stage_name(long_owner, "a.bc", rel, sizeof(rel), &e) == 0 && strlen(rel) == 255);
  check(rp_stage_name(long_owner, "a.bcd", rel, sizeof(rel), &e) == -ENAMETOOLONG);
  check(!strncmp(e.msg, "the staged firmware name oooo", 29));
  check(strstr(e.msg, "/a.bcd would be longer than 255 bytes: use a shorter container id or firmware file name"));
  return 0;
}

static int test_names(void) { return unit_in_child(root, names); }

static int test_printable(void)
{
  check(rp_stage_printable("/lib/firmware/app.elf", &e) == 0);
  check(rp_stage_printable("d\t/app.elf", &e) == -EINVAL);
  check_str(e.msg, "firmware name d?/app.elf holds a control character");
  return 0;
}

// A sparse file over the limit is refused by its size, without reading it;
// at the limit it fits; anything but a regular file is refused.
static int test_fits(void)
{
  const char *f = unit_path(root, "big");
  int fd = open(f, O_RDWR | O_CREAT | O_TRUNC, 0644);
  check(fd >= 0 && ftruncate(fd, RP_FW_MAX_BYTES) == 0);
  check(rp_stage_fits(fd, "big", &e) == 0);
  check(ftruncate(fd, RP_FW_MAX_BYTES + 1) == 0);
  check(rp_stage_fits(fd, "big", &e) == -EFBIG);
  check_str(e.msg, "firmware big is larger than 64 MiB");
  close(fd);
  fd = open(root, O_RDONLY | O_DIRECTORY);
  check(rp_stage_fits(fd, "dir", &e) == -EINVAL);
  check_str(e.msg, "dir is not a regular file");
  close(fd);
  fd = open(unit_path(root, "empty"), O_RDWR | O_CREAT | O_TRUNC, 0644);
  check(rp_stage_fits(fd, "empty", &e) == -EINVAL);
  check_str(e.msg, "firmware empty is empty");
  close(fd);
  return 0;
}

// What the kernel's ELF loader would refuse is refused only when strict;
// otherwise it passes (1), for the driver to judge.
static int test_format(void)
{
  struct rp_elf elf;
  int fd = open(unit_path(root, "text"), O_RDWR | O_CREAT | O_TRUNC, 0644);
  check(fd >= 0 && write(fd, "not firmware\n", 13) == 13);
  rp_log_set_level(RP_LOG_ERROR);  // the warning is not this test's output
  check(rp_stage_format(fd, "text", 0, &elf, &e) == 1);
  check(rp_stage_format(fd, "text", 1, &elf, &e) == -EINVAL);
  check_str(e.msg, "text is not an ELF file");
  close(fd);
  return 0;
}

int main(void)
{
  if (unit_tmpdir(root, sizeof(root), "stage")) return 1;
  RUN(test_names);
  RUN(test_printable);
  RUN(test_fits);
  RUN(test_format);
  unit_rmtree(root);
  return unit_end();
}
