// rproc.c - rproc: the board-side helper for remote processors
//
// What a person types on the board and what an init script runs before any
// container engine exists. Same lib/ code as the runtime; see
// Documentation/ABI/testing/sysfs-class-remoteproc for the kernel side.

#include "applet.h"
#include "boot.h"
#include "cdi.h"
#include "claim.h"
#include "coredump.h"
#include "elf.h"
#include "fmt.h"
#include "fs.h"
#include "json.h"
#include "labels.h"
#include "num.h"
#include "path.h"
#include "rproc.h"
#include "rpmsg.h"
#include "stage.h"
#include "trace.h"
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static struct rp_err err;

// What each command saw on its command line; the option ids are bits.
enum { A_FORCE = 1, A_FOLLOW = 2, A_JSON = 4, A_TIMEOUT = 8, A_WRITE = 16, A_STRICT = 32, A_SAVE = 64, A_DIR = 128 };
static struct {
  const char *op[2];  // operands
  int n, set;         // operand count, options seen
  const char *timeout, *save, *dir;
} a;

// The running command's options (its row of the table at the end) and
// between min and max operands.
static void args(int argc, char **argv, int min, int max)
{
  struct rp_getopt g;
  int o;
  rp_getopt_init(&g, argc, argv, 1, command->opts, 0);
  while ((o = rp_getopt_next(&g)) != RP_OPT_END) {
    if (o == RP_OPT_OPERAND && a.n == max) die_usage("too many arguments");
    if (o == RP_OPT_OPERAND) a.op[a.n++] = g.arg;
    else if (o < 0) die_opt(&g, o);
    else a.set |= o;
    if (o == A_TIMEOUT) a.timeout = g.arg;
    if (o == A_SAVE) a.save = g.arg;
    if (o == A_DIR) a.dir = g.arg;
  }
  if (a.n < min) die_usage("missing argument");
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

static struct rp_rpmsg msg;

// "rpmsg": [{"channel", "nodes": [{"path", "dev": "MAJ:MIN"}]}]
static void json_rpmsg(struct rp_jw *w, const struct rp_rproc *p)
{
  rp_rpmsg_scan(p, &msg, 1);
  rp_jw_key(w, "rpmsg"), rp_jw_arr(w);
  for (int i = 0; i < msg.nchan; i++) {
    rp_jw_obj(w), rp_jw_kstr(w, "channel", msg.chan[i]), rp_jw_key(w, "nodes"), rp_jw_arr(w);
    for (int k = 0; k < msg.nnode; k++) {
      const struct rp_rpmsg_node *n = &msg.node[k];
      if (n->chan != i) continue;
      rp_jw_obj(w), rp_jw_kstr(w, "path", n->path), rp_jw_kstr(w, "dev", n->dev), rp_jw_end(w);
    }
    rp_jw_end(w), rp_jw_end(w);
  }
  rp_jw_end(w);
}

// One processor as a JSON object: what status shows, for scripts.
static void json_proc(struct rp_jw *w, const struct rp_rproc *p)
{
  char trace[256];
  struct rp_claim c;
  rp_jw_obj(w);
  rp_jw_kint(w, "index", p->index);
  rp_jw_kstr(w, "device", p->dev);
  rp_jw_kstr(w, "name", p->name);
  rp_jw_kstr(w, "state", p->state);
  rp_jw_kstr(w, "firmware", p->firmware);
  rp_jw_kstr(w, "recovery", p->recovery);
  rp_jw_kstr(w, "coredump", p->coredump);
  rp_rproc_trace_path(p, trace, sizeof(trace));
  rp_jw_key(w, "trace");
  access(trace, F_OK) ? rp_jw_null(w) : rp_jw_str(w, trace);
  rp_jw_key(w, "held_by");
  rp_claim_holder(p, &c, NULL) > 0 ? rp_jw_str(w, c.id) : rp_jw_null(w);
  if (CFG_RUNTIME) json_rpmsg(w, p);
  rp_jw_end(w);
}

// n processors as JSON on stdout: an array, or with one set, one object.
static int print_json(const struct rp_rproc *all, int n, int one)
{
  static char buf[RP_RPROC_MAX * 2048];
  struct rp_jw w;
  rp_jw_init(&w, buf, sizeof(buf), 0);
  if (!one) rp_jw_arr(&w);
  for (int i = 0; i < n; i++) json_proc(&w, &all[i]);
  if (!one) rp_jw_end(&w);
  if (rp_jw_finish(&w) < 0) die(RP_EXIT_FAIL, "processor list too long for JSON output");
  return out_line(&out_stdout, buf) < 0;
}

// With --json, a command that changed a processor shows it as status does.
static int print_now(const struct rp_rproc *p)
{
  struct rp_rproc now;
  if (rp_rproc_load(p->index, &now, &err)) die_err(&err);
  return print_json(&now, 1, 1);
}

static int cmd_list(int argc, char **argv)
{
  static struct rp_rproc all[RP_RPROC_MAX];
  struct table t = {5, {0}};
  char index[RP_RPROC_MAX][12];
  const char *head[] = {"INDEX", "NAME", "STATE", "FIRMWARE", "RECOVERY"}, *row[RP_RPROC_MAX][5];
  args(argc, argv, 0, 0);
  int n = rp_rproc_list(all, RP_RPROC_MAX, &err);
  if (n < 0) die_err(&err);
  if (a.set & A_JSON) return print_json(all, n, 0);
  table_measure(&t, head);
  for (int i = 0; i < n; i++) {
    const struct rp_rproc *p = &all[i];
    rp_snprintf(index[i], sizeof(index[i]), "%d", p->index);
    const char *r[5] = {index[i], p->name, p->state, p->firmware[0] ? p->firmware : "-",
                        p->recovery[0] ? p->recovery : "-"};
    memcpy(row[i], r, sizeof(r));
    table_measure(&t, row[i]);
  }
  table_fit(&t);
  int bad = table_print(&t, head);
  for (int i = 0; i < n; i++) bad |= table_print(&t, row[i]);
  return bad;
}

static int cmd_status(int argc, char **argv)
{
  struct rp_rproc p;
  struct rp_claim c;
  char trace[256];
  args(argc, argv, 1, 1);
  lookup(a.op[0], &p);
  if (a.set & A_JSON) return print_json(&p, 1, 1);
  rp_rproc_trace_path(&p, trace, sizeof(trace));
  outf("device:    %s\nname:      %s\nstate:     %s\nfirmware:  %s\n", p.dev, p.name, p.state,
         p.firmware[0] ? p.firmware : "-");
  outf("recovery:  %s\ncoredump:  %s\n", p.recovery[0] ? p.recovery : "-",
         p.coredump[0] ? p.coredump : "-");
  outf("trace:     %s\n", access(trace, F_OK) ? "none" : trace);
  if (rp_claim_holder(&p, &c, NULL) > 0) outf("held by:   container %s\n", c.id);
  // No line without channels. Not in the boot profile: no container there
  // waits for them, and arm64's would keep 168 of its 65536 bytes.
  if (CFG_RUNTIME) rp_rpmsg_scan(&p, &msg, 1);
  for (int i = 0; i < msg.nchan; i++) {
    outf("%-11s%s", i ? "" : "rpmsg:", msg.chan[i]);
    for (int k = 0; k < msg.nnode; k++)
      if (msg.node[k].chan == i) outf(" %s (%s)", msg.node[k].path, msg.node[k].dev);
    outf("\n");
  }
  return 0;
}

// Check FILE and give the name the kernel gets for it in rel. It is staged
// only while p is offline: the copy of a running processor is never
// replaced, rp_boot_start adopts or refuses instead.
static void stage_file(const struct rp_rproc *p, const char *file, char *rel, size_t cap)
{
  int how = rp_rproc_settled(p, RP_RPROC_SETTLE_MS, NULL) == RP_RS_OFFLINE ? RP_BOOT_COPY : RP_BOOT_CHECK;
  if (rp_boot_stage(p, file, how | (a.set & A_STRICT ? RP_BOOT_STRICT : 0), rel, cap, &err)) die_err(&err);
}

static int cmd_start(int argc, char **argv)
{
  unsigned long long timeout = 10000;
  args(argc, argv, 1, 2);
  if (a.timeout && (rp_num_parse(a.timeout, 3600000, &timeout) || !timeout))
    die_usage("--timeout %s: want milliseconds from 1 to 3600000", a.timeout);
  struct rp_rproc p;
  char rel[RP_FW_NAME_MAX];
  const char *file = a.op[1];
  lookup(a.op[0], &p);
  check_claim(&p, a.set & A_FORCE);
  if (file) stage_file(&p, file, rel, sizeof(rel));
  struct timespec t0, t1;
  rp_clock(CLOCK_MONOTONIC, &t0);
  int r = rp_boot_start(&p, file ? rel : NULL, (int)timeout, &err);
  if (r < 0) die_err(&err);
  rp_clock(CLOCK_MONOTONIC, &t1);
  long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
  rp_labels_refresh();
  if (a.set & A_JSON) return print_now(&p);
  if (r == RP_BOOT_ADOPTED && !strcmp(p.state, "attached"))
    outf("%s: already attached to firmware started before Linux\n", p.name);
  else if (r == RP_BOOT_ADOPTED) outf("%s: already running %s\n", p.name, p.firmware);
  else outf("%s: running %s (%ld ms)\n", p.name, file ? rel : p.firmware, ms);
  return 0;
}

static int cmd_stop(int argc, char **argv)
{
  struct rp_rproc p;
  args(argc, argv, 1, 1);
  lookup(a.op[0], &p);
  check_claim(&p, a.set & A_FORCE);
  int s = rp_rproc_settled(&p, RP_RPROC_SETTLE_MS, &err);
  if (s < 0) die_err(&err);
  if (s != RP_RS_OFFLINE && rp_rproc_stop(&p, &err)) die_err(&err);
  if (s != RP_RS_OFFLINE) rp_rproc_settled(&p, RP_RPROC_SETTLE_MS, NULL), rp_labels_refresh();
  if (a.set & A_JSON) return print_now(&p);
  return outf(s == RP_RS_OFFLINE ? "%s: already offline\n" : "%s: offline\n", p.name) < 0;
}

static int cmd_logs(int argc, char **argv)
{
  struct rp_rproc p;
  struct rp_trace t;
  char buf[4096];
  sigset_t stop;
  args(argc, argv, 1, 1);
  int follow = a.set & A_FOLLOW, stopped = 0;
  lookup(a.op[0], &p);
  // A follower ends cleanly (exit 0) on SIGINT or SIGTERM: blocked, they
  // are taken between reads (no handler: the boot profile links none).
  // SIGPIPE blocked makes a closed reader a write error.
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT), sigaddset(&stop, SIGTERM), sigaddset(&stop, SIGPIPE);
  sigprocmask(SIG_BLOCK, &stop, NULL);
  sigdelset(&stop, SIGPIPE);
  rp_trace_init(&t, &p);
  int n = rp_trace_poll(&t, buf, sizeof(buf));
  if (n == -ENOENT && !follow)
    die(RP_EXIT_FAIL, "%s has no firmware log: it is %s (trace0 exists only while firmware "
        "with a trace resource runs)", p.name, p.state);
  struct timespec tick = {0, 100 * 1000 * 1000};
  for (;;) {
    if (n > 0 && out_put(&out_stdout, buf, (size_t)n)) return RP_EXIT_FAIL;
    if (n == (int)sizeof(buf)) {  // more is waiting
      n = rp_trace_poll(&t, buf, sizeof(buf));
      continue;
    }
    if (!follow) break;
    out_flush(&out_stdout);
    if (stopped) break;
    stopped = sigtimedwait(&stop, NULL, &tick) > 0;  // then one last read
    n = rp_trace_poll(&t, buf, sizeof(buf));
  }
  rp_trace_close(&t);
  return out_flush(&out_stdout) ? RP_EXIT_FAIL : 0;
}

