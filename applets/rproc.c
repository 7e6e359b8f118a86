// rproc.c - rproc: the board-side helper for remote processors
//
// What a person types on the board and what an init script runs before any
// container engine exists. Same lib/ code as the runtime; see
// Documentation/ABI/testing/sysfs-class-remoteproc for the kernel side.

#include "applet.h"
#include "boot.h"
#include "claim.h"
#include "elf.h"
#include "fs.h"
#include "json.h"
#include "num.h"
#include "path.h"
#include "rproc.h"
#include "stage.h"
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
    "usage: rproc COMMAND [ARGS...]\n"
    "\n"
    "  list [--json]                 every remote processor: index, name, state, firmware, recovery\n"
    "  status NAME                   one processor in detail (NAME or remoteprocN)\n"
    "  start NAME [FILE] [--timeout MS] [--force]\n"
    "                                start NAME; with FILE, stage FILE as its firmware first\n"
    "  stop NAME [--force]           stop NAME\n"
    "  logs NAME [-f]                print the firmware log (trace0); -f follows it across restarts\n"
    "  recovery NAME enabled|disabled|recover\n"
    "                                set the kernel's crash recovery, or recover a crashed processor\n"
    "  info FILE|NAME                ELF summary of a firmware file, or of NAME's firmware\n"
    "  boot [CONFIG] [--force]       start the processors listed in CONFIG (default /etc/rproc.json)\n"
    "\n"
    "A processor held by a container is left alone unless --force is given.\n"
    "Exit status: 0 done, 1 failed, 2 usage error.\n";

static struct rp_err err;

// The few options there are, parsed by hand (no option parser in the boot
// profile): which ones a command takes is a mask.
enum { A_FORCE = 1, A_FOLLOW = 2, A_JSON = 4, A_TIMEOUT = 8 };
static struct {
  const char *op[2];  // operands
  int n, set;         // operand count, options seen
  const char *timeout;
} a;

static void args(int argc, char **argv, int allow, int min, int max)
{
  static const char *const name[] = {"--force", "-f", "--follow", "--json", "--timeout", "-t"};
  static const char bit[] = {A_FORCE, A_FOLLOW, A_FOLLOW, A_JSON, A_TIMEOUT, A_TIMEOUT};
  for (int i = 1; i < argc; i++) {
    const char *s = argv[i];
    int f = 0;
    for (int k = 0; k < (int)sizeof(bit); k++)
      if (!strcmp(s, name[k])) f = bit[k];
    if (s[0] == '-' && s[1] && !(f & allow)) die_usage("%s: unknown option %s", argv[0], s);
    a.set |= f;
    if (f == A_TIMEOUT && !(a.timeout = argv[++i])) die_usage("%s: %s needs a value", argv[0], s);
    if (f) continue;
    if (a.n == max) die_usage("%s: too many arguments", argv[0]);
    a.op[a.n++] = s;
  }
  if (a.n < min) die_usage("%s: missing argument", argv[0]);
}

static void lookup(const char *name, struct rp_rproc *p)
{
  if (rp_rproc_lookup(name, p, &err)) die_err(&err);
}

// Refuse to touch a processor a container holds, unless forced.
static void check_claim(const struct rp_rproc *p, int force)
{
  struct rp_claim c;
  if (force || rp_claim_holder(p, &c, NULL) <= 0) return;
  die(RP_EXIT_FAIL, "%s is held by container %s; stop that container, or use --force", p->name, c.id);
}

static int print_json(const struct rp_rproc *all, int n)
{
  static char buf[RP_RPROC_MAX * 640];
  struct rp_jw w;
  rp_jw_init(&w, buf, sizeof(buf), 0);
  rp_jw_arr(&w);
  for (int i = 0; i < n; i++) {
    rp_jw_obj(&w);
    rp_jw_kint(&w, "index", all[i].index);
    rp_jw_kstr(&w, "device", all[i].dev);
    rp_jw_kstr(&w, "name", all[i].name);
    rp_jw_kstr(&w, "state", all[i].state);
    rp_jw_kstr(&w, "firmware", all[i].firmware);
    rp_jw_kstr(&w, "recovery", all[i].recovery);
    rp_jw_kstr(&w, "coredump", all[i].coredump);
    rp_jw_end(&w);
  }
  rp_jw_end(&w);
  if (rp_jw_finish(&w) < 0) die(RP_EXIT_FAIL, "processor list too long for JSON output");
  return puts(buf) < 0;
}

