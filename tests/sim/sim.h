// sim.h - shared state of rprocsim, the FUSE model of the Linux
// remoteproc sysfs/debugfs interface (see rprocsim.c for the file tree).
//
// Locking mirrors the kernel: every processor has an `op` mutex playing
// rproc->lock (held across a whole boot, shutdown or recovery, including the
// simulated start delay), and one global `mu` guards the fields the show
// functions read, so reads never wait for a slow start. Order: op, then mu.

#ifndef RPROCSIM_SIM_H
#define RPROCSIM_SIM_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SIM_MAX_PROCS 32
#define SIM_MAX_NAME 100
#define SIM_MAX_TRACES 8
#define SIM_PAGE 4096             // sysfs store buffer size (PAGE_SIZE)
#define SIM_MEM_SIZE 0x40000u     // device addresses 0x0-0x3FFFF are mapped
#define SIM_FW_MAX (64u << 20)    // refuse firmware files above 64 MiB
#define SIM_FW_PATH_MAX 256       // firmware_class.path buffer, NUL included
#define SIM_DELAY_MAX_MS 60000u
#define SIM_MAX_CHANS 32
#define SIM_CHAN_NAME 31          // RPMSG_NAME_SIZE - 1

// enum rproc_state values; only the ones the model can reach are used.
enum sim_state { ST_OFFLINE, ST_SUSPENDED, ST_RUNNING, ST_CRASHED, ST_ATTACHED,
                 ST_DETACHED };

enum sim_dump { DUMP_DISABLED, DUMP_ENABLED, DUMP_INLINE };

// --rpmsg: a channel the firmware announces, and the /dev node a driver
// makes for it: rpmsg-tty -> ttyRPMSGn (rpmsg_tty), rpmsg_ctrl ->
// rpmsg_ctrlN, any other -> rpmsgN (rpmsg_char); none without MAJ:MIN.
enum sim_node { NODE_NONE, NODE_TTY, NODE_CTRL, NODE_EPT };

struct sim_chan {
  int proc;
  char name[SIM_CHAN_NAME + 1];
  enum sim_node node;
  int num;                       // n of the node's name
  unsigned addr;                 // destination address (1024 + its rank)
  unsigned major, minor;
};

struct sim_trace {
  uint32_t da, len;
};

// The crash dump's layout, from the firmware (sim_elf_dump_info).
struct sim_core {
  uint8_t cls;
  uint16_t machine;
  uint64_t entry;
  int nsegs;
  struct sim_trace segs[SIM_MAX_TRACES];  // da and size of each dump segment
};

struct sim_proc {
  int index;
  char name[SIM_MAX_NAME + 1];
  bool attached;                 // registered detached: the core attaches at once
  bool has_tty;                  // --tty: an rpmsg tty with this device number
  unsigned tty_major, tty_minor;
  pthread_mutex_t op;            // rproc->lock
  pthread_cond_t crash_cv;       // wakes the crash worker (under mu)
  pthread_t worker;

  // Everything below is guarded by g.mu.
  enum sim_state state;
  struct timespec up_at;         // when it last became RUNNING
  unsigned power;                // rproc->power: start/stop reference count
  char firmware[SIM_PAGE + 1];
  bool recovery_disabled;
  enum sim_dump dump_conf;
  unsigned crash_cnt;
  bool crash_pending;            // the crash work item is queued
  int ntraces;
  struct sim_trace traces[SIM_MAX_TRACES];
  unsigned trace_gen;            // bumps whenever trace files come or go
  struct sim_core core;          // dump segments, registered at boot
  uint8_t *rsc_cache;            // rproc->cached_table
  size_t rsc_size;
  uint8_t *mem;                  // device memory, SIM_MEM_SIZE bytes

  // Test controls (debugfs rprocsim/remoteprocN/).
  int fail_errno;
  unsigned delay_ms;
  bool read_only;
};

// Kernel versions as one number, for --kernel.
#define SIM_KERNEL(x, y, z) ((x) * 1000000u + (y) * 1000u + (z))
#define SIM_KERNEL_NEWEST SIM_KERNEL(7, 2, 12)

struct sim_global {
  pthread_mutex_t mu;
  unsigned kernel;               // the kernel imitated (--kernel), 0: the newest
  volatile sig_atomic_t quitting;
  char root[4096];               // DIR: firmware paths are resolved inside it
  char uts_release[65];
  char fw_path[SIM_FW_PATH_MAX]; // firmware_class.path
  char *model;                   // NULL: no devicetree model file
  char *compat;                  // NUL-separated list, NULL: none
  size_t compat_len;
  int nprocs;
  struct sim_proc procs[SIM_MAX_PROCS];
  int nchans;
  struct sim_chan chans[SIM_MAX_CHANS];
  unsigned rpmsg_delay_ms;       // --rpmsg-delay-ms
};