// What recovery did, in words that do not read like a failure; was: the
// state before.
static int print_recovery(const struct rp_rproc *p, const char *v, int was)
{
  if (strcmp(v, "recover")) return outf("%s: crash recovery %s; it is %s\n", p->name, v, p->state) < 0;
  if (was != RP_RS_CRASHED)
    return outf("%s: not crashed, nothing to recover; it is %s\n", p->name, p->state) < 0;
  if (!strcmp(p->state, "running")) return outf("%s: recovered, running %s\n", p->name, p->firmware) < 0;
  return outf("%s: recovery requested; it is %s\n", p->name, p->state) < 0;
}

static int cmd_recovery(int argc, char **argv)
{
  struct rp_rproc p;
  args(argc, argv, 2, 2);
  const char *v = a.op[1];
  if (strcmp(v, "enabled") && strcmp(v, "disabled") && strcmp(v, "recover"))
    die_usage("%s is not one of enabled, disabled, recover", v);
  lookup(a.op[0], &p);
  int was = rp_rproc_state(&p, NULL);
  if (rp_rproc_write(&p, "recovery", v, &err)) die_err(&err);
  if (a.set & A_JSON) return print_now(&p);
  if (rp_rproc_load(p.index, &p, &err)) die_err(&err);
  return print_recovery(&p, v, was);
}

