// rprocsim.c - a FUSE file system that behaves like the remoteproc parts of
// a Linux /sys, for tests that cannot boot a kernel.
//
//   rprocsim --root DIR [--model STR] [--compatible STR]... [--fw-path PATH]
//            [--start-delay-ms N] [--attached NAME]... [--tty NAME=MAJ:MIN]...
//            [--rpmsg NAME=CHANNEL[@MAJ:MIN]]... [--rpmsg-delay-ms N]
//            [--kernel X.Y.Z] [--exit-with-parent] NAME...
//
// --kernel names the kernel whose answers it gives where the kernels the
// kernel tier boots differ (sim_kernel_* in sim.h); the default is the
// newest of them, 7.2.12.
//
// Mounted at DIR/sys, processor N being the Nth NAME:
//   class/remoteproc/remoteprocN -> ../../devices/platform/rprocsim.N/remoteproc/remoteprocN
//   devices/platform/rprocsim.N/remoteproc/remoteprocN/{name,state,firmware,recovery,coredump}
//   kernel/debug/remoteproc/remoteprocN/{name,recovery,crash,coredump,traceK}
//   kernel/debug/rprocsim/remoteprocN/{trace,fail_start,start_delay_ms,read_only}
//   firmware/devicetree/base/{model,compatible}      (only when given)
//   class/devcoredump/devcdN/{data,failing_device}   (a crash dump, devcd.c:
//   a recovery takes one unless coredump is disabled, as the kernel tier's
//   module registers one segment per PT_LOAD of the firmware)
//   module/firmware_class/parameters/path
//   with --tty NAME=MAJ:MIN, an rpmsg tty of that processor (as rpmsg_tty
//   makes one below the processor's virtio device; here one level down):
//   devices/.../remoteprocN/ttyRPMSGN/subsystem -> ../../../../../../class/tty
//   dev/char/MAJ:MIN -> ../../devices/.../remoteprocN/ttyRPMSGN, class/tty/
//   with --rpmsg NAME=CHANNEL[@MAJ:MIN], an rpmsg channel the firmware
//   announces, present only while the processor runs (gone on stop and
//   crash, back after a recovery) and, with --rpmsg-delay-ms N, only N ms
//   after each start; as the kernel shows it (channel virtioN.CHANNEL.-1.A,
//   A = 1024 + its rank on that processor):
//   devices/.../remoteprocN/remoteprocN#vdev0buffer/virtioN/<channel>/name
//   bus/rpmsg/devices/<channel> -> ../../../devices/.../<channel>
//   and with MAJ:MIN a node below it as its driver makes one: rpmsg-tty
//   a tty ttyRPMSGn (rpmsg_tty), rpmsg_ctrl a class rpmsg rpmsg_ctrlN, any
//   other channel an rpmsg_char endpoint rpmsgN (class rpmsg):
//   devices/.../<channel>/{tty,rpmsg}/<node>/{dev,uevent,subsystem}
//   class/{tty,rpmsg}/<node> and dev/char/MAJ:MIN -> that directory
//   (a pseudo-terminal's MAJ:MIN stands in for a real rpmsg tty)
// Firmware is looked up in DIR/<kernel search path>, on the real disk.
// An --attached processor is registered as a driver does for a core the
// boot loader started (RPROC_DETACHED, auto_boot): the core attaches to it,
// so it starts "attached", its firmware reads "unknown", it has no resource
// table (no trace) and "stop" takes it offline.
//
// Test controls (the same files the kernel test module provides):
//   trace           append the written bytes to trace0's region (its da/len
//                   come from the firmware); a full region takes what fits,
//                   then ENOSPC; no trace resource loaded: ENODEV
//   fail_start      errno 0-4095 that the driver's start op returns (0: none)
//   start_delay_ms  the start op sleeps this long (0-60000), with the
//                   processor lock held as in the kernel: state stays readable
//   read_only       1: sysfs_read_only, the four writable attributes become
//                   0444 and opening them for writing fails with EACCES
// The driver's stop op clears the device memory (power off), trace buffers
// included, so the trace buffer is empty after each (re)load, and already
// while a crash recovery's start is still running.

#define FUSE_USE_VERSION 312

#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"

static const char usage[] =
    "usage: rprocsim --root DIR [--model STR] [--compatible STR]... [--fw-path PATH]\n"
    "                [--start-delay-ms N] [--attached NAME]... [--tty NAME=MAJ:MIN]...\n"
    "                [--rpmsg NAME=CHANNEL[@MAJ:MIN]]... [--rpmsg-delay-ms N]\n"
    "                [--kernel X.Y.Z] [--exit-with-parent] NAME...\n"
    "  Serves a Linux remoteproc sysfs/debugfs tree for processors NAME...\n"
    "  at DIR/sys until SIGTERM/SIGINT/SIGHUP, unmount, or (--exit-with-parent)\n"
    "  the death of the parent process. --compatible entries are separated by\n"
    "  white space or given by repeating the option. --kernel: the kernel whose\n"
    "  behaviour it imitates where kernels differ (default 7.2.12).\n";

// ---- the directory tree ----