extern struct sim_global g;

// A loaded firmware image (struct firmware).
struct sim_fw {
  uint8_t *data;
  size_t size;
};

// Where the kernels differ (tests/kernel/kernels.sh has the same rules):
// firmware_class.path ends at its first newline from 6.12 on; 6.12.117's
// rproc_elf_sanity_check wants every section header inside the file; 6.1
// before 6.1.192 refuses to stop a crashed processor.
bool sim_kernel_cuts_fw_path(void);
bool sim_kernel_checks_all_shdrs(void);
bool sim_kernel_refuses_crashed_stop(void);

// core.c: the remoteproc core and the firmware loader.
int sim_procs_init(void);
void sim_procs_stop(void);
int sim_request_firmware(const char *name, struct sim_fw *fw);
void sim_release_firmware(struct sim_fw *fw);
int sim_boot(struct sim_proc *p);
int sim_shutdown(struct sim_proc *p);
int sim_set_firmware(struct sim_proc *p, const char *buf);
int sim_trigger_recovery(struct sim_proc *p);
void sim_report_crash(struct sim_proc *p);
bool sim_streq(const char *s1, const char *s2);
bool sim_sleep_ms(unsigned ms);
// Whether processor proc's rpmsg channels exist now: running, for at least
// --rpmsg-delay-ms (the firmware announces them once it is up).
bool sim_rpmsg_up(int proc);
// The node's name (ttyRPMSG0) into buf.
void sim_node_name(const struct sim_chan *c, char *buf, size_t cap);

// attrs.c: show/store of every file in the tree.
enum sim_file {
  // sysfs: class/remoteproc/remoteprocN/
  F_NAME, F_STATE, F_FIRMWARE, F_RECOVERY, F_COREDUMP,
  // sysfs: an rpmsg channel (sub: the channel) and its node
  F_CHAN_NAME, F_NODE_DEV, F_NODE_UEVENT,
  // sysfs: firmware/devicetree/base/, module/firmware_class/parameters/
  F_DT_MODEL, F_DT_COMPAT, F_FW_PATH,
  // debugfs: remoteproc/remoteprocN/
  F_DBG_NAME, F_DBG_RECOVERY, F_DBG_CRASH, F_DBG_COREDUMP, F_DBG_TRACE,
  // debugfs: rprocsim/remoteprocN/ (test controls)
  F_CTL_TRACE, F_CTL_FAIL, F_CTL_DELAY, F_CTL_RO,
  // sysfs: class/devcoredump/devcdN/ (sub: N)
  F_DEVCD_DATA,
};

struct sim_file_ref {
  enum sim_file id;
  int proc, sub;     // processor index; trace number for F_DBG_TRACE
};

bool sim_is_sysfs(enum sim_file f);
unsigned sim_file_mode(const struct sim_file_ref *f);
long sim_file_size(const struct sim_file_ref *f);
bool sim_trace_exists(int proc, int sub, unsigned *gen);
int sim_show(const struct sim_file_ref *f, char *buf, size_t cap);
long sim_read_trace(const struct sim_file_ref *f, unsigned gen, char *buf,
                    size_t size, long off);
long sim_write(const struct sim_file_ref *f, const char *data, size_t len);

// elf.c: the remoteproc ELF loader's checks and actions.
int sim_elf_sanity_check(const struct sim_fw *fw);
int sim_elf_load_rsc_table(const struct sim_fw *fw, uint8_t **table, size_t *size);
int sim_elf_load_segments(const struct sim_fw *fw, uint8_t *mem);
void sim_elf_install_table(const struct sim_fw *fw, uint8_t *mem,
                           const uint8_t *table, size_t size);
int sim_handle_resources(const uint8_t *table, size_t size,
                         struct sim_trace *traces, int *ntraces);
bool sim_da_ok(uint64_t da, uint64_t len);
void sim_elf_dump_info(const struct sim_fw *fw, struct sim_core *c);
uint8_t *sim_elf_core(const struct sim_core *c, const uint8_t *mem, size_t *size);

// devcd.c: devcoredump. sim_devcd_add takes data (malloc'd) as dump of
// processor proc; inline: returns once it is freed (read and written to)
// or timed out. The others take g.mu themselves.
void sim_devcd_add(int proc, uint8_t *data, size_t size, bool inline_dump);
int sim_devcd_each(int *num, int *proc, int from);
long sim_devcd_read(int num, char *buf, size_t size, long off);
void sim_devcd_free(int num);
long sim_devcd_size(int num);

#endif