// The kernel's crash dump setting: shown, set (the kernel judges the
// value), or with --save the next dump saved.
static int cmd_coredump(int argc, char **argv)
{
  struct rp_rproc p;
  unsigned long long sec = 60;
  int seen = -1;
  args(argc, argv, 1, 2);
  if (a.save && a.n == 2) die_usage("a mode or --save FILE, not both");
  if (a.timeout && (rp_num_parse(a.timeout, 3600, &sec) || !sec))
    die_usage("--timeout %s: want seconds from 1 to 3600", a.timeout);
  lookup(a.op[0], &p);
  if (a.save) {
    if (rp_core_save(&p, (int)sec * 1000, &seen, a.save, &err)) die_err(&err);
    return outf("%s: crash dump saved as %s\n", p.name, a.save) < 0;
  }
  if (a.n == 2 && rp_rproc_write(&p, "coredump", a.op[1], &err)) die_err(&err);
  return outf("%s: crash dumps %s\n", p.name, a.n == 2 ? a.op[1] : p.coredump) < 0;
}

static const char *seg_flags(unsigned f, char out[4])
{
  out[0] = f & 4 ? 'R' : '-', out[1] = f & 2 ? 'W' : '-', out[2] = f & 1 ? 'X' : '-', out[3] = 0;
  return out;
}