static int cmd_list(int argc, char **argv)
{
  static struct rp_rproc all[RP_RPROC_MAX];
  args(argc, argv, A_JSON, 0, 0);
  int n = rp_rproc_list(all, RP_RPROC_MAX, &err);
  if (n < 0) die_err(&err);
  if (a.set) return print_json(all, n);
  outf("%-5s %-20s %-10s %-30s %s\n", "INDEX", "NAME", "STATE", "FIRMWARE", "RECOVERY");
  for (int i = 0; i < n; i++)
    outf("%-5d %-20s %-10s %-30s %s\n", all[i].index, all[i].name, all[i].state,
           all[i].firmware[0] ? all[i].firmware : "-", all[i].recovery[0] ? all[i].recovery : "-");
  return 0;
}

static int cmd_status(int argc, char **argv)
{
  struct rp_rproc p;
  struct rp_claim c;
  char trace[256];
  args(argc, argv, 0, 1, 1);
  lookup(a.op[0], &p);
  rp_rproc_trace_path(&p, trace, sizeof(trace));
  outf("device:    %s\nname:      %s\nstate:     %s\nfirmware:  %s\n", p.dev, p.name, p.state,
         p.firmware[0] ? p.firmware : "-");
  outf("recovery:  %s\ncoredump:  %s\n", p.recovery[0] ? p.recovery : "-",
         p.coredump[0] ? p.coredump : "-");
  outf("trace:     %s\n", access(trace, F_OK) ? "none" : trace);
  if (rp_claim_holder(&p, &c, NULL) > 0) outf("held by:   container %s\n", c.id);
  return 0;
}

// Check FILE and give the name the kernel gets for it in rel. It is staged
// only while p is offline: the copy of a running processor is never
// replaced, rp_boot_start adopts or refuses instead.
static void stage_file(const struct rp_rproc *p, const char *file, char *rel, size_t cap)
{
  int how = rp_rproc_state(p, NULL) == RP_RS_OFFLINE ? RP_BOOT_COPY : RP_BOOT_CHECK;
  if (rp_boot_stage(p, file, how, rel, cap, &err)) die_err(&err);
}

static int cmd_start(int argc, char **argv)
{
  unsigned long long timeout = 10000;
  args(argc, argv, A_FORCE | A_TIMEOUT, 1, 2);
  if (a.timeout && (rp_num_parse(a.timeout, 3600000, &timeout) || !timeout))
    die_usage("--timeout %s: want milliseconds from 1 to 3600000", a.timeout);
  struct rp_rproc p;
  char rel[RP_FW_NAME_MAX];
  const char *file = a.op[1];
  lookup(a.op[0], &p);
  check_claim(&p, a.set & A_FORCE);
  if (file) stage_file(&p, file, rel, sizeof(rel));
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int r = rp_boot_start(&p, file ? rel : NULL, (int)timeout, &err);
  if (r < 0) die_err(&err);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
  if (r == RP_BOOT_ADOPTED && !strcmp(p.state, "attached"))
    outf("%s: already attached to firmware started before Linux\n", p.name);
  else if (r == RP_BOOT_ADOPTED) outf("%s: already running %s\n", p.name, p.firmware);
  else outf("%s: running %s (%ld ms)\n", p.name, file ? rel : p.firmware, ms);
  return 0;
}

static int cmd_stop(int argc, char **argv)
{
  struct rp_rproc p;
  args(argc, argv, A_FORCE, 1, 1);
  lookup(a.op[0], &p);
  check_claim(&p, a.set);
  int s = rp_rproc_state(&p, &err);
  if (s < 0) die_err(&err);
  if (s == RP_RS_OFFLINE) return outf("%s: already offline\n", p.name) < 0;
  if (rp_rproc_stop(&p, &err)) die_err(&err);
  outf("%s: offline\n", p.name);
  return 0;
}