enum kind { K_DIR, K_LINK, K_FILE };

enum dir_id { D_ROOT, D_CLASS, D_CLASS_RP, D_DEVICES, D_PLATFORM, D_PDEV, D_PDEV_RP,
              D_RPDEV, D_FIRMWARE, D_DT, D_DT_BASE, D_KERNEL, D_DEBUG, D_DBG_RP,
              D_DBG_RPN, D_DBG_SIM, D_DBG_SIMN, D_MODULE, D_FWCLASS, D_FWPARAMS,
              D_CLASS_TTY, D_RPTTY, D_DEV, D_DEVCHAR, D_CLASS_DCD, D_DEVCD,
              D_VDEV, D_VIRTIO, D_CHAN, D_CHAN_CLS, D_NODE, D_BUS, D_BUS_RPMSG,
              D_BUS_DEVS, D_CLASS_RPMSG };

// L_CLASS..L_FAILING: the processor, its --tty and its crash dump; the
// rest: an rpmsg channel (sub) and its node.
enum link_id { L_CLASS, L_SUBSYSTEM, L_CHARDEV, L_FAILING, L_BUS_CHAN, L_NODE, L_NODE_SUBSYS };

struct node {
  enum kind kind;
  int id;            // enum dir_id or enum sim_file
  int proc, sub;
};