static void print_elf(const char *file, const struct rp_elf *e)
{
  char m[32], fl[4];
  outf("file:      %s\nsize:      %lld bytes\n", file, e->size);
  outf("format:    ELF%d %s-endian, %s\n", e->cls, e->big_endian ? "big" : "little",
         rp_elf_machine_name(e->machine, m, sizeof(m)));
  outf("entry:     0x%llx\nsegments:  %d loadable\n", e->entry, e->nload);
  for (int i = 0; i < e->nload && i < RP_ELF_MAXSEG; i++)
    outf("  LOAD     addr 0x%08llx  file 0x%llx  mem 0x%llx  %s\n", e->seg[i].paddr,
           e->seg[i].filesz, e->seg[i].memsz, seg_flags(e->seg[i].flags, fl));
  if (e->has_rsc)
    outf("resources: .resource_table at 0x%llx, %llu bytes\n", e->rsc_addr, e->rsc_size);
  else
    outf("resources: none (no .resource_table: no trace log, no rpmsg)\n");
}

// info --json: the same as one object; "processor" only for info NAME.
static int json_elf(const char *file, const struct rp_elf *e, const struct rp_rproc *p)
{
  static char buf[RP_PATH_MAX * 3];
  char m[32], fl[4];
  struct rp_jw w;
  rp_jw_init(&w, buf, sizeof(buf), 0);
  rp_jw_obj(&w);
  if (p) rp_jw_key(&w, "processor"), json_proc(&w, p);
  rp_jw_kstr(&w, "file", file);
  rp_jw_kint(&w, "size", e->size);
  rp_jw_kint(&w, "class", e->cls);
  rp_jw_kstr(&w, "endian", e->big_endian ? "big" : "little");
  rp_jw_kstr(&w, "machine", rp_elf_machine_name(e->machine, m, sizeof(m)));
  rp_jw_kint(&w, "entry", (long long)e->entry);
  rp_jw_key(&w, "segments"), rp_jw_arr(&w);
  for (int i = 0; i < e->nload && i < RP_ELF_MAXSEG; i++) {
    rp_jw_obj(&w);
    rp_jw_kint(&w, "addr", (long long)e->seg[i].paddr);
    rp_jw_kint(&w, "filesz", (long long)e->seg[i].filesz);
    rp_jw_kint(&w, "memsz", (long long)e->seg[i].memsz);
    rp_jw_kstr(&w, "flags", seg_flags(e->seg[i].flags, fl));
    rp_jw_end(&w);
  }
  rp_jw_end(&w);
  rp_jw_key(&w, "resource_table");
  if (!e->has_rsc) rp_jw_null(&w);
  else rp_jw_obj(&w), rp_jw_kint(&w, "addr", (long long)e->rsc_addr), rp_jw_kint(&w, "size", (long long)e->rsc_size), rp_jw_end(&w);
  rp_jw_end(&w);
  if (rp_jw_finish(&w) < 0) die(RP_EXIT_FAIL, "%s: too much to show as JSON", file);
  return out_line(&out_stdout, buf) < 0;
}

