// remoteproc-runtime.c - an OCI runtime whose containers are firmware on
// remote processors. Command line compatible with what runc's callers send
// (podman/conmon, containerd-shim-runc-v2, Docker).
// See https://github.com/opencontainers/runtime-spec/blob/main/runtime.md

#include "applet.h"
#include "fmt.h"
#include "fs.h"
#include "json.h"
#include "num.h"
#include "ocifeat.h"
#include "path.h"
#include "proc.h"
#include "rt.h"
#include "signame.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static struct rp_work work;  // the runtime's working memory (rt.h)
static struct rp_rt rt;  // not initialized here: that would move it from bss to the file
static struct rp_err err;

enum { O_ROOT = 1, O_LOG, O_LOGFMT, O_LOGLEVEL, O_DEBUG, O_IGNORE, O_IGNOREV, O_VERSION,
       O_BUNDLE, O_PIDFILE, O_CONSOLE, O_PRESERVE, O_DETACH, O_ALL, O_FORCE, O_FORMAT, O_QUIET,
       O_FIRMWARE, O_PROCESSOR, O_BOARD, O_SYSTEMD, O_CGMGR };

static struct {
  const char *bundle, *pid_file, *console, *format, *firmware, *processor, *board;
  int detach, all, force, quiet;
} op = {.bundle = ".", .format = "table"};

static void set_op(int id, const char *arg)
{
  unsigned long long n;
  switch (id) {
  case O_BUNDLE: op.bundle = arg; break;
  case O_PIDFILE: op.pid_file = arg; break;
  case O_CONSOLE: op.console = arg; break;
  case O_PRESERVE:
    if (rp_num_parse(arg, 1 << 20, &n)) die_usage("--preserve-fds %s: want a number", arg);
    break;  // the proxy runs no program that could use them
  case O_DETACH: op.detach = 1; break;
  case O_ALL: op.all = 1; break;
  case O_FORCE: op.force = 1; break;
  case O_QUIET: op.quiet = 1; break;
  case O_FORMAT:
    if (strcmp(arg, "table") && strcmp(arg, "json")) die_usage("--format %s: want table or json", arg);
    op.format = arg;
    break;
  case O_FIRMWARE: op.firmware = arg; break;
  case O_PROCESSOR: op.processor = arg; break;
  case O_BOARD: op.board = arg; break;
  }
}

static const struct rp_option global_opts[] = {
    {"root", 0, RP_OPT_VALUE, O_ROOT, "DIR", "state directory (root's: /run/remoteproc-runtime)"},
    {"log", 0, RP_OPT_VALUE, O_LOG, "FILE", "also write log lines to FILE"},
    {"log-format", 0, RP_OPT_VALUE, O_LOGFMT, "text|json", "format of the --log lines"},
    {"log-level", 0, RP_OPT_VALUE, O_LOGLEVEL, "LEVEL", "error, warning, info or debug (default warning)"},
    {"debug", 0, RP_OPT_FLAG, O_DEBUG, NULL, "same as --log-level debug"},
    {"systemd-cgroup", 0, RP_OPT_FLAG, O_SYSTEMD, NULL, "linux.cgroupsPath is slice:prefix:name"},
    {"cgroup-manager", 0, RP_OPT_VALUE, O_CGMGR, "NAME", "systemd: the same; cgroupfs: the default"},
    {"rootless", 0, RP_OPT_VALUE, O_IGNOREV, "BOOL", "accepted and ignored, as is the next"},
    {"criu", 0, RP_OPT_VALUE, O_IGNOREV, "PATH", "(no checkpoints of firmware)"},
    {"version", 'v', RP_OPT_FLAG, O_VERSION, NULL, "print the version"},
    HELP_OPTION, {0},
};

// The running command's options (its row of the command table); operands
// go to ops[] (at most nops).
static int parse(int argc, char **argv, const char **ops, int nops)
{
  struct rp_getopt g;
  int n = 0, o;
  rp_getopt_init(&g, argc, argv, 1, command->opts, 0);
  while ((o = rp_getopt_next(&g)) != RP_OPT_END) {
    if (o == RP_OPT_OPERAND) {
      if (n == nops) die_usage("unexpected argument %s", g.arg);
      ops[n++] = g.arg;
    } else if (o < 0) {
      die_opt(&g, o);
    } else {
      set_op(o, g.arg);
    }
  }
  return n;
}