struct child {
  const char *name;
  enum kind kind;
  int id;
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const struct child root_dirs[] = {{"bus", K_DIR, D_BUS}, {"class", K_DIR, D_CLASS}, {"dev", K_DIR, D_DEV}, {"devices", K_DIR, D_DEVICES},
    {"firmware", K_DIR, D_FIRMWARE}, {"kernel", K_DIR, D_KERNEL}, {"module", K_DIR, D_MODULE}};
static const struct child class_dirs[] = {{"devcoredump", K_DIR, D_CLASS_DCD}, {"remoteproc", K_DIR, D_CLASS_RP}, {"rpmsg", K_DIR, D_CLASS_RPMSG},
    {"tty", K_DIR, D_CLASS_TTY}};
static const struct child bus_dirs[] = {{"rpmsg", K_DIR, D_BUS_RPMSG}};
static const struct child busrpmsg_dirs[] = {{"devices", K_DIR, D_BUS_DEVS}};
static const struct child node_files[] = {{"dev", K_FILE, F_NODE_DEV}, {"subsystem", K_LINK, L_NODE_SUBSYS},
    {"uevent", K_FILE, F_NODE_UEVENT}};
static const struct child dev_dirs[] = {{"char", K_DIR, D_DEVCHAR}};
static const struct child tty_links[] = {{"subsystem", K_LINK, L_SUBSYSTEM}};
static const struct child devices_dirs[] = {{"platform", K_DIR, D_PLATFORM}};
static const struct child pdev_dirs[] = {{"remoteproc", K_DIR, D_PDEV_RP}};
static const struct child rpdev_files[] = {{"coredump", K_FILE, F_COREDUMP},
    {"firmware", K_FILE, F_FIRMWARE}, {"name", K_FILE, F_NAME},
    {"recovery", K_FILE, F_RECOVERY}, {"state", K_FILE, F_STATE}};
static const struct child dt_dirs[] = {{"base", K_DIR, D_DT_BASE}};
static const struct child kernel_dirs[] = {{"debug", K_DIR, D_DEBUG}};
static const struct child debug_dirs[] = {{"remoteproc", K_DIR, D_DBG_RP},
    {"rprocsim", K_DIR, D_DBG_SIM}};
static const struct child dbg_files[] = {{"coredump", K_FILE, F_DBG_COREDUMP},
    {"crash", K_FILE, F_DBG_CRASH}, {"name", K_FILE, F_DBG_NAME},
    {"recovery", K_FILE, F_DBG_RECOVERY}};
static const struct child ctl_files[] = {{"fail_start", K_FILE, F_CTL_FAIL},
    {"read_only", K_FILE, F_CTL_RO}, {"start_delay_ms", K_FILE, F_CTL_DELAY},
    {"trace", K_FILE, F_CTL_TRACE}};
static const struct child module_dirs[] = {{"firmware_class", K_DIR, D_FWCLASS}};
static const struct child fwclass_dirs[] = {{"parameters", K_DIR, D_FWPARAMS}};
static const struct child fwparam_files[] = {{"path", K_FILE, F_FW_PATH}};

// A visitor returns true to stop the walk (a lookup found its name).
typedef bool (*visit_fn)(void *ctx, const char *name, const struct node *n);

static bool emit(const struct child *c, size_t n, int proc, visit_fn fn, void *ctx)
{
  for (size_t i = 0; i < n; i++) {
    struct node nd = {c[i].kind, c[i].id, proc, 0};
    if (fn(ctx, c[i].name, &nd))
      return true;
  }
  return false;
}

static bool emit_one(const char *fmt, int num, enum kind k, int id, int proc, int sub,
                     visit_fn fn, void *ctx)
{
  char name[64];
  snprintf(name, sizeof(name), fmt, num);
  struct node nd = {k, id, proc, sub};
  return fn(ctx, name, &nd);
}

static bool emit_procs(const char *fmt, enum kind k, int id, visit_fn fn, void *ctx)
{
  for (int i = 0; i < g.nprocs; i++)
    if (emit_one(fmt, i, k, id, i, 0, fn, ctx))
      return true;
  return false;
}

static bool emit_traces(int proc, visit_fn fn, void *ctx)
{
  for (int k = 0; sim_trace_exists(proc, k, NULL); k++)
    if (emit_one("trace%d", k, K_FILE, F_DBG_TRACE, proc, k, fn, ctx))
      return true;
  return false;
}

static bool emit_dt(visit_fn fn, void *ctx)
{
  struct node compat = {K_FILE, F_DT_COMPAT, -1, 0}, model = {K_FILE, F_DT_MODEL, -1, 0};
  return (g.compat && fn(ctx, "compatible", &compat)) || (g.model && fn(ctx, "model", &model));
}

// dev/char: one MAJ:MIN link per processor given a --tty.
static bool emit_chardevs(visit_fn fn, void *ctx)
{
  for (int i = 0; i < g.nprocs; i++) {
    char name[32];
    struct node nd = {K_LINK, L_CHARDEV, i, 0};
    snprintf(name, sizeof(name), "%u:%u", g.procs[i].tty_major, g.procs[i].tty_minor);
    if (g.procs[i].has_tty && fn(ctx, name, &nd))
      return true;
  }
  return false;
}

// class/devcoredump: devcdN (sub N) of processor proc, with data and
// failing_device.
static bool emit_devcds(visit_fn fn, void *ctx)
{
  for (int num = -1, proc; !sim_devcd_each(&num, &proc, num + 1);)
    if (emit_one("devcd%d", num, K_DIR, D_DEVCD, proc, num, fn, ctx))
      return true;
  return false;
}

// ---- rpmsg (--rpmsg): present only while sim_rpmsg_up ----

static const char *node_class(const struct sim_chan *c) { return c->node == NODE_TTY ? "tty" : "rpmsg"; }

// "virtioN.<name>.-1.<addr>" (rpmsg_register_device's "%s.%s.%d.%d";
// rpmsg_ctrl's is ".0.0" in the kernel, close enough here)
static void chan_dev(const struct sim_chan *c, char *buf, size_t cap)
{
  snprintf(buf, cap, "virtio%d.%s.-1.%u", c->proc, c->name, c->addr);
}

// The channel's device directory below the sysfs root.
static void chan_path(const struct sim_chan *c, char *buf, size_t cap)
{
  char dev[64];
  chan_dev(c, dev, sizeof(dev));
  snprintf(buf, cap, "devices/platform/rprocsim.%d/remoteproc/remoteproc%d/remoteproc%d#vdev0buffer/virtio%d/%s",
           c->proc, c->proc, c->proc, c->proc, dev);
}

// The channels (proc: of that processor, -1: all) that are up, each by
// how: 0 its device name, 1 its node's name (nodes only: of class cls,
// NULL any), 2 its node's MAJ:MIN.
static bool emit_chans(int proc, int how, const char *cls, enum kind k, int id, visit_fn fn, void *ctx)
{
  for (int i = 0; i < g.nchans; i++) {
    const struct sim_chan *c = &g.chans[i];
    char name[64];
    struct node nd = {k, id, c->proc, i};
    if ((proc >= 0 && c->proc != proc) || !sim_rpmsg_up(c->proc) || (how && !c->node) ||
        (cls && strcmp(cls, node_class(c))))
      continue;
    if (how == 0) chan_dev(c, name, sizeof(name));
    else if (how == 1) sim_node_name(c, name, sizeof(name));
    else snprintf(name, sizeof(name), "%u:%u", c->major, c->minor);
    if (fn(ctx, name, &nd))
      return true;
  }
  return false;
}

static bool emit_chan_dir(const struct node *d, visit_fn fn, void *ctx)
{
  const struct sim_chan *c = &g.chans[d->sub];
  struct node nd = {K_FILE, F_CHAN_NAME, d->proc, d->sub}, cls = {K_DIR, D_CHAN_CLS, d->proc, d->sub};
  return fn(ctx, "name", &nd) || (c->node && fn(ctx, node_class(c), &cls));
}

static bool emit_node_files(const struct node *d, visit_fn fn, void *ctx)
{
  for (size_t i = 0; i < N_OF(node_files); i++) {
    struct node nd = {node_files[i].kind, node_files[i].id, d->proc, d->sub};
    if (fn(ctx, node_files[i].name, &nd))
      return true;
  }
  return false;
}

static bool emit_rpmsg_dirs(const struct node *d, visit_fn fn, void *ctx)
{
  char name[64];
  const struct sim_chan *c = &g.chans[d->sub];
  if (d->id == D_CHAN_CLS) {
    struct node nd = {K_DIR, D_NODE, d->proc, d->sub};
    sim_node_name(c, name, sizeof(name));
    return fn(ctx, name, &nd);
  }
  if (d->id == D_VDEV) return emit_one("virtio%d", d->proc, K_DIR, D_VIRTIO, d->proc, 0, fn, ctx);
  if (d->id == D_VIRTIO) return emit_chans(d->proc, 0, NULL, K_DIR, D_CHAN, fn, ctx);
  if (d->id == D_CHAN) return emit_chan_dir(d, fn, ctx);
  return emit_node_files(d, fn, ctx);
}

// remoteprocN#vdev0buffer while its channels are up.
static bool emit_vdev(int proc, visit_fn fn, void *ctx)
{
  for (int i = 0; i < g.nchans; i++)
    if (g.chans[i].proc == proc)
      return sim_rpmsg_up(proc) &&
             emit_one("remoteproc%d#vdev0buffer", proc, K_DIR, D_VDEV, proc, 0, fn, ctx);
  return false;
}

#define EMIT(a) emit(a, N_OF(a), d->proc, fn, ctx)

static bool list_dir(const struct node *d, visit_fn fn, void *ctx)
{
  switch (d->id) {
  case D_ROOT: return EMIT(root_dirs);
  case D_CLASS: return EMIT(class_dirs);
  case D_CLASS_RP: return emit_procs("remoteproc%d", K_LINK, 0, fn, ctx);
  case D_DEVICES: return EMIT(devices_dirs);
  case D_PLATFORM: return emit_procs("rprocsim.%d", K_DIR, D_PDEV, fn, ctx);
  case D_PDEV: return EMIT(pdev_dirs);
  case D_PDEV_RP: return emit_one("remoteproc%d", d->proc, K_DIR, D_RPDEV, d->proc, 0, fn, ctx);
  case D_RPDEV:
    return EMIT(rpdev_files) ||
           (g.procs[d->proc].has_tty && emit_one("ttyRPMSG%d", d->proc, K_DIR, D_RPTTY, d->proc, 0, fn, ctx)) ||
           emit_vdev(d->proc, fn, ctx);
  case D_RPTTY: return EMIT(tty_links);
  case D_DEV: return EMIT(dev_dirs);
  case D_CLASS_DCD: return emit_devcds(fn, ctx);
  case D_DEVCD:
    return emit_one("data", 0, K_FILE, F_DEVCD_DATA, d->proc, d->sub, fn, ctx) ||
           emit_one("failing_device", 0, K_LINK, L_FAILING, d->proc, d->sub, fn, ctx);
  case D_DEVCHAR: return emit_chardevs(fn, ctx) || emit_chans(-1, 2, NULL, K_LINK, L_NODE, fn, ctx);
  case D_BUS: return EMIT(bus_dirs);
  case D_BUS_RPMSG: return EMIT(busrpmsg_dirs);
  case D_BUS_DEVS: return emit_chans(-1, 0, NULL, K_LINK, L_BUS_CHAN, fn, ctx);
  case D_CLASS_TTY: return emit_chans(-1, 1, "tty", K_LINK, L_NODE, fn, ctx);
  case D_CLASS_RPMSG: return emit_chans(-1, 1, "rpmsg", K_LINK, L_NODE, fn, ctx);
  case D_VDEV: case D_VIRTIO: case D_CHAN: case D_CHAN_CLS: case D_NODE: return emit_rpmsg_dirs(d, fn, ctx);
  case D_FIRMWARE: {
    struct node dt = {K_DIR, D_DT, -1, 0};
    return (g.model || g.compat) && fn(ctx, "devicetree", &dt);
  }
  case D_DT: return EMIT(dt_dirs);
  case D_DT_BASE: return emit_dt(fn, ctx);
  case D_KERNEL: return EMIT(kernel_dirs);
  case D_DEBUG: return EMIT(debug_dirs);
  case D_DBG_RP: return emit_procs("remoteproc%d", K_DIR, D_DBG_RPN, fn, ctx);
  case D_DBG_RPN: return EMIT(dbg_files) || emit_traces(d->proc, fn, ctx);
  case D_DBG_SIM: return emit_procs("remoteproc%d", K_DIR, D_DBG_SIMN, fn, ctx);
  case D_DBG_SIMN: return EMIT(ctl_files);
  case D_MODULE: return EMIT(module_dirs);
  case D_FWCLASS: return EMIT(fwclass_dirs);
  case D_FWPARAMS: return EMIT(fwparam_files);
  default: return false;
  }
}

struct find {
  const char *want;
  size_t len;
  struct node *out;
};

static bool find_visit(void *ctx, const char *name, const struct node *n)
{
  struct find *f = ctx;
  if (strlen(name) != f->len || memcmp(name, f->want, f->len))
    return false;
  *f->out = *n;
  return true;
}

static int lookup(const char *path, struct node *out)
{
  *out = (struct node){K_DIR, D_ROOT, -1, 0};
  while (*path) {
    while (*path == '/') path++;
    if (!*path)
      break;
    size_t len = strcspn(path, "/");
    if (out->kind != K_DIR)
      return -ENOTDIR;
    struct node dir = *out;
    struct find f = {path, len, out};
    if (!list_dir(&dir, find_visit, &f))
      return -ENOENT;
    path += len;
  }
  return 0;
}

// bus/rpmsg/devices/X -> ../../../<channel>; class/C/X and dev/char/M:m ->
// ../../<channel>/C/<node>; <node>/subsystem -> ../(10 levels)class/C.
static void rpmsg_link(const struct node *n, char *buf, size_t size)
{
  const struct sim_chan *c = &g.chans[n->sub];
  char path[PATH_MAX], node[32];
  chan_path(c, path, sizeof(path));
  sim_node_name(c, node, sizeof(node));
  if (n->id == L_BUS_CHAN)
    snprintf(buf, size, "../../../%s", path);
  else if (n->id == L_NODE)
    snprintf(buf, size, "../../%s/%s/%s", path, node_class(c), node);
  else
    snprintf(buf, size, "../../../../../../../../../../class/%s", node_class(c));
}

static void link_target(const struct node *n, char *buf, size_t size)
{
  if (n->id >= L_BUS_CHAN)
    rpmsg_link(n, buf, size);
  else if (n->id == L_SUBSYSTEM)
    snprintf(buf, size, "../../../../../../class/tty");
  else
    snprintf(buf, size, "%s../../devices/platform/rprocsim.%d/remoteproc/remoteproc%d%s", n->id == L_FAILING ? "../" : "", n->proc, n->proc,
             n->id == L_CHARDEV ? "/ttyRPMSG" : "");
  if (n->id == L_CHARDEV)
    snprintf(buf + strlen(buf), size - strlen(buf), "%d", n->proc);
}

static struct sim_file_ref ref_of(const struct node *n)
{
  return (struct sim_file_ref){(enum sim_file)n->id, n->proc, n->sub};
}

// ---- FUSE operations ----

static struct timespec start_time;

struct handle {
  struct sim_file_ref ref;
  unsigned gen;      // trace files: which incarnation was opened
};

static int op_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
  (void)fi;
  struct node n;
  int rc = lookup(path, &n);
  if (rc)
    return rc;
  memset(st, 0, sizeof(*st));
  st->st_atim = st->st_mtim = st->st_ctim = start_time;
  st->st_nlink = n.kind == K_DIR ? 2 : 1;
  if (n.kind == K_DIR) {
    st->st_mode = S_IFDIR | (n.id == D_DEBUG ? 0700 : 0755);
  } else if (n.kind == K_LINK) {
    char t[PATH_MAX];
    link_target(&n, t, sizeof(t));
    st->st_mode = S_IFLNK | 0777;
    st->st_size = strlen(t);
  } else {
    struct sim_file_ref r = ref_of(&n);
    st->st_mode = S_IFREG | sim_file_mode(&r);
    st->st_size = sim_file_size(&r);
  }
  return 0;
}

