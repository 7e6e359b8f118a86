// rproc.c - unit tests of lib/rproc.c over a fake sysfs of plain files
//
// RPROC_ROOT points at a temp dir holding sys/class/remoteproc/remoteprocN/
// {name,state,...}. The root is cached per process, so each test runs in a
// forked child with a fresh root.

#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fs.h"
#include "rproc.h"

static char root[512];
static struct rp_err e;
static struct rp_rproc all[RP_RPROC_MAX], p;

// Write data to root/rel, creating the parents.
static int put(const char *rel, const char *data)
{
  char path[1024];
  snprintf(path, sizeof(path), "%s/%s", root, rel);
  *strrchr(path, '/') = 0;
  if (rp_fs_mkdir_p(path, 0755, &e)) return -1;
  snprintf(path, sizeof(path), "%s/%s", root, rel);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return -1;
  int r = write(fd, data, strlen(data)) == (ssize_t)strlen(data) ? 0 : -1;
  close(fd);
  return r;
}

// One processor: remoteproc<idx> with name and state (and firmware if given).
static int proc(int idx, const char *name, const char *state, const char *fw)
{
  char rel[128], val[128];
  snprintf(rel, sizeof(rel), "sys/class/remoteproc/remoteproc%d/name", idx);
  snprintf(val, sizeof(val), "%s\n", name);
  if (put(rel, val)) return -1;
  snprintf(rel, sizeof(rel), "sys/class/remoteproc/remoteproc%d/state", idx);
  snprintf(val, sizeof(val), "%s\n", state);
  if (put(rel, val)) return -1;
  if (!fw) return 0;
  snprintf(rel, sizeof(rel), "sys/class/remoteproc/remoteproc%d/firmware", idx);
  snprintf(val, sizeof(val), "%s\n", fw);
  return put(rel, val);
}

// The usual board: m4 (0), dsp (2), m0 (10), plus entries to be ignored.
static int three(void)
{
  if (proc(0, "m4", "offline", "rproc-m4-fw") || proc(2, "dsp", "running", "dsp.elf") ||
      proc(10, "m0", "attached", NULL))
    return -1;
  if (put("sys/class/remoteproc/remoteproc0/recovery", "enabled\n") ||
      put("sys/class/remoteproc/remoteproc0/coredump", "disabled\n"))
    return -1;
  // Not processors: a foreign name, "remoteproc" without a number, one
  // without a name file (gone while listing).
  if (put("sys/class/remoteproc/other/name", "x\n") || put("sys/class/remoteproc/remoteproc/name", "x\n") ||
      put("sys/class/remoteproc/remoteprocX/name", "x\n") || put("sys/class/remoteproc/remoteproc3/state", "offline\n"))
    return -1;
  return 0;
}


// Each test in a child with a fresh, empty root (the prefix is cached).
static int in_child(int (*fn)(void))
{
  if (unit_tmpdir(root, sizeof(root), "rproc")) return -1;
  int r = unit_in_child(root, fn);
  unit_rmtree(root);
  return r;
}

#define IN_CHILD(name) \
  static int test_##name(void) { check(in_child(name) == 0); return 0; }

static int list_sorted(void)
{
  check(three() == 0);
  check(rp_rproc_list(all, RP_RPROC_MAX, &e) == 3);
  check(all[0].index == 0 && all[1].index == 2 && all[2].index == 10);  // 10 after 2
  check_str(all[0].dev, "remoteproc0");
  check_str(all[0].name, "m4");
  check_str(all[0].state, "offline");
  check_str(all[0].firmware, "rproc-m4-fw");
  check_str(all[0].recovery, "enabled");
  check_str(all[0].coredump, "disabled");
  check_str(all[1].dev, "remoteproc2");
  check_str(all[1].name, "dsp");
  check_str(all[1].state, "running");
  check_str(all[1].firmware, "dsp.elf");
  check_str(all[1].recovery, "");  // no such file: ""
  check_str(all[2].dev, "remoteproc10");
  check_str(all[2].name, "m0");
  check_str(all[2].firmware, "");
  check(rp_rproc_list(all, 1, &e) == 1);
  return 0;
}
IN_CHILD(list_sorted)