static void need_id(int n)
{
  if (n < 1) die_usage("missing container id");
}

static int do_create(int argc, char **argv, int *pid)
{
  const char *id;
  need_id(parse(argc, argv, &id, 1));
  struct rp_create c = {.id = id, .bundle = op.bundle, .pid_file = op.pid_file,
                        .console_socket = op.console, .stdio = {-1, -1, -1}};
  if (rp_rt_create(&rt, &c, pid, &err)) die_err(&err);
  return 0;
}

static int cmd_create(int argc, char **argv)
{
  int pid;
  return do_create(argc, argv, &pid);
}

static int cmd_start(int argc, char **argv)
{
  const char *id;
  need_id(parse(argc, argv, &id, 1));
  if (rp_rt_start(&rt, id, &err)) die_err(&err);
  return 0;
}

static volatile sig_atomic_t forwarded;
static void forward(int sig) { forwarded = sig; }
static void child_ended(int sig) { (void)sig; }  // only ends sigsuspend

// Foreground run: we are the proxy's reaper; pass TERM/INT on, return its
// status. Those signals are held from before create (cmd_run), so one sent
// while the container comes up is passed on too, not lost or fatal.
static int wait_container(const char *id, int pid, const sigset_t *unheld)
{
  int status = 0;
  for (;;) {
    pid_t r = waitpid(-1, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0) break;     // nothing left to wait for
    if (r > 0) continue;  // the guardian
    if (forwarded) {
      rp_rt_kill(&rt, id, forwarded, 0, NULL);
      forwarded = 0;
      continue;
    }
    sigsuspend(unheld);   // until TERM, INT or CHLD ran its handler
  }
  rp_rt_delete(&rt, id, 1, NULL);
  return rp_proc_exit_code(status);
}

static int cmd_run(int argc, char **argv)
{
  int pid;
  const char *id;
  sigset_t hold, unheld;
  need_id(parse(argc, argv, &id, 1));
  if (!op.detach) {
    struct sigaction fw = {.sa_handler = forward}, ch = {.sa_handler = child_ended};
    sigemptyset(&hold);
    sigaddset(&hold, SIGTERM), sigaddset(&hold, SIGINT), sigaddset(&hold, SIGCHLD);
    sigprocmask(SIG_BLOCK, &hold, &unheld);
    sigaction(SIGTERM, &fw, NULL), sigaction(SIGINT, &fw, NULL), sigaction(SIGCHLD, &ch, NULL);
    prctl(PR_SET_CHILD_SUBREAPER, 1);
  }
  do_create(argc, argv, &pid);
  if (rp_rt_start(&rt, id, &err)) {
    rp_rt_delete(&rt, id, 1, NULL);
    die_err(&err);
  }
  return op.detach ? 0 : wait_container(id, pid, &unheld);
}

static int cmd_state(int argc, char **argv)
{
  static struct rp_state st;
  const char *id;
  need_id(parse(argc, argv, &id, 1));
  if (rp_state_read(rt.root, id, &st, &err)) die_err(&err);
  const char *js = rp_rt_state_text(&rt, &st, 2);
  if (!js) die(RP_EXIT_FAIL, "state of %s is too large", id);
  return out_line(&out_stdout, js) < 0;
}

static int cmd_kill(int argc, char **argv)
{
  const char *ops[2] = {NULL, "TERM"};
  need_id(parse(argc, argv, ops, 2));
  int sig = rp_signal_parse(ops[1]);
  if (sig < 0) die_usage("unknown signal \"%s\"", ops[1]);
  if (rp_rt_kill(&rt, ops[0], sig, op.all, &err)) die_err(&err);
  return 0;
}

static int cmd_delete(int argc, char **argv)
{
  const char *id;
  need_id(parse(argc, argv, &id, 1));
  if (rp_rt_delete(&rt, id, op.force, &err)) die_err(&err);
  return 0;
}

// list walks the states twice: once to size the table's columns (and to
// meet any error before a line is printed), once to print.
struct listing {
  struct table t;
  int print, n;
};