static int op_readlink(const char *path, char *buf, size_t size)
{
  struct node n;
  int rc = lookup(path, &n);
  if (rc)
    return rc;
  if (n.kind != K_LINK)
    return -EINVAL;
  link_target(&n, buf, size);
  return 0;
}

struct fill {
  void *buf;
  fuse_fill_dir_t filler;
};

static bool fill_visit(void *ctx, const char *name, const struct node *n)
{
  (void)n;
  struct fill *f = ctx;
  return f->filler(f->buf, name, NULL, 0, 0) != 0;
}

static int op_readdir(const char *path, void *buf, fuse_fill_dir_t filler, off_t off,
                      struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
  (void)off, (void)fi, (void)flags;
  struct node n;
  int rc = lookup(path, &n);
  if (rc)
    return rc;
  if (n.kind != K_DIR)
    return -ENOTDIR;
  filler(buf, ".", NULL, 0, 0);
  filler(buf, "..", NULL, 0, 0);
  struct fill f = {buf, filler};
  list_dir(&n, fill_visit, &f);
  return 0;
}

// kernfs refuses, at open time and even for root, a write open of a sysfs
// file without write permission (and a read open without read permission).
static int sysfs_open_check(const struct sim_file_ref *r, int flags)
{
  unsigned mode = sim_file_mode(r);
  int acc = flags & O_ACCMODE;
  if (acc != O_RDONLY && !(mode & 0222))
    return -EACCES;
  if (acc != O_WRONLY && !(mode & 0444))
    return -EACCES;
  return 0;
}