static int cmd_info(int argc, char **argv)
{
  char path[RP_PATH_MAX];
  struct stat st;
  struct rp_elf e;
  struct rp_rproc p;
  args(argc, argv, 1, 1);
  const char *file = a.op[0];
  int proc = stat(file, &st) != 0;
  if (proc) {  // not a file: a processor, look up its firmware
    const char *why = strerror(errno);
    if (rp_rproc_lookup(file, &p, &err))
      die(RP_EXIT_FAIL, "cannot open %s: %s; %s", file, why, err.msg);
    if (rp_boot_find_fw(p.firmware, path, sizeof(path), &err))
      die(RP_EXIT_FAIL, "%s: %s", p.name, err.msg);
    file = path;
  } else if (!S_ISREG(st.st_mode)) {
    die(RP_EXIT_FAIL, "%s is not a regular file", file);
  }
  int fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) die(RP_EXIT_FAIL, "cannot open %s: %s", file, strerror(errno));
  if (rp_elf_inspect(fd, file, &e, &err)) die_err(&err);
  close(fd);
  if (a.set & A_JSON) return json_elf(file, &e, proc ? &p : NULL);
  if (proc) outf("processor: %s (%s, %s)\n", p.name, p.dev, p.state);
  print_elf(file, &e);
  return 0;
}

// boot --json: one object per processor of the config, printed at the end.
static struct rp_jw boot_w;

static void boot_json(const char *name, const char *result, const struct rp_rproc *p, const char *error)
{
  struct rp_rproc now;
  rp_jw_obj(&boot_w);
  rp_jw_kstr(&boot_w, "name", name);
  rp_jw_kstr(&boot_w, "result", result);
  rp_jw_key(&boot_w, "error");
  error ? rp_jw_str(&boot_w, error) : rp_jw_null(&boot_w);
  rp_jw_key(&boot_w, "processor");
  if (p->name[0] && !rp_rproc_load(p->index, &now, NULL)) json_proc(&boot_w, &now);
  else rp_jw_null(&boot_w);
  rp_jw_end(&boot_w);
}

// What became of one processor: a line, flushed at once so a console shows
// progress, or with --json an object.
static void boot_report(const struct rp_boot_entry *en, const struct rp_rproc *p, int r, const char *aborted)
{
  const char *name = p->name[0] ? p->name : en->proc;
  char why[128];
  if (a.set & A_JSON) {
    rp_snprintf(why, sizeof(why), "boot aborted after %s failed", aborted ? aborted : "");
    const char *result = aborted ? "not started" : r == RP_BOOT_STARTED ? "started" : r == RP_BOOT_ADOPTED ? "adopted" : "failed";
    return boot_json(name, result, p, aborted ? why : r < 0 ? err.msg : NULL);
  }
  if (aborted) outf("%s: not started: boot aborted after %s failed\n", name, aborted);
  else if (r == RP_BOOT_STARTED) outf("%s: started %s (%s)\n", name, en->firmware, p->dev);
  else if (r == RP_BOOT_ADOPTED && !strcmp(p->state, "attached"))
    outf("%s: adopted, already attached to firmware started before Linux (%s)\n", name, p->dev);
  else if (r == RP_BOOT_ADOPTED) outf("%s: adopted, already %s %s (%s)\n", name, p->state, p->firmware, p->dev);
  else outf("%s: failed: %s\n", name, err.msg);
  out_flush(&out_stdout);
}

// The config at path, parsed and checked against the board b.
static const struct rp_boot_cfg *boot_config(const char *path, struct rp_board *b)
{
  static char js[RP_BOOT_CFG_MAX];
  static jsmntok_t toks[RP_BOOT_TOKENS];
  static struct rp_boot_cfg cfg;
  char have[512];
  int n = rp_fs_read(path, js, sizeof(js), &err);
  if (n < 0) die_err(&err);
  if (rp_boot_parse(js, (size_t)n, path, toks, RP_BOOT_TOKENS, &cfg, &err)) die_err(&err);
  rp_board_read(b, NULL);
  if (cfg.board[0] && !rp_board_match(b, cfg.board)) {
    rp_board_describe(b, have, sizeof(have));
    die(RP_EXIT_FAIL, "board check failed: %s is for board \"%s\", this board is %s", path, cfg.board, have);
  }
  return &cfg;
}