static int list_one(const struct rp_state *st, void *arg)
{
  struct listing *l = arg;
  char pid[16];
  if (op.quiet) return l->print && out_line(&out_stdout, st->id) < 0;
  if (!strcmp(op.format, "json")) {
    const char *js = l->print ? rp_rt_state_text(&rt, st, 0) : NULL;
    if (!js) return 0;
    return (l->n++ && out_str(&out_stdout, ",") < 0) || out_str(&out_stdout, js) < 0;
  }
  enum rp_status s = rp_state_status(st);
  rp_snprintf(pid, sizeof(pid), "%d", s == RP_ST_STOPPED ? 0 : st->pid);
  const char *cell[] = {st->id, pid, rp_status_name(s), st->sandbox ? "(sandbox)" : st->proc_name,
                        st->bundle, st->created};
  if (!l->print) return table_measure(&l->t, cell), 0;
  return table_print(&l->t, cell);
}

static int cmd_list(int argc, char **argv)
{
  static const char *const head[] = {"ID", "PID", "STATUS", "PROCESSOR", "BUNDLE", "CREATED"};
  struct listing l = {.t = {6, {0}}};
  parse(argc, argv, NULL, 0);
  int json = !op.quiet && !strcmp(op.format, "json");
  table_measure(&l.t, head);
  if (rp_state_each(rt.root, list_one, &l, &err)) die_err(&err);
  l.print = 1;
  table_fit(&l.t);
  if (json) out_put(&out_stdout, "[", 1);
  else if (!op.quiet) table_print(&l.t, head);
  if (rp_state_each(rt.root, list_one, &l, &err)) die_err(&err);
  if (json) out_line(&out_stdout, "]");
  return out_flush(&out_stdout) ? RP_EXIT_FAIL : 0;
}

static int cmd_ps(int argc, char **argv)
{
  static struct rp_state st;
  const char *id;
  char pid[16], cmd[RP_STATE_JSON_MAX / 4];
  need_id(parse(argc, argv, &id, 1));
  if (rp_state_read(rt.root, id, &st, &err)) die_err(&err);
  enum rp_status s = rp_state_status(&st);
  int live = s == RP_ST_CREATED || s == RP_ST_RUNNING || (s == RP_ST_STOPPED && rp_proc_alive(st.pid, st.pid_start));
  if (!strcmp(op.format, "json")) return outf(live ? "[%d]\n" : "[]\n", st.pid) < 0;
  rp_snprintf(pid, sizeof(pid), "%d", st.pid);
  rp_snprintf(cmd, sizeof(cmd), "remoteproc-proxy %s %s", st.id, st.sandbox ? "(sandbox)" : st.proc_name);
  const char *head[] = {"PID", "CMD"}, *row[] = {pid, cmd};
  struct table t = {2, {0}};
  table_measure(&t, head);
  if (live) table_measure(&t, row);
  table_fit(&t);
  return table_print(&t, head) || (live && table_print(&t, row));
}

static int cmd_spec(int argc, char **argv)
{
  char path[RP_PATH_MAX], buf[4096];
  struct rp_jw w;
  parse(argc, argv, NULL, 0);
  if (rp_path_join(path, sizeof(path), op.bundle, "config.json")) die(RP_EXIT_FAIL, "path too long");
  if (!access(path, F_OK)) die(RP_EXIT_FAIL, "%s exists: remove it first", path);
  rp_jw_init(&w, buf, sizeof(buf), 2);
  rp_jw_obj(&w);
  rp_jw_kstr(&w, "ociVersion", "1.2.0");
  rp_jw_key(&w, "process"), rp_jw_obj(&w);
  rp_jw_kbool(&w, "terminal", 0);
  rp_jw_key(&w, "args"), rp_jw_arr(&w), rp_jw_str(&w, op.firmware ? op.firmware : "firmware.elf"), rp_jw_end(&w);
  rp_jw_key(&w, "env"), rp_jw_arr(&w), rp_jw_end(&w);
  rp_jw_kstr(&w, "cwd", "/");
  rp_jw_end(&w);
  rp_jw_key(&w, "root"), rp_jw_obj(&w), rp_jw_kstr(&w, "path", "rootfs"), rp_jw_kbool(&w, "readonly", 1), rp_jw_end(&w);
  rp_jw_key(&w, "annotations"), rp_jw_obj(&w);
  if (op.processor) rp_jw_kstr(&w, "remoteproc.name", op.processor);
  if (op.board) rp_jw_kstr(&w, "remoteproc.board", op.board);
  rp_jw_end(&w);
  rp_jw_end(&w);
  int n = rp_jw_finish(&w);
  if (n < 0 || n + 1 >= (int)sizeof(buf)) die(RP_EXIT_FAIL, "spec too large");
  buf[n++] = '\n';
  // The bundle's config.json is the user's to keep: durable.
  if (rp_fs_write_durable(path, buf, (size_t)n, 0644, &err)) die_err(&err);
  return 0;
}