static int op_open(const char *path, struct fuse_file_info *fi)
{
  struct node n;
  int rc = lookup(path, &n);
  if (rc)
    return rc;
  if (n.kind != K_FILE)
    return -EISDIR;
  struct handle h = {ref_of(&n), 0};
  if (sim_is_sysfs(h.ref.id) && (rc = sysfs_open_check(&h.ref, fi->flags)))
    return rc;
  if (h.ref.id == F_DBG_TRACE && !sim_trace_exists(h.ref.proc, h.ref.sub, &h.gen))
    return -ENOENT;
  struct handle *hp = malloc(sizeof(*hp));
  if (!hp)
    return -ENOMEM;
  *hp = h;
  fi->fh = (uintptr_t)hp;
  fi->direct_io = 1;   // every read reaches the model: no page cache
  return 0;
}

static int op_read(const char *path, char *buf, size_t size, off_t off,
                   struct fuse_file_info *fi)
{
  (void)path;
  const struct handle *h = (const struct handle *)(uintptr_t)fi->fh;
  if (h->ref.id == F_DBG_TRACE)
    return sim_read_trace(&h->ref, h->gen, buf, size, off);
  if (h->ref.id == F_DEVCD_DATA)
    return sim_devcd_read(h->ref.sub, buf, size, off);
  char tmp[2 * SIM_PAGE];
  int n = sim_show(&h->ref, tmp, sizeof(tmp));
  if (n < 0 || off >= n)
    return n < 0 ? n : 0;
  size_t len = (size_t)(n - off) < size ? (size_t)(n - off) : size;
  memcpy(buf, tmp + off, len);
  return len;
}