// Boot path: static buffers only, no heap.
static int cmd_boot(int argc, char **argv)
{
  static char js[RP_BOOT_MAX * 1536];
  struct rp_board b;
  args(argc, argv, 0, 1);
  const char *path = a.n ? a.op[0] : "/etc/rproc.json", *aborted = NULL;
  const struct rp_boot_cfg *cfg = boot_config(path, &b);
  int failed = 0;
  rp_jw_init(&boot_w, js, sizeof(js), 0);
  rp_jw_arr(&boot_w);
  for (int i = 0; i < cfg->n; i++) {
    struct rp_boot_entry en = cfg->e[i];
    struct rp_rproc p = {0};
    int r = -1;
    en.force = a.set & A_FORCE;
    en.strict = a.set & A_STRICT ? RP_BOOT_STRICT : 0;
    if (!aborted) r = rp_boot_entry(&en, &b, &p, &err);
    boot_report(&en, &p, r, aborted);
    if (r >= 0) continue;
    failed++;
    if (en.on_failure == RP_BOOT_ABORT && !aborted) aborted = cfg->e[i].proc;  // outlives en
  }
  rp_jw_end(&boot_w);
  if ((a.set & A_JSON) && (rp_jw_finish(&boot_w) < 0 || out_line(&out_stdout, js) < 0 || out_flush(&out_stdout)))
    die(RP_EXIT_FAIL, "cannot print the boot report");
  if (failed) rp_log_error("%d of %d processor(s) did not come up", failed, cfg->n);
  rp_labels_refresh();
  if (CFG_RUNTIME) rp_cdi_write(NULL, NULL, 0, NULL);
  return failed ? RP_EXIT_FAIL : RP_EXIT_OK;
}

// Without --write the features go to stdout; with it into DIR or NFD's
// directory, which is never created: a missing one means no NFD here.
static int cmd_labels(int argc, char **argv)
{
  static char text[RP_LABELS_MAX];
  char dir[RP_PATH_MAX], path[RP_PATH_MAX];
  args(argc, argv, 0, 1);
  if (!CFG_LABELS) die(RP_EXIT_FAIL, "node labels are not in this build (profile " CFG_PROFILE ")");
  if (!(a.set & A_WRITE)) {
    if (a.n) die_usage("%s: a directory goes with --write", a.op[0]);
    int n = rp_labels_render(text, sizeof(text), &err);
    if (n < 0) die_err(&err);
    return out_str(&out_stdout, text) < 0;
  }
  if (!a.n && rp_path(dir, sizeof(dir), RP_LABELS_DIR)) die(RP_EXIT_FAIL, "RPROC_ROOT is too long");
  if (rp_labels_write(a.n ? a.op[0] : dir, path, sizeof(path), &err)) die_err(&err);
  outf("wrote %s\n", path);
  return 0;
}

// The boot profile has no container engine to read a CDI spec.
static int cmd_cdi(int argc, char **argv)
{
  char path[RP_PATH_MAX];
  args(argc, argv, 0, 0);
  if (!CFG_RUNTIME) die(RP_EXIT_FAIL, "no CDI in this build (profile " CFG_PROFILE ")");
  int n = rp_cdi_write(a.dir, path, sizeof(path), &err);
  if (n < 0) die_err(&err);
  return outf("%s: %d rpmsg node(s)\n", path, n) < 0;  // none: removed
}

// ---- the command table: dispatch, help and options in one place ----

#define FORCE_OPTION(what) {"force", 0, RP_OPT_FLAG, A_FORCE, NULL, what " even if a container holds it"}
#define STRICT_OPTION {"strict", 0, RP_OPT_FLAG, A_STRICT, NULL, "refuse what is not a valid ELF image"}
#define JSON_OPTION {"json", 0, RP_OPT_FLAG, A_JSON, NULL, "print the processor afterwards as JSON, as status --json"}

static const struct rp_option list_opts[] = {
    {"json", 0, RP_OPT_FLAG, A_JSON, NULL, "print a JSON array, one object per processor"}, HELP_OPTION, {0}};
static const struct rp_option status_opts[] = {
    {"json", 0, RP_OPT_FLAG, A_JSON, NULL, "print a JSON object"}, HELP_OPTION, {0}};