static int cmd_features(int argc, char **argv)
{
  parse(argc, argv, NULL, 0);
  return out_str(&out_stdout, rp_features_json) < 0;
}

static int cmd_unsupported(int argc, char **argv)
{
  die(RP_EXIT_UNSUPPORTED, "%s is not supported on a remote processor: the firmware runs on its "
      "own core, not as a Linux process", argv[0]);
}

// ---- the command table: dispatch, help and options in one place ----

#define FORMAT_OPTION {"format", 'f', RP_OPT_VALUE, O_FORMAT, "table|json", "output format (default table)"}

static const struct rp_option create_opts[] = {
    {"bundle", 'b', RP_OPT_VALUE, O_BUNDLE, "DIR", "the bundle: config.json and rootfs/ (default .)"},
    {"pid-file", 0, RP_OPT_VALUE, O_PIDFILE, "FILE", "write the container's pid (its proxy's) to FILE"},
    {"console-socket", 0, RP_OPT_VALUE, O_CONSOLE, "SOCKET", "a terminal for the log goes to this unix socket"},
    {"detach", 'd', RP_OPT_FLAG, O_DETACH, NULL, "run: return once started, not at its end"},
    {"preserve-fds", 0, RP_OPT_VALUE, O_PRESERVE, "N", "accepted; no program runs that could use them"},
    {"no-pivot", 0, RP_OPT_FLAG, O_IGNORE, NULL, NULL},
    {"no-new-keyring", 0, RP_OPT_FLAG, O_IGNORE, NULL, NULL},
    {"keep", 0, RP_OPT_FLAG, O_IGNORE, NULL, NULL},
    HELP_OPTION, {0},
};
static const struct rp_option kill_opts[] = {
    {"all", 'a', RP_OPT_FLAG, O_ALL, NULL, "succeed quietly when the container is already stopped"}, HELP_OPTION, {0}};
static const struct rp_option delete_opts[] = {
    {"force", 'f', RP_OPT_FLAG, O_FORCE, NULL, "stop it first if it runs; succeed if it does not exist"},
    HELP_OPTION, {0}};
static const struct rp_option list_opts[] = {
    FORMAT_OPTION, {"quiet", 'q', RP_OPT_FLAG, O_QUIET, NULL, "print only the ids"}, HELP_OPTION, {0}};
static const struct rp_option ps_opts[] = {FORMAT_OPTION, {"quiet", 'q', RP_OPT_FLAG, O_QUIET, NULL, NULL}, HELP_OPTION, {0}};
static const struct rp_option spec_opts[] = {
    {"bundle", 'b', RP_OPT_VALUE, O_BUNDLE, "DIR", "write DIR/config.json (default ./config.json)"},
    {"firmware", 0, RP_OPT_VALUE, O_FIRMWARE, "FILE", "the firmware, a path in rootfs/ (default firmware.elf)"},
    {"processor", 0, RP_OPT_VALUE, O_PROCESSOR, "NAME", "the remote processor to run it on"},
    {"board", 0, RP_OPT_VALUE, O_BOARD, "BOARD", "run only on this board (model or compatible string)"},
    {"rootless", 0, RP_OPT_FLAG, O_IGNORE, NULL, NULL},
    HELP_OPTION, {0},
};
static const struct rp_option help_only[] = {HELP_OPTION, {0}};

#define UNSUPPORTED(name) {name, cmd_unsupported, "ID", "not supported on a remote processor (exit 3)", help_only}