static int op_write(const char *path, const char *data, size_t size, off_t off,
                    struct fuse_file_info *fi)
{
  (void)path, (void)off;   // sysfs and debugfs stores ignore the file position
  const struct handle *h = (const struct handle *)(uintptr_t)fi->fh;
  return sim_write(&h->ref, data, size);
}

static int op_release(const char *path, struct fuse_file_info *fi)
{
  (void)path;
  free((void *)(uintptr_t)fi->fh);
  return 0;
}

// O_TRUNC on a sysfs file is harmless; so are time updates.
static int op_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
  (void)size, (void)fi;
  struct node n;
  int rc = lookup(path, &n);
  return rc ? rc : n.kind == K_FILE ? 0 : -EISDIR;
}

static int op_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi)
{
  (void)tv, (void)fi;
  struct node n;
  return lookup(path, &n);
}

// The tree's shape belongs to the kernel: no new names, no removals.
static int op_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
  (void)path, (void)mode, (void)fi;
  return -EACCES;
}
static int op_mkdir(const char *path, mode_t mode) { (void)path, (void)mode; return -EPERM; }
static int op_unlink(const char *path) { (void)path; return -EPERM; }
static int op_rename(const char *a, const char *b, unsigned flags)
{
  (void)a, (void)b, (void)flags;
  return -EPERM;
}
static int op_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
  (void)path, (void)mode, (void)fi;
  return -EPERM;
}

static void *op_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
  (void)conn;
  // Files come and go with the processor state: the kernel must ask each time.
  cfg->entry_timeout = 0;
  cfg->negative_timeout = 0;
  cfg->attr_timeout = 0;
  cfg->direct_io = 1;
  return NULL;
}

static const struct fuse_operations ops = {
    .getattr = op_getattr,
    .readlink = op_readlink,
    .mkdir = op_mkdir,
    .unlink = op_unlink,
    .rmdir = op_unlink,
    .rename = op_rename,
    .chmod = op_chmod,
    .truncate = op_truncate,
    .open = op_open,
    .read = op_read,
    .write = op_write,
    .release = op_release,
    .readdir = op_readdir,
    .init = op_init,
    .create = op_create,
    .utimens = op_utimens,
};

// ---- command line ----

struct args {
  const char *root, *fw_path;
  const char *attached[SIM_MAX_PROCS], *tty[SIM_MAX_PROCS], *rpmsg[SIM_MAX_CHANS];
  int nattached, ntty, nrpmsg;
  unsigned delay_ms;
  bool exit_with_parent;
};

static void die_usage(const char *fmt, const char *what)
{
  fputs("rprocsim: ", stderr);
  fprintf(stderr, fmt, what);
  fputc('\n', stderr);
  fputs(usage, stderr);
  exit(2);
}

// Appends white-space separated entries, each NUL-terminated, to g.compat.
static void add_compatible(const char *list)
{
  static char buf[SIM_PAGE];
  g.compat = buf;
  for (const char *s = list; *s;) {
    size_t len = strcspn(s, " \t\n");
    if (len && g.compat_len + len + 1 > sizeof(buf))
      die_usage("%s: --compatible list too long", list);
    if (len) {
      memcpy(buf + g.compat_len, s, len);
      g.compat_len += len + 1;
    }
    s += len;
    s += strspn(s, " \t\n");
  }
  if (!g.compat_len)
    die_usage("--compatible needs a value%s", "");
}

static unsigned parse_delay(const char *opt, const char *v)
{
  char *end;
  unsigned long n = strtoul(v, &end, 10);
  if (!*v || *end || v[0] == '-' || n > SIM_DELAY_MAX_MS) {
    fprintf(stderr, "rprocsim: %s: not a number of milliseconds (0-60000): %s\n%s", opt, v, usage);
    exit(2);
  }
  return n;
}

// X.Y.Z as SIM_KERNEL(X, Y, Z).
static unsigned parse_kernel(const char *v)
{
  unsigned x, y, z;
  char end;
  if (sscanf(v, "%3u.%3u.%3u%c", &x, &y, &z, &end) != 3 || y > 999 || z > 999)
    die_usage("--kernel: not a kernel version X.Y.Z: %s", v);
  return SIM_KERNEL(x, y, z);
}

