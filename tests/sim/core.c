// core.c - the remoteproc core of Linux 6.1 (remoteproc_core.c) and the
// direct firmware loader (drivers/base/firmware_loader/main.c), as seen from
// user space: the state machine, the power reference count, the resource
// lifetime (trace files), crash handling on a work queue and recovery.
//
// The "driver" under the core is the one the kernel test module provides:
// device memory at 0x0-0x3FFFF, a start op that honours the fail_start and
// start_delay_ms controls, and a stop op that cannot fail and clears the
// whole device memory (power off), so a freshly booted firmware starts with
// an empty log. The stop op runs on every stop, including the one at the
// beginning of a crash recovery: while a recovery's start is still running
// the trace files exist and read empty, as in the kernel.

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"

struct sim_global g = {.mu = PTHREAD_MUTEX_INITIALIZER};

static unsigned kernel(void) { return g.kernel ? g.kernel : SIM_KERNEL_NEWEST; }
bool sim_kernel_cuts_fw_path(void) { return kernel() >= SIM_KERNEL(6, 12, 0); }
bool sim_kernel_checks_all_shdrs(void)
{
  return kernel() >= SIM_KERNEL(6, 12, 117) && kernel() < SIM_KERNEL(6, 13, 0);
}
bool sim_kernel_refuses_crashed_stop(void) { return kernel() < SIM_KERNEL(6, 1, 192); }

static void lock(void) { pthread_mutex_lock(&g.mu); }
static void unlock(void) { pthread_mutex_unlock(&g.mu); }

// Sleeps in short slices so SIGTERM never waits for a long start delay.
bool sim_sleep_ms(unsigned ms)
{
  while (ms && !g.quitting) {
    unsigned step = ms < 10 ? ms : 10;
    struct timespec ts = {0, (long)step * 1000000L};
    nanosleep(&ts, NULL);
    ms -= step;
  }
  return !g.quitting;
}

// sysfs_streq(): equal, ignoring one trailing newline on either side.
bool sim_streq(const char *s1, const char *s2)
{
  while (*s1 && *s1 == *s2) s1++, s2++;
  if (*s1 == *s2)
    return true;
  if (!*s1 && *s2 == '\n' && !s2[1])
    return true;
  return *s1 == '\n' && !s1[1] && !*s2;
}

// ---- firmware loader ----

static bool name_has_dotdot(const char *n)
{
  size_t len = strlen(n);
  return !strcmp(n, "..") || !strncmp(n, "../", 3) || strstr(n, "/../") ||
         (len >= 3 && !strcmp(n + len - 3, "/.."));
}

static int read_all(int fd, struct sim_fw *fw, size_t size)
{
  fw->data = malloc(size);
  if (!fw->data)
    return -ENOMEM;
  size_t got = 0;
  while (got < size) {
    ssize_t n = pread(fd, fw->data + got, size - got, got);
    if (n <= 0) {
      free(fw->data);
      fw->data = NULL;
      return n < 0 ? -errno : -EIO;
    }
    got += n;
  }
  fw->size = size;
  return 0;
}

// kernel_read_file(): regular, non-empty files only.
static int read_fw_file(const char *path, struct sim_fw *fw)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  struct stat st;
  int rc = fstat(fd, &st) ? -errno : 0;
  if (!rc && !S_ISREG(st.st_mode))
    rc = -EINVAL;
  else if (!rc && st.st_size <= 0)
    rc = -EINVAL;
  else if (!rc && (uint64_t)st.st_size > SIM_FW_MAX)
    rc = -EFBIG;
  if (!rc)
    rc = read_all(fd, fw, st.st_size);
  close(fd);
  return rc;
}

// Tries the kernel's search list in order; like the kernel, the error of the
// last directory tried is the one reported (normally ENOENT).
int sim_request_firmware(const char *name, struct sim_fw *fw)
{
  if (!name[0] || name_has_dotdot(name))
    return -EINVAL;
  char custom[SIM_FW_PATH_MAX], upd_rel[128], rel[128];
  lock();
  memcpy(custom, g.fw_path, sizeof(custom));
  unlock();
  // 6.1 looks in the directory named by the whole value, newline included.
  if (sim_kernel_cuts_fw_path())
    custom[strcspn(custom, "\n")] = '\0';
  snprintf(upd_rel, sizeof(upd_rel), "/lib/firmware/updates/%s", g.uts_release);
  snprintf(rel, sizeof(rel), "/lib/firmware/%s", g.uts_release);
  const char *dirs[] = {custom, upd_rel, "/lib/firmware/updates", rel, "/lib/firmware"};
  int rc = -ENOENT;
  for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
    if (!dirs[i][0])
      continue;
    char kpath[4096], path[8192];
    if (snprintf(kpath, sizeof(kpath), "%s/%s", dirs[i], name) >= (int)sizeof(kpath))
      return -ENAMETOOLONG;
    // Paths are the kernel's, taken relative to the simulated root.
    snprintf(path, sizeof(path), "%s%s%s", g.root, kpath[0] == '/' ? "" : "/", kpath);
    rc = read_fw_file(path, fw);
    if (!rc)
      break;
  }
  return rc;
}