static const struct command commands[] = {
    UNSUPPORTED("checkpoint"),
    {"create", cmd_create, "ID", "create container ID: claim its processor, check its firmware", create_opts},
    {"delete", cmd_delete, "ID", "remove a stopped container", delete_opts},
    UNSUPPORTED("events"),
    UNSUPPORTED("exec"),
    {"features", cmd_features, "", "print what this runtime supports (OCI features JSON)", help_only},
    {"kill", cmd_kill, "ID [SIGNAL]", "send SIGNAL (default TERM); TERM, INT, HUP and KILL stop it", kill_opts},
    {"list", cmd_list, "", "list the containers", list_opts},
    UNSUPPORTED("pause"),
    {"ps", cmd_ps, "ID", "show the container's process (its proxy)", ps_opts},
    UNSUPPORTED("restore"),
    UNSUPPORTED("resume"),
    {"run", cmd_run, "ID", "create and start container ID, and wait for its end unless -d", create_opts},
    {"spec", cmd_spec, "", "write a config.json template for a firmware bundle", spec_opts},
    {"start", cmd_start, "ID", "load the firmware and start the processor", help_only},
    {"state", cmd_state, "ID", "print container ID's OCI state JSON", help_only},
    UNSUPPORTED("update"),
};

static const struct commands rt_commands;

static void overview(struct out *f)
{
  foutf(f, "usage: remoteproc-runtime [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n\nCommands:\n");
  commands_list(f, &rt_commands);
  foutf(f, "\nGlobal options:\n");
  options_list(f, global_opts, 0);
  foutf(f, "\n'remoteproc-runtime COMMAND --help' or 'remoteproc-runtime help COMMAND':\n"
           "its arguments and options.\n"
           "Exit status: 0 ok, 1 failed, 2 usage error, 3 not for a remote processor.\n");
}

static const struct commands rt_commands = {commands, sizeof(commands) / sizeof(*commands),
                                            "remoteproc-runtime [GLOBAL OPTIONS]", overview};

static void global(int id, const char *arg)
{
  char canon[RP_PATH_MAX];
  int level;
  switch (id) {
  case O_ROOT:
    if (arg[0] == '/') {
      if (rp_strlcpy(rt.root, arg, sizeof(rt.root))) die_usage("--root: path too long");
    } else {  // relative to the caller's cwd, which may be anything
      char cwd[RP_PATH_MAX];
      if (rp_path_real(".", cwd, sizeof(cwd)) || rp_path_join(rt.root, sizeof(rt.root), cwd, arg))
        die(RP_EXIT_FAIL, "--root %s: cannot make it absolute", arg);
    }
    // One spelling per directory: claims and staged firmware are named after it.
    if (rp_path_canon(rt.root, canon, sizeof(canon)) || rp_strlcpy(rt.root, canon, sizeof(rt.root)))
      die(RP_EXIT_FAIL, "--root %s: cannot resolve it", arg);
    break;
  case O_LOG:
    if (rp_log_open(arg, &err)) die_err(&err);
    break;
  case O_LOGFMT:
    if (strcmp(arg, "text") && strcmp(arg, "json")) die_usage("--log-format %s: want text or json", arg);
    rp_log_set_json(!strcmp(arg, "json"));
    break;
  case O_LOGLEVEL:
    if ((level = rp_log_level_parse(arg)) < 0) die_usage("--log-level %s: want error, warning, info or debug", arg);
    rp_log_set_level(level);
    break;
  case O_DEBUG: rp_log_set_level(RP_LOG_DEBUG); break;
  case O_SYSTEMD: rt.systemd_cgroup = 1; break;
  case O_CGMGR: rt.systemd_cgroup = !strcmp(arg, "systemd"); break;
  case O_VERSION: print_version("remoteproc-runtime"), out_exit(0);
  case HELP_ID: overview(&out_stdout), out_exit(out_flush(&out_stdout) ? RP_EXIT_FAIL : RP_EXIT_OK);
  }
}

// The proxy renames itself in this area (argv is contiguous in memory).
static void title_area(int argc, char **argv)
{
  rt.title = argv[0];
  rt.title_cap = (size_t)(argv[argc - 1] + strlen(argv[argc - 1]) + 1 - argv[0]);
}

int runtime_main(int argc, char **argv)
{
  struct rp_getopt g;
  int o;
  rt.work = &work;
  if (rp_state_default_root(rt.root, sizeof(rt.root), &err)) die_err(&err);
  title_area(argc, argv);
  rp_getopt_init(&g, argc, argv, 1, global_opts, RP_OPT_INORDER);
  while ((o = rp_getopt_next(&g)) != RP_OPT_END) {
    if (o < 0) die_opt(&g, o);
    global(o, g.arg);
  }
  if (g.ind >= argc) return overview(&out_stderr), RP_EXIT_USAGE;
  return command_run(&rt_commands, argc - g.ind, argv + g.ind);
}