// Takes "--opt VALUE" or "--opt=VALUE"; returns the value or NULL.
static const char *opt_value(const char *opt, int argc, char **argv, int *i)
{
  size_t len = strlen(opt);
  if (strncmp(argv[*i], opt, len))
    return NULL;
  if (argv[*i][len] == '=')
    return argv[*i] + len + 1;
  if (argv[*i][len])
    return NULL;
  if (*i + 1 >= argc)
    die_usage("%s needs a value", opt);
  return argv[++*i];
}

static void add_name(const char *name)
{
  if (!*name || strlen(name) > SIM_MAX_NAME || strchr(name, '\n'))
    die_usage("bad processor name: '%s'", name);
  if (g.nprocs == SIM_MAX_PROCS)
    die_usage("too many processors (at most 32): %s", name);
  struct sim_proc *p = &g.procs[g.nprocs];
  p->index = g.nprocs++;
  strcpy(p->name, name);
}

// --tty NAME=MAJ:MIN
static void add_tty(const char *v)
{
  char name[SIM_MAX_NAME + 1];
  unsigned maj, min;
  int k = 0, used = 0;
  if (sscanf(v, "%100[^=]=%u:%u%n", name, &maj, &min, &used) != 3 || v[used])
    die_usage("--tty: not NAME=MAJ:MIN: %s", v);
  while (k < g.nprocs && strcmp(g.procs[k].name, name)) k++;
  if (k == g.nprocs) die_usage("--tty %s: no processor of that name", v);
  g.procs[k].has_tty = true, g.procs[k].tty_major = maj, g.procs[k].tty_minor = min;
}

// --rpmsg NAME=CHANNEL[@MAJ:MIN]
static void add_rpmsg(const char *v)
{
  static int nums[4];
  char name[SIM_MAX_NAME + 1];
  struct sim_chan *c = &g.chans[g.nchans];
  int k = 0, used = 0, n = sscanf(v, "%100[^=]=%31[^@/ ]%n@%u:%u%n", name, c->name, &used, &c->major, &c->minor, &used);
  if ((n != 2 && n != 4) || v[used])
    die_usage("--rpmsg: not NAME=CHANNEL[@MAJ:MIN]: %s", v);
  while (k < g.nprocs && strcmp(g.procs[k].name, name)) k++;
  if (k == g.nprocs) die_usage("--rpmsg %s: no processor of that name", v);
  c->proc = k;
  for (int i = 0; i < g.nchans; i++) c->addr += g.chans[i].proc == k;
  c->addr += 1024;
  c->node = n == 2 ? NODE_NONE : !strcmp(c->name, "rpmsg-tty") ? NODE_TTY : !strcmp(c->name, "rpmsg_ctrl") ? NODE_CTRL : NODE_EPT;
  c->num = nums[c->node]++;
  g.nchans++;
}

static bool parse_opt(struct args *a, int argc, char **argv, int *i)
{
  const char *v;
  if ((v = opt_value("--root", argc, argv, i))) a->root = v;
  else if ((v = opt_value("--model", argc, argv, i))) g.model = (char *)v;
  else if ((v = opt_value("--compatible", argc, argv, i))) add_compatible(v);
  else if ((v = opt_value("--fw-path", argc, argv, i))) a->fw_path = v;
  else if ((v = opt_value("--start-delay-ms", argc, argv, i))) a->delay_ms = parse_delay("--start-delay-ms", v);
  else if ((v = opt_value("--rpmsg-delay-ms", argc, argv, i))) g.rpmsg_delay_ms = parse_delay("--rpmsg-delay-ms", v);
  else if ((v = opt_value("--kernel", argc, argv, i))) g.kernel = parse_kernel(v);
  else if ((v = opt_value("--attached", argc, argv, i))) {
    if (a->nattached == SIM_MAX_PROCS) die_usage("too many --attached (at most 32): %s", v);
    a->attached[a->nattached++] = v;
  } else if ((v = opt_value("--tty", argc, argv, i))) {
    if (a->ntty == SIM_MAX_PROCS) die_usage("too many --tty (at most 32): %s", v);
    a->tty[a->ntty++] = v;
  } else if ((v = opt_value("--rpmsg", argc, argv, i))) {
    if (a->nrpmsg == SIM_MAX_CHANS) die_usage("too many --rpmsg (at most 32): %s", v);
    a->rpmsg[a->nrpmsg++] = v;
  } else if (!strcmp(argv[*i], "--exit-with-parent")) a->exit_with_parent = true;
  else return false;
  return true;
}