void sim_release_firmware(struct sim_fw *fw)
{
  free(fw->data);
  fw->data = NULL;
}

// ---- the driver's ops ----

static int driver_start(struct sim_proc *p)
{
  lock();
  unsigned delay = p->delay_ms;
  unlock();
  if (!sim_sleep_ms(delay))
    return -EINTR;
  lock();
  int err = p->fail_errno;
  unlock();
  return -err;
}

// The stop op (the module's sim_stop): power off clears the device memory,
// trace buffers included. Needs g.mu.
static void driver_stop(struct sim_proc *p)
{
  memset(p->mem, 0, SIM_MEM_SIZE);
}

// ---- the core; callers hold p->op ----

// rproc_resource_cleanup() plus freeing the cached table; needs g.mu.
static void drop_resources(struct sim_proc *p)
{
  if (p->ntraces)
    p->trace_gen++;
  p->ntraces = 0;
  p->core.nsegs = 0;   // rproc_coredump_cleanup()
  free(p->rsc_cache);
  p->rsc_cache = NULL;
  p->rsc_size = 0;
}

// rproc_start(): load, install the table, start; RUNNING only on success.
static int start_image(struct sim_proc *p, const struct sim_fw *fw)
{
  lock();
  int rc = sim_elf_load_segments(fw, p->mem);
  if (!rc && p->rsc_cache)
    sim_elf_install_table(fw, p->mem, p->rsc_cache, p->rsc_size);
  unlock();
  if (!rc)
    rc = driver_start(p);
  if (!rc) {
    lock();
    p->state = ST_RUNNING;
    clock_gettime(CLOCK_MONOTONIC, &p->up_at);
    unlock();
  }
  return rc;
}

// rproc_fw_boot(): trace files appear while resources are handled, before
// the start op runs, and vanish again if anything after that fails.
static int fw_boot(struct sim_proc *p, const struct sim_fw *fw)
{
  int rc = sim_elf_sanity_check(fw);
  uint8_t *table = NULL;
  size_t size = 0;
  if (rc)
    return rc;
  // The simulated driver's parse_fw, like imx_rproc's and stm32_rproc's (and
  // the kernel tier's module), boots firmware without a usable resource
  // table: such firmware simply has no trace buffer.
  if (sim_elf_load_rsc_table(fw, &table, &size)) {
    table = NULL;
    size = 0;
  }
  struct sim_trace traces[SIM_MAX_TRACES];
  int n = 0;
  if (table)
    rc = sim_handle_resources(table, size, traces, &n);
  lock();
  p->rsc_cache = table;
  p->rsc_size = size;
  sim_elf_dump_info(fw, &p->core);
  if (!rc && n) {
    memcpy(p->traces, traces, sizeof(traces));
    p->ntraces = n;
    p->trace_gen++;
  }
  unlock();
  if (!rc)
    rc = start_image(p, fw);
  if (rc) {
    lock();
    drop_resources(p);
    unlock();
  }
  return rc;
}

int sim_boot(struct sim_proc *p)
{
  char name[SIM_PAGE + 1];
  pthread_mutex_lock(&p->op);
  lock();
  bool powered = ++p->power > 1;
  memcpy(name, p->firmware, sizeof(name));
  unlock();
  int rc = 0;
  if (!powered) {
    struct sim_fw fw = {0};
    rc = sim_request_firmware(name, &fw);
    if (!rc)
      rc = fw_boot(p, &fw);
    sim_release_firmware(&fw);
    if (rc) {
      lock();
      p->power--;
      unlock();
    }
  }
  pthread_mutex_unlock(&p->op);
  return rc;
}

// rproc_shutdown(): allowed from running, attached and (from 6.1.192)
// crashed; the processor only stops when the last reference goes.
int sim_shutdown(struct sim_proc *p)
{
  pthread_mutex_lock(&p->op);
  lock();
  int rc = 0;
  bool crashed_ok = !sim_kernel_refuses_crashed_stop();
  if (p->state != ST_RUNNING && p->state != ST_ATTACHED && !(p->state == ST_CRASHED && crashed_ok))
    rc = -EINVAL;
  else if (p->power > 1)
    p->power--;
  else {
    p->power = 0;
    driver_stop(p);
    p->state = ST_OFFLINE;
    drop_resources(p);
  }
  unlock();
  pthread_mutex_unlock(&p->op);
  return rc;
}

// rproc_set_firmware(): offline only; the name ends at the first newline.
int sim_set_firmware(struct sim_proc *p, const char *buf)
{
  pthread_mutex_lock(&p->op);
  lock();
  int rc = 0;
  size_t len = strcspn(buf, "\n");
  if (p->state != ST_OFFLINE)
    rc = -EBUSY;
  else if (!len)
    rc = -EINVAL;
  else {
    memcpy(p->firmware, buf, len);
    p->firmware[len] = '\0';
  }
  unlock();
  pthread_mutex_unlock(&p->op);
  return rc;
}