static volatile sig_atomic_t stop_following;
static void on_signal(int sig) { stop_following = sig; }

static int cmd_logs(int argc, char **argv)
{
  struct rp_rproc p;
  struct rp_trace t;
  char buf[4096];
  args(argc, argv, A_FOLLOW, 1, 1);
  int follow = a.set;
  lookup(a.op[0], &p);
  signal(SIGINT, on_signal);  // a follower ends cleanly, exit 0
  signal(SIGTERM, on_signal);
  signal(SIGPIPE, SIG_IGN);
  rp_trace_init(&t, &p);
  int n = rp_trace_poll(&t, buf, sizeof(buf));
  if (n == -ENOENT && !follow)
    die(RP_EXIT_FAIL, "%s has no firmware log: it is %s (trace0 exists only while firmware "
        "with a trace resource runs)", p.name, p.state);
  struct timespec tick = {0, 100 * 1000 * 1000};
  for (;;) {
    if (n > 0 && fwrite(buf, 1, (size_t)n, stdout) != (size_t)n) return RP_EXIT_FAIL;
    if (n == (int)sizeof(buf)) {  // more is waiting
      n = rp_trace_poll(&t, buf, sizeof(buf));
      continue;
    }
    if (!follow) break;
    fflush(stdout);
    if (stop_following) break;
    nanosleep(&tick, NULL);
    n = rp_trace_poll(&t, buf, sizeof(buf));
  }
  rp_trace_close(&t);
  return fflush(stdout) ? RP_EXIT_FAIL : 0;
}

static int cmd_recovery(int argc, char **argv)
{
  struct rp_rproc p;
  args(argc, argv, 0, 2, 2);
  const char *v = a.op[1];
  if (strcmp(v, "enabled") && strcmp(v, "disabled") && strcmp(v, "recover"))
    die_usage("recovery: %s is not one of enabled, disabled, recover", v);
  lookup(a.op[0], &p);
  if (rp_rproc_write(&p, "recovery", v, &err)) die_err(&err);
  rp_rproc_load(p.index, &p, NULL);
  outf("%s: recovery %s, state %s\n", p.name, p.recovery, p.state);
  return 0;
}

static void print_elf(const char *file, const struct rp_elf *e)
{
  char m[32];
  outf("file:      %s\nsize:      %lld bytes\n", file, e->size);
  outf("format:    ELF%d %s-endian, %s\n", e->cls, e->big_endian ? "big" : "little",
         rp_elf_machine_name(e->machine, m, sizeof(m)));
  outf("entry:     0x%llx\nsegments:  %d loadable\n", e->entry, e->nload);
  for (int i = 0; i < e->nload && i < RP_ELF_MAXSEG; i++)
    outf("  LOAD     addr 0x%08llx  file 0x%llx  mem 0x%llx  %c%c%c\n", e->seg[i].paddr,
           e->seg[i].filesz, e->seg[i].memsz, e->seg[i].flags & 4 ? 'R' : '-',
           e->seg[i].flags & 2 ? 'W' : '-', e->seg[i].flags & 1 ? 'X' : '-');
  if (e->has_rsc)
    outf("resources: .resource_table at 0x%llx, %llu bytes\n", e->rsc_addr, e->rsc_size);
  else
    outf("resources: none (no .resource_table: no trace log, no rpmsg)\n");
}