static const struct rp_option start_opts[] = {
    {"timeout", 't', RP_OPT_VALUE, A_TIMEOUT, "MS", "wait at most MS milliseconds for it to run (default 10000)"},
    FORCE_OPTION("start it"), STRICT_OPTION, JSON_OPTION, HELP_OPTION, {0}};
static const struct rp_option stop_opts[] = {FORCE_OPTION("stop it"), JSON_OPTION, HELP_OPTION, {0}};
static const struct rp_option logs_opts[] = {
    {"follow", 'f', RP_OPT_FLAG, A_FOLLOW, NULL, "keep printing new lines, across restarts, until interrupted"},
    HELP_OPTION, {0}};
static const struct rp_option recovery_opts[] = {JSON_OPTION, HELP_OPTION, {0}};
static const struct rp_option coredump_opts[] = {
    {"save", 0, RP_OPT_VALUE, A_SAVE, "FILE", "save the next crash dump as FILE"},
    {"timeout", 't', RP_OPT_VALUE, A_TIMEOUT, "SEC", "wait at most SEC seconds (default 60)"},
    HELP_OPTION, {0}};
static const struct rp_option boot_opts[] = {
    FORCE_OPTION("start each processor"), STRICT_OPTION,
    {"json", 0, RP_OPT_FLAG, A_JSON, NULL, "print what became of each processor as a JSON array, at the end"},
    HELP_OPTION, {0}};
static const struct rp_option labels_opts[] = {
    {"write", 0, RP_OPT_FLAG, A_WRITE, NULL, "write them into DIR/rprocbox (default: NFD's features.d)"}, HELP_OPTION, {0}};
static const struct rp_option cdi_opts[] = {
    {"dir", 0, RP_OPT_VALUE, A_DIR, "DIR", "into DIR (default /var/run/cdi)"}, HELP_OPTION, {0}};
static const struct rp_option info_opts[] = {
    {"json", 0, RP_OPT_FLAG, A_JSON, NULL, "print a JSON object (with the processor, for NAME)"}, HELP_OPTION, {0}};

static const struct command commands[] = {
    {"boot", cmd_boot, "[CONFIG]", "start the processors listed in CONFIG (default /etc/rproc.json)", boot_opts},
    {"cdi", cmd_cdi, "", "write the CDI spec of the rpmsg devices", cdi_opts},
    {"coredump", cmd_coredump, "NAME [enabled|inline|disabled]",
     "show or set crash dumps, or save the next one", coredump_opts},
    {"info", cmd_info, "FILE|NAME", "summary of a firmware ELF file, or of processor NAME's firmware", info_opts},
    {"labels", cmd_labels, "[DIR]", "this board's features for Kubernetes node-feature-discovery", labels_opts},
    {"list", cmd_list, "", "every remote processor: index, name, state, firmware, recovery", list_opts},
    {"logs", cmd_logs, "NAME", "print the firmware's log (its trace buffer)", logs_opts},
    {"recovery", cmd_recovery, "NAME enabled|disabled|recover",
     "set the kernel's crash recovery, or recover a crashed processor now", recovery_opts},
    {"start", cmd_start, "NAME [FILE]", "start processor NAME; with FILE, make FILE its firmware first", start_opts},
    {"status", cmd_status, "NAME", "one processor in detail (NAME or remoteprocN)", status_opts},
    {"stop", cmd_stop, "NAME", "stop processor NAME", stop_opts},
};

static const struct commands rproc_commands;

static void overview(struct out *f)
{
  foutf(f, "usage: rproc COMMAND [OPTIONS] [ARGS...]\n\nCommands:\n");
  commands_list(f, &rproc_commands);
  foutf(f, "\n'rproc COMMAND --help' or 'rproc help COMMAND': its arguments and options.\n"
           "Exit status: 0 done, 1 failed, 2 usage error.\n");
}

static const struct commands rproc_commands = {commands, sizeof(commands) / sizeof(*commands), "rproc",
                                               overview};

int rproc_main(int argc, char **argv)
{
  const char *c = argc > 1 ? argv[1] : NULL;
  if (!c) return overview(&out_stderr), RP_EXIT_USAGE;
  if (!strcmp(c, "--help") || !strcmp(c, "-h")) return overview(&out_stdout), out_flush(&out_stdout) != 0;
  if (!strcmp(c, "--version")) return print_version("rproc"), 0;
  return command_run(&rproc_commands, argc - 1, argv + 1);
}