// rproc_trigger_recovery() with rproc_boot_recovery(): stop (the stop op
// clears device memory; state offline), a crash dump when coredump is not
// disabled (devcd.c; inline waits here until it is freed), reload the same
// firmware name, start. No sanity check and no new resource handling, so trace files
// survive (reading empty until the firmware writes); a failure leaves the
// processor offline with its power reference and trace files still held,
// as in the kernel.
int sim_trigger_recovery(struct sim_proc *p)
{
  char name[SIM_PAGE + 1];
  uint8_t *dump = NULL;
  size_t dump_size = 0;
  pthread_mutex_lock(&p->op);
  lock();
  bool crashed = p->state == ST_CRASHED, inline_dump = p->dump_conf == DUMP_INLINE;
  if (crashed && p->dump_conf != DUMP_DISABLED)
    dump = sim_elf_core(&p->core, p->mem, &dump_size);   // the memory as it crashed
  if (crashed) {
    driver_stop(p);
    p->state = ST_OFFLINE;
    memcpy(name, p->firmware, sizeof(name));
  }
  unlock();
  int rc = 0;
  if (dump)   // rproc_boot_recovery(): stop, ops->coredump, then the start
    sim_devcd_add(p->index, dump, dump_size, inline_dump);
  if (crashed) {
    struct sim_fw fw = {0};
    rc = sim_request_firmware(name, &fw);
    if (!rc)
      rc = start_image(p, &fw);
    sim_release_firmware(&fw);
  }
  pthread_mutex_unlock(&p->op);
  return rc;
}

// rproc_crash_handler_work(): only the first crash of a running processor
// counts; recovery runs right away unless disabled.
static void handle_crash(struct sim_proc *p)
{
  pthread_mutex_lock(&p->op);
  lock();
  bool act = p->state != ST_CRASHED && p->state != ST_OFFLINE;
  if (act) {
    p->state = ST_CRASHED;
    p->crash_cnt++;
  }
  bool recover = act && !p->recovery_disabled;
  unlock();
  pthread_mutex_unlock(&p->op);
  if (recover)
    sim_trigger_recovery(p);
}

// rproc_report_crash(): queue_work() on an already queued item is a no-op.
void sim_report_crash(struct sim_proc *p)
{
  lock();
  p->crash_pending = true;
  pthread_cond_signal(&p->crash_cv);
  unlock();
}

static void *crash_worker(void *arg)
{
  struct sim_proc *p = arg;
  lock();
  while (!g.quitting) {
    if (!p->crash_pending) {
      struct timespec ts;
      clock_gettime(CLOCK_MONOTONIC, &ts);
      ts.tv_nsec += 50000000L;
      if (ts.tv_nsec >= 1000000000L) ts.tv_sec++, ts.tv_nsec -= 1000000000L;
      pthread_cond_timedwait(&p->crash_cv, &g.mu, &ts);
      continue;
    }
    p->crash_pending = false;
    unlock();
    handle_crash(p);
    lock();
  }
  unlock();
  return NULL;
}

bool sim_rpmsg_up(int proc)
{
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  lock();
  const struct sim_proc *p = &g.procs[proc];
  long long ms = (now.tv_sec - p->up_at.tv_sec) * 1000LL + (now.tv_nsec - p->up_at.tv_nsec) / 1000000;
  bool up = p->state == ST_RUNNING && ms >= (long long)g.rpmsg_delay_ms;
  unlock();
  return up;
}

void sim_node_name(const struct sim_chan *c, char *buf, size_t cap)
{
  static const char *const fmt[] = {"", "ttyRPMSG%d", "rpmsg_ctrl%d", "rpmsg%d"};
  snprintf(buf, cap, fmt[c->node], c->num);
}

static int proc_init(struct sim_proc *p, pthread_condattr_t *ca)
{
  // rproc_add() with auto_boot on a detached processor attaches at once.
  p->state = p->attached ? ST_ATTACHED : ST_OFFLINE;
  p->power = p->attached;
  char fw[sizeof(p->name) + 16];   // rproc_alloc()'s default firmware name
  snprintf(fw, sizeof(fw), "rproc-%s-fw", p->name);
  strcpy(p->firmware, fw);
  p->mem = calloc(1, SIM_MEM_SIZE);
  if (!p->mem)
    return -ENOMEM;
  pthread_mutex_init(&p->op, NULL);
  pthread_cond_init(&p->crash_cv, ca);
  int rc = pthread_create(&p->worker, NULL, crash_worker, p);
  if (rc) {
    free(p->mem);
    p->mem = NULL;   // marks "no worker to join"
  }
  return -rc;
}

// Workers start with termination signals blocked so that libfuse's main
// thread is the one that sees SIGTERM/SIGINT.
int sim_procs_init(void)
{
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  int rc = 0;
  for (int i = 0; i < g.nprocs && !rc; i++)
    rc = proc_init(&g.procs[i], &ca);
  pthread_condattr_destroy(&ca);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  return rc;
}

void sim_procs_stop(void)
{
  g.quitting = 1;
  for (int i = 0; i < g.nprocs; i++) {
    struct sim_proc *p = &g.procs[i];
    if (!p->mem)
      continue;
    pthread_join(p->worker, NULL);
    free(p->mem);
    free(p->rsc_cache);
    p->mem = NULL;
  }
}