static void parse_args(struct args *a, int argc, char **argv)
{
  bool opts = true;
  for (int i = 1; i < argc; i++) {
    if (opts && (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))) {
      fputs(usage, stdout);
      exit(0);
    }
    if (opts && !strcmp(argv[i], "--")) {
      opts = false;
      continue;
    }
    if (opts && argv[i][0] == '-' && argv[i][1]) {
      if (!parse_opt(a, argc, argv, &i))
        die_usage("unknown option: %s", argv[i]);
      continue;
    }
    add_name(argv[i]);
  }
  if (!a->root || !*a->root)
    die_usage("--root DIR is required%s", "");
  if (!g.nprocs)
    die_usage("no processor NAME given%s", "");
  if (g.model && strlen(g.model) >= SIM_PAGE)
    die_usage("--model too long%s", "");
  if (a->fw_path && strlen(a->fw_path) >= SIM_FW_PATH_MAX)
    die_usage("--fw-path longer than 255 bytes: %s", a->fw_path);
  for (int i = 0; i < a->nattached; i++) {
    int k = 0;
    while (k < g.nprocs && strcmp(g.procs[k].name, a->attached[i])) k++;
    if (k == g.nprocs) die_usage("--attached %s: no processor of that name", a->attached[i]);
    g.procs[k].attached = true;
  }
  for (int i = 0; i < a->ntty; i++) add_tty(a->tty[i]);
  for (int i = 0; i < a->nrpmsg; i++) add_rpmsg(a->rpmsg[i]);
}

// ---- setup and the main loop ----

static void setup_root(const char *root, char *mnt, size_t size)
{
  char real[PATH_MAX];
  struct stat st;
  if (!realpath(root, real) || stat(real, &st) || !S_ISDIR(st.st_mode))
    die_usage("--root %s: not a directory", root);
  // "/" becomes "" so that firmware paths read DIR + "/lib/firmware/...".
  snprintf(g.root, sizeof(g.root), "%s", strcmp(real, "/") ? real : "");
  snprintf(mnt, size, "%s/sys", g.root);
  if (mkdir(mnt, 0755) && errno != EEXIST) {
    fprintf(stderr, "rprocsim: cannot create %s: %s\n", mnt, strerror(errno));
    exit(1);
  }
}

static void check_dev_fuse(void)
{
  int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    fprintf(stderr, "rprocsim: cannot open /dev/fuse: %s (FUSE is unavailable here)\n",
            strerror(errno));
    exit(1);
  }
  close(fd);
}

static struct fuse *fs;

static void on_signal(int sig)
{
  (void)sig;
  g.quitting = 1;
  fuse_exit(fs);
}

static void set_signals(void)
{
  struct sigaction sa = {0};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
}

// auto_unmount has a fusermount3 helper remove the mount even when this
// process dies by SIGKILL; without fusermount3 we mount plainly.
static struct fuse *mount_fs(const char *mnt, bool auto_unmount)
{
  char opts[128];
  snprintf(opts, sizeof(opts), "fsname=rprocsim,subtype=rprocsim%s%s",
           auto_unmount ? ",auto_unmount" : "", geteuid() == 0 ? ",allow_other" : "");
  char *argv[] = {"rprocsim", "-o", opts, NULL};
  struct fuse_args fargs = FUSE_ARGS_INIT(3, argv);
  struct fuse *f = fuse_new(&fargs, &ops, sizeof(ops), NULL);
  fuse_opt_free_args(&fargs);
  if (f && fuse_mount(f, mnt)) {
    fuse_destroy(f);
    f = NULL;
  }
  return f;
}

static int serve(const char *mnt)
{
  fs = mount_fs(mnt, true);
  if (!fs)
    fs = mount_fs(mnt, false);
  if (!fs) {
    fprintf(stderr, "rprocsim: cannot mount %s\n", mnt);
    return 1;
  }
  set_signals();
  fprintf(stderr, "rprocsim: serving %d processor(s) at %s\n", g.nprocs, mnt);
  // Each blocked start holds a thread; leave plenty for everyone else.
  struct fuse_loop_config *cfg = fuse_loop_cfg_create();
  if (cfg)
    fuse_loop_cfg_set_max_threads(cfg, 64);
  int rc = fuse_loop_mt(fs, cfg);
  if (cfg)
    fuse_loop_cfg_destroy(cfg);
  bool signalled = g.quitting;
  g.quitting = 1;
  fuse_unmount(fs);
  sim_procs_stop();
  fuse_destroy(fs);
  return rc && !signalled ? 1 : 0;
}

// A test shell killed with SIGKILL runs no cleanup; its simulator then gets
// SIGTERM from the kernel and unmounts instead of serving forever.
static void follow_parent(pid_t parent)
{
  if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != parent) {
    fprintf(stderr, "rprocsim: parent process already gone\n");
    exit(1);
  }
}

int main(int argc, char **argv)
{
  pid_t parent = getppid();
  struct args a = {0};
  parse_args(&a, argc, argv);
  if (a.exit_with_parent)
    follow_parent(parent);
  char mnt[PATH_MAX + 8];
  setup_root(a.root, mnt, sizeof(mnt));
  check_dev_fuse();
  struct utsname u;
  snprintf(g.uts_release, sizeof(g.uts_release), "%s", uname(&u) ? "unknown" : u.release);
  if (a.fw_path)
    snprintf(g.fw_path, sizeof(g.fw_path), "%s", a.fw_path);
  for (int i = 0; i < g.nprocs; i++)
    g.procs[i].delay_ms = a.delay_ms;
  clock_gettime(CLOCK_REALTIME, &start_time);
  if (sim_procs_init()) {
    fprintf(stderr, "rprocsim: cannot start: out of memory or threads\n");
    return 1;
  }
  return serve(mnt);
}