static int list_empty(void)
{
  check(rp_rproc_list(all, RP_RPROC_MAX, &e) == 0);  // no class directory at all
  char want[600];
  check(rp_rproc_lookup("m4", &p, &e) == -ENODEV);
  snprintf(want, sizeof(want), "remote processor m4 does not exist: %s/sys/class/remoteproc has no remote processors", root);
  check_str(e.msg, want);
  check(put("sys/class/remoteproc/.keep", "") == 0);
  check(rp_rproc_list(all, RP_RPROC_MAX, &e) == 0);
  return 0;
}
IN_CHILD(list_empty)

static int lookup(void)
{
  char want[600];
  check(three() == 0);
  check(rp_rproc_lookup("dsp", &p, &e) == 0);
  check(p.index == 2);
  check_str(p.dev, "remoteproc2");
  check(rp_rproc_lookup("remoteproc10", &p, &e) == 0);
  check_str(p.name, "m0");
  check(rp_rproc_lookup("gpu", &p, &e) == -ENODEV);
  check(e.code == ENODEV);
  snprintf(want, sizeof(want), "remote processor gpu does not exist in %s/sys/class/remoteproc, available remote processors: m4, dsp, m0", root);
  check_str(e.msg, want);
  check(rp_rproc_lookup("remoteproc3", &p, &e) == -ENODEV);  // no name file: not listed
  check(rp_rproc_lookup("remoteproc1", &p, &e) == -ENODEV);
  check(rp_rproc_lookup("", &p, &e) == -ENODEV);
  return 0;
}
IN_CHILD(lookup)

// Two processors share a name: the name is refused, device names still work.
static int ambiguous(void)
{
  check(three() == 0 && proc(11, "dsp", "offline", NULL) == 0);
  check(rp_rproc_lookup("dsp", &p, &e) == -EINVAL);
  check_str(e.msg, "remote processor name dsp is ambiguous (remoteproc2, remoteproc11): use the device name");
  check(rp_rproc_lookup("remoteproc11", &p, &e) == 0 && p.index == 11);
  // A processor named like another's device: the device name wins.
  check(proc(12, "remoteproc0", "offline", NULL) == 0);
  check(rp_rproc_lookup("remoteproc0", &p, &e) == 0 && p.index == 0);
  return 0;
}
IN_CHILD(ambiguous)

// find reads names only (create reads the chosen processor's attributes
// itself, live): a processor without a state file is found by its name or
// device name, with nothing but its name filled in; lookup reads the rest.
static int find_names_only(void)
{
  char path[1024];
  check(three() == 0);
  snprintf(path, sizeof(path), "%s/sys/class/remoteproc/remoteproc2/state", root);
  check(unlink(path) == 0);
  check(rp_rproc_find("dsp", &p, &e) == 0 && p.index == 2);
  check_str(p.name, "dsp");
  check(!p.state[0] && !p.firmware[0]);
  check(rp_rproc_find("remoteproc2", &p, &e) == 0);
  check_str(p.name, "dsp");
  check(rp_rproc_lookup("dsp", &p, &e) == -ENOENT);
  check(rp_rproc_find("gpu", &p, &e) == -ENODEV);
  snprintf(path, sizeof(path), "remote processor gpu does not exist in %s/sys/class/remoteproc, available remote processors: m4, dsp, m0", root);
  check_str(e.msg, path);
  return 0;
}
IN_CHILD(find_names_only)