static int cmd_info(int argc, char **argv)
{
  char path[RP_PATH_MAX];
  struct stat st;
  struct rp_elf e;
  args(argc, argv, 0, 1, 1);
  const char *file = a.op[0];
  if (stat(file, &st)) {  // not a file: a processor, look up its firmware
    struct rp_rproc p;
    const char *why = strerror(errno);
    if (rp_rproc_lookup(file, &p, &err))
      die(RP_EXIT_FAIL, "cannot open %s: %s; %s", file, why, err.msg);
    if (rp_boot_find_fw(p.firmware, path, sizeof(path), &err))
      die(RP_EXIT_FAIL, "%s: %s", p.name, err.msg);
    outf("processor: %s (%s, %s)\n", p.name, p.dev, p.state);
    file = path;
  } else if (!S_ISREG(st.st_mode)) {
    die(RP_EXIT_FAIL, "%s is not a regular file", file);
  }
  int fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) die(RP_EXIT_FAIL, "cannot open %s: %s", file, strerror(errno));
  if (rp_elf_inspect(fd, file, &e, &err)) die_err(&err);
  close(fd);
  print_elf(file, &e);
  return 0;
}

// Boot path: static buffers only, no heap. One line per processor, flushed
// at once so a console shows progress.
static int cmd_boot(int argc, char **argv)
{
  static char js[RP_BOOT_CFG_MAX];
  static jsmntok_t toks[RP_BOOT_TOKENS];
  static struct rp_boot_cfg cfg;
  struct rp_board b;
  char have[512];
  args(argc, argv, A_FORCE, 0, 1);
  const char *path = a.n ? a.op[0] : "/etc/rproc.json", *aborted = NULL;
  int n = rp_fs_read(path, js, sizeof(js), &err);
  if (n < 0) die_err(&err);
  if (rp_boot_parse(js, (size_t)n, path, toks, RP_BOOT_TOKENS, &cfg, &err)) die_err(&err);
  rp_board_read(&b, NULL);
  if (cfg.board[0] && !rp_board_match(&b, cfg.board)) {
    rp_board_describe(&b, have, sizeof(have));
    die(RP_EXIT_FAIL, "board check failed: %s is for board \"%s\", this board is %s", path, cfg.board, have);
  }
  int failed = 0;
  for (int i = 0; i < cfg.n; i++) {
    struct rp_boot_entry *en = &cfg.e[i];
    struct rp_rproc p = {0};
    int r = -1;
    en->force = a.set;
    if (!aborted) r = rp_boot_entry(en, &b, &p, &err);
    const char *name = p.name[0] ? p.name : en->proc;
    if (aborted) outf("%s: not started: boot aborted after %s failed\n", name, aborted);
    else if (r == RP_BOOT_STARTED) outf("%s: started %s (%s)\n", name, en->firmware, p.dev);
    else if (r == RP_BOOT_ADOPTED && !strcmp(p.state, "attached"))
      outf("%s: adopted, already attached to firmware started before Linux (%s)\n", name, p.dev);
    else if (r == RP_BOOT_ADOPTED)
      outf("%s: adopted, already %s %s (%s)\n", name, p.state, p.firmware, p.dev);
    else outf("%s: failed: %s\n", name, err.msg);
    fflush(stdout);
    if (r >= 0) continue;
    failed++;
    if (en->on_failure == RP_BOOT_ABORT && !aborted) aborted = en->proc;
  }
  if (failed) rp_log_error("%d of %d processor(s) did not come up", failed, cfg.n);
  return failed ? RP_EXIT_FAIL : RP_EXIT_OK;
}

static const struct {
  const char *name;
  int (*fn)(int, char **);
} commands[] = {
    {"boot", cmd_boot}, {"info", cmd_info},         {"list", cmd_list}, {"logs", cmd_logs},
    {"recovery", cmd_recovery}, {"start", cmd_start}, {"status", cmd_status}, {"stop", cmd_stop},
};

int rproc_main(int argc, char **argv)
{
  if (argc < 2) {
    fputs(usage, stderr);
    return RP_EXIT_USAGE;
  }
  const char *c = argv[1];
  if (!strcmp(c, "--help") || !strcmp(c, "-h") || !strcmp(c, "help")) return fputs(usage, stdout) < 0;
  if (!strcmp(c, "--version")) return print_version("rproc"), 0;
  for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
    if (!strcmp(commands[i].name, c)) {
      if (argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h")))
        return fputs(usage, stdout) < 0;
      return commands[i].fn(argc - 1, argv + 1);
    }
  die_usage("unknown command %s", c);
}