static int attributes(void)
{
  char buf[64], want[1200];
  check(three() == 0);
  check(put("sys/class/remoteproc/remoteproc2/firmware", "a.elf\n\n\0") == 0);
  check(rp_rproc_lookup("dsp", &p, &e) == 0);
  check(rp_rproc_read(&p, "firmware", buf, sizeof(buf), &e) == 5);
  check_str(buf, "a.elf");
  check(rp_rproc_read(&p, "recovery", buf, sizeof(buf), &e) == -ENOENT);
  check_str(e.msg, "cannot read recovery of remoteproc2: No such file or directory");
  struct rp_rproc gone = {.index = 5};
  snprintf(gone.dev, sizeof(gone.dev), "remoteproc5");
  check(rp_rproc_read(&gone, "name", buf, sizeof(buf), &e) == -ENODEV);
  check_str(e.msg, "remote processor remoteproc5 is gone");
  check(rp_rproc_load(5, &gone, &e) == -ENODEV);
  check(rp_rproc_read(&p, "state", buf, 4, &e) == -EFBIG);  // "running\n" in 4 bytes
  snprintf(want, sizeof(want), "%s/sys/class/remoteproc/remoteproc2/state is larger than 3 bytes", root);
  check_str(e.msg, want);
  check(rp_rproc_trace_path(&p, buf, 8) == -ENAMETOOLONG);
  check(rp_rproc_trace_path(&p, want, sizeof(want)) == 0);
  char t[1200];
  snprintf(t, sizeof(t), "%s/sys/kernel/debug/remoteproc/remoteproc2/trace0", root);
  check_str(want, t);
  return 0;
}
IN_CHILD(attributes)

static int states(void)
{
  static const char *const names[] = {"unknown", "offline", "suspended", "running", "crashed",
                                      "deleted", "attached", "detached", "invalid"};
  for (int i = 0; i < 9; i++) {
    check_str(rp_rstate_name((enum rp_rstate)i), names[i]);
    check(rp_rstate_parse(names[i]) == (i ? (enum rp_rstate)i : RP_RS_UNKNOWN));
  }
  check(rp_rstate_parse("Running") == RP_RS_UNKNOWN);
  check(rp_rstate_parse("") == RP_RS_UNKNOWN);
  check_str(rp_rstate_name((enum rp_rstate)42), "unknown");
  check(three() == 0);
  check(rp_rproc_lookup("m0", &p, &e) == 0);
  check(rp_rproc_state(&p, &e) == RP_RS_ATTACHED);
  check(put("sys/class/remoteproc/remoteproc10/state", "weird\n") == 0);
  check(rp_rproc_state(&p, &e) == RP_RS_UNKNOWN);
  return 0;
}
IN_CHILD(states)

// A word no kernel shows ("stop" left by a driver on plain files) is waited
// on until the driver writes a state, and is never written to.
static int settled(void)
{
  char want[256];
  struct stat before, after;
  check(three() == 0);
  check(rp_rproc_lookup("m4", &p, &e) == 0);
  check(rp_rproc_settled(&p, 0, &e) == RP_RS_OFFLINE);
  check(put("sys/class/remoteproc/remoteproc0/state", "stop\n") == 0);
  pid_t pid = fork();
  if (pid == 0) {  // the driver answers 150 ms later
    usleep(150 * 1000);
    _exit(put("sys/class/remoteproc/remoteproc0/state", "offline\n") != 0);
  }
  check(pid > 0);
  check(rp_rproc_settled(&p, 5000, &e) == RP_RS_OFFLINE);
  int status;
  check(waitpid(pid, &status, 0) == pid && status == 0);
  check(put("sys/class/remoteproc/remoteproc0/state", "start\n") == 0);
  snprintf(want, sizeof(want), "%s/sys/class/remoteproc/remoteproc0/state", root);
  check(stat(want, &before) == 0);
  check(rp_rproc_settled(&p, 50, &e) == -ETIMEDOUT);
  check_str(e.msg, "m4 still shows state \"start\" after 50 ms, a word no kernel shows");
  check(stat(want, &after) == 0 && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec &&
        after.st_mtim.tv_sec == before.st_mtim.tv_sec);  // nothing written
  check(rp_rproc_state(&p, &e) == RP_RS_UNKNOWN);      // a plain read does not wait
  return 0;
}
IN_CHILD(settled)

// A recovery may run only where the kernel can be doing one.
static int may_recover(void)
{
  char trace[1200];
  check(three() == 0);
  check(rp_rproc_lookup("dsp", &p, &e) == 0);
  check(rp_rproc_trace_path(&p, trace, sizeof(trace)) == 0);
  check(!rp_rproc_may_recover(&p, RP_RS_CRASHED, 0, NULL));  // no recovery attribute
  check(put("sys/class/remoteproc/remoteproc2/recovery", "disabled\n") == 0);
  check(!rp_rproc_may_recover(&p, RP_RS_CRASHED, 0, NULL));
  check(put("sys/class/remoteproc/remoteproc2/recovery", "enabled\n") == 0);
  check(rp_rproc_may_recover(&p, RP_RS_CRASHED, 1, NULL));
  check(!rp_rproc_may_recover(&p, RP_RS_RUNNING, 0, NULL));
  check(rp_rproc_may_recover(&p, RP_RS_OFFLINE, 0, NULL));
  check(!rp_rproc_may_recover(&p, RP_RS_OFFLINE, 1, NULL));   // trace0 unknown
  check(!rp_rproc_may_recover(&p, RP_RS_OFFLINE, 1, trace));  // trace0 gone: stopped
  check(put("sys/kernel/debug/remoteproc/remoteproc2/trace0", "") == 0);
  check(rp_rproc_may_recover(&p, RP_RS_OFFLINE, 1, trace));
  return 0;
}
IN_CHILD(may_recover)

// Writes go to the attribute file; the wait polls the state file.
static int write_and_wait(void)
{
  char buf[64];
  check(three() == 0);
  check(rp_rproc_lookup("m4", &p, &e) == 0);
  // sysfs needs no O_TRUNC, so the write lands at offset 0 of our plain
  // file: start from an empty one.
  check(put("sys/class/remoteproc/remoteproc0/firmware", "") == 0);
  check(rp_rproc_write(&p, "firmware", "new.elf", &e) == 0);
  check(rp_rproc_read(&p, "firmware", buf, sizeof(buf), &e) == 7);
  check_str(buf, "new.elf");
  check(rp_rproc_wait(&p, RP_RS_OFFLINE, 1000, &e) == RP_RS_OFFLINE);  // already there
  check(rp_rproc_wait(&p, RP_RS_RUNNING, 30, &e) == RP_RS_OFFLINE);   // times out
  check(rp_rproc_lookup("m0", &p, &e) == 0);
  check(rp_rproc_write(&p, "recovery", "enabled", &e) == -ENOENT);  // an older kernel
  check_str(e.msg, "the kernel has no recovery file for m0");
  return 0;
}
IN_CHILD(write_and_wait)

static int fwdir(void)
{
  char buf[1024], dirs[2048], want[2048];
  check(rp_rproc_fwdir(buf, sizeof(buf), dirs, sizeof(dirs), &e) == 0);
  snprintf(want, sizeof(want), "%s/lib/firmware", root);
  check_str(buf, want);
  snprintf(want, sizeof(want), "%s/lib/firmware/updates or %s/lib/firmware", root, root);
  check_str(dirs, want);
  snprintf(want, sizeof(want), "%s/lib/firmware", root);
  check(rp_rproc_fwdir(buf, sizeof(buf), NULL, 0, &e) == 0);
  check(put("sys/module/firmware_class/parameters/path", "\n") == 0);  // set but empty
  check(rp_rproc_fwdir(buf, sizeof(buf), dirs, sizeof(dirs), &e) == 0);
  check_str(buf, want);
  check(put("sys/module/firmware_class/parameters/path", "/opt/fw\n") == 0);
  check(rp_rproc_fwdir(buf, sizeof(buf), dirs, sizeof(dirs), &e) == 0);
  snprintf(want, sizeof(want), "%s/opt/fw", root);
  check_str(buf, want);
  snprintf(want, sizeof(want), "%s/opt/fw, %s/lib/firmware/updates or %s/lib/firmware", root, root, root);
  check_str(dirs, want);
  check(rp_rproc_fwdir(buf, 10, NULL, 0, &e) == -ENAMETOOLONG);
  check_str(e.msg, "firmware directory path too long");
  return 0;
}
IN_CHILD(fwdir)

int main(void)
{
  RUN(test_list_sorted);
  RUN(test_list_empty);
  RUN(test_lookup);
  RUN(test_ambiguous);
  RUN(test_find_names_only);
  RUN(test_attributes);
  RUN(test_states);
  RUN(test_settled);
  RUN(test_may_recover);
  RUN(test_write_and_wait);
  RUN(test_fwdir);
  return unit_end();
}
