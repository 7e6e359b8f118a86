// remoteproc-runtime.c - an OCI runtime whose containers are firmware on
// remote processors. Command line compatible with what runc's callers send
// (podman/conmon, containerd-shim-runc-v2, Docker).
// See https://github.com/opencontainers/runtime-spec/blob/main/runtime.md

#include "applet.h"
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] =
    "usage: remoteproc-runtime [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "Commands:\n"
    "  create [--bundle DIR] [--pid-file F] [--console-socket S] ID\n"
    "                        create a container: claim its processor, check its firmware\n"
    "  start ID              load the firmware and start the processor\n"
    "  run [-d] [--bundle DIR] [--pid-file F] ID   create + start (without -d: wait for the end)\n"
    "  state ID              OCI state JSON\n"
    "  kill [--all] ID [SIGNAL]   TERM/INT stop the processor; KILL also stops it (default TERM)\n"
    "  delete [--force] ID   remove a stopped container (--force: any, or none)\n"
    "  list [--format table|json] [-q]\n"
    "  ps [--format table|json] ID   the container's process (its proxy)\n"
    "  spec [--bundle DIR] [--firmware FILE] [--processor NAME] [--board BOARD]\n"
    "                        write a config.json template for a firmware bundle\n"
    "  features              OCI runtime features JSON\n"
    "  pause, resume, exec, update, checkpoint, restore, events: not supported\n"
    "\n"
    "Global options:\n"
    "  --root DIR            state directory (default /run/remoteproc-runtime, as root)\n"
    "  --log FILE            also write log lines to FILE\n"
    "  --log-format text|json   format of --log lines\n"
    "  --log-level LEVEL     error, warning, info or debug (default warning)\n"
    "  --debug               same as --log-level debug\n"
    "  --systemd-cgroup, --rootless[=V], --criu P, --cgroup-manager M   accepted, ignored\n"
    "  --version, --help\n"
    "\n"
    "Exit status: 0 ok, 1 failed, 2 usage error, 3 not supported on a remote processor.\n";

static struct rp_rt rt;
static struct rp_err err;

enum { O_ROOT = 1, O_LOG, O_LOGFMT, O_LOGLEVEL, O_DEBUG, O_IGNORE, O_IGNOREV, O_VERSION, O_HELP,
       O_BUNDLE, O_PIDFILE, O_CONSOLE, O_PRESERVE, O_DETACH, O_ALL, O_FORCE, O_FORMAT, O_QUIET,
       O_FIRMWARE, O_PROCESSOR, O_BOARD };

static const struct rp_option global_opts[] = {
    {"root", 0, RP_OPT_VALUE, O_ROOT},          {"log", 0, RP_OPT_VALUE, O_LOG},
    {"log-format", 0, RP_OPT_VALUE, O_LOGFMT},  {"log-level", 0, RP_OPT_VALUE, O_LOGLEVEL},
    {"debug", 0, RP_OPT_FLAG, O_DEBUG},         {"systemd-cgroup", 0, RP_OPT_FLAG, O_IGNORE},
    {"rootless", 0, RP_OPT_VALUE, O_IGNOREV},   {"criu", 0, RP_OPT_VALUE, O_IGNOREV},
    {"cgroup-manager", 0, RP_OPT_VALUE, O_IGNOREV}, {"version", 'v', RP_OPT_FLAG, O_VERSION},
    {"help", 'h', RP_OPT_FLAG, O_HELP},         {0},
};

// Parse a command's options; operands go to ops[] (at most nops).
static int parse(int argc, char **argv, const struct rp_option *opts, const char **ops, int nops,
                 void (*on)(int id, const char *arg))
{
  struct rp_getopt g;
  int n = 0, o;
  rp_getopt_init(&g, argc, argv, 1, opts, 0);
  while ((o = rp_getopt_next(&g)) != RP_OPT_END) {
    if (o == RP_OPT_OPERAND) {
      if (n == nops) die_usage("%s: unexpected argument %s", argv[0], g.arg);
      ops[n++] = g.arg;
    } else if (o < 0) {
      die_opt(&g, o);
    } else {
      on(o, g.arg);
    }
  }
  return n;
}

static void need_id(int n, const char *cmd)
{
  if (n < 1) die_usage("%s: missing container id", cmd);
}

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

static const struct rp_option create_opts[] = {
    {"bundle", 'b', RP_OPT_VALUE, O_BUNDLE},       {"pid-file", 0, RP_OPT_VALUE, O_PIDFILE},
    {"console-socket", 0, RP_OPT_VALUE, O_CONSOLE}, {"preserve-fds", 0, RP_OPT_VALUE, O_PRESERVE},
    {"no-pivot", 0, RP_OPT_FLAG, O_IGNORE},        {"no-new-keyring", 0, RP_OPT_FLAG, O_IGNORE},
    {"detach", 'd', RP_OPT_FLAG, O_DETACH},        {"keep", 0, RP_OPT_FLAG, O_IGNORE},
    {0},
};

static int do_create(int argc, char **argv, int *pid)
{
  const char *id;
  need_id(parse(argc, argv, create_opts, &id, 1, set_op), argv[0]);
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
  static const struct rp_option none[] = {{0}};
  need_id(parse(argc, argv, none, &id, 1, set_op), "start");
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
  need_id(parse(argc, argv, create_opts, &id, 1, set_op), "run");
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

static char state_json[RP_STATE_JSON_MAX];  // one container's state JSON, for state and list

static int cmd_state(int argc, char **argv)
{
  static struct rp_state st;
  const char *id;
  static const struct rp_option none[] = {{0}};
  need_id(parse(argc, argv, none, &id, 1, set_op), "state");
  if (rp_state_read(rt.root, id, &st, &err)) die_err(&err);
  if (rp_rt_state_json(&st, state_json, sizeof(state_json), 2) < 0) die(RP_EXIT_FAIL, "state of %s is too large", id);
  return puts(state_json) < 0;
}

static int cmd_kill(int argc, char **argv)
{
  static const struct rp_option opts[] = {{"all", 'a', RP_OPT_FLAG, O_ALL}, {0}};
  const char *ops[2] = {NULL, "TERM"};
  need_id(parse(argc, argv, opts, ops, 2, set_op), "kill");
  int sig = rp_signal_parse(ops[1]);
  if (sig < 0) die_usage("kill: unknown signal \"%s\"", ops[1]);
  if (rp_rt_kill(&rt, ops[0], sig, op.all, &err)) die_err(&err);
  return 0;
}

static int cmd_delete(int argc, char **argv)
{
  static const struct rp_option opts[] = {{"force", 'f', RP_OPT_FLAG, O_FORCE}, {0}};
  const char *id;
  need_id(parse(argc, argv, opts, &id, 1, set_op), "delete");
  if (rp_rt_delete(&rt, id, op.force, &err)) die_err(&err);
  return 0;
}

static const struct rp_option format_opts[] = {
    {"format", 'f', RP_OPT_VALUE, O_FORMAT}, {"quiet", 'q', RP_OPT_FLAG, O_QUIET}, {0}};

static int list_one(const struct rp_state *st, void *arg)
{
  int *n = arg;
  if (op.quiet) return puts(st->id) < 0;
  if (!strcmp(op.format, "json")) {
    if (rp_rt_state_json(st, state_json, sizeof(state_json), 0) < 0) return 0;
    return ((*n)++ && fputs(",", stdout) < 0) || fputs(state_json, stdout) < 0;
  }
  enum rp_status s = rp_state_status(st);
  return outf("%-20s %-8d %-9s %-16s %-30s %s\n", st->id, s == RP_ST_STOPPED ? 0 : st->pid,
                rp_status_name(s), st->sandbox ? "(sandbox)" : st->proc_name, st->bundle,
                st->created) < 0;
}

static int cmd_list(int argc, char **argv)
{
  int n = 0, json = 0;
  parse(argc, argv, format_opts, NULL, 0, set_op);
  json = !op.quiet && !strcmp(op.format, "json");
  if (json) putchar('[');
  else if (!op.quiet) outf("%-20s %-8s %-9s %-16s %-30s %s\n", "ID", "PID", "STATUS", "PROCESSOR", "BUNDLE", "CREATED");
  if (rp_state_each(rt.root, list_one, &n, &err)) die_err(&err);
  if (json) puts("]");
  return fflush(stdout) ? RP_EXIT_FAIL : 0;
}

static int cmd_ps(int argc, char **argv)
{
  static struct rp_state st;
  const char *id;
  need_id(parse(argc, argv, format_opts, &id, 1, set_op), "ps");
  if (rp_state_read(rt.root, id, &st, &err)) die_err(&err);
  enum rp_status s = rp_state_status(&st);
  int live = s == RP_ST_CREATED || s == RP_ST_RUNNING || (s == RP_ST_STOPPED && rp_proc_alive(st.pid, st.pid_start));
  if (!strcmp(op.format, "json")) return outf(live ? "[%d]\n" : "[]\n", st.pid) < 0;
  outf("%-8s %s\n", "PID", "CMD");
  if (live) outf("%-8d remoteproc-proxy %s %s\n", st.pid, st.id, st.sandbox ? "(sandbox)" : st.proc_name);
  return 0;
}

static int cmd_spec(int argc, char **argv)
{
  static const struct rp_option opts[] = {
      {"bundle", 'b', RP_OPT_VALUE, O_BUNDLE},   {"firmware", 0, RP_OPT_VALUE, O_FIRMWARE},
      {"processor", 0, RP_OPT_VALUE, O_PROCESSOR}, {"board", 0, RP_OPT_VALUE, O_BOARD},
      {"rootless", 0, RP_OPT_FLAG, O_IGNORE},    {0}};
  char path[RP_PATH_MAX], buf[4096];
  struct rp_jw w;
  parse(argc, argv, opts, NULL, 0, set_op);
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
  if (argc > 1) die_usage("features takes no arguments");
  return fputs(rp_features_json, stdout) < 0;
}

static int cmd_unsupported(int argc, char **argv)
{
  die(RP_EXIT_UNSUPPORTED, "%s is not supported on a remote processor: the firmware runs on its "
      "own core, not as a Linux process", argv[0]);
}

static const struct {
  const char *name;
  int (*fn)(int, char **);
} commands[] = {
    {"checkpoint", cmd_unsupported}, {"create", cmd_create}, {"delete", cmd_delete},
    {"events", cmd_unsupported},     {"exec", cmd_unsupported}, {"features", cmd_features},
    {"kill", cmd_kill},              {"list", cmd_list},      {"pause", cmd_unsupported},
    {"ps", cmd_ps},                  {"restore", cmd_unsupported}, {"resume", cmd_unsupported},
    {"run", cmd_run},                {"spec", cmd_spec},      {"start", cmd_start},
    {"state", cmd_state},            {"update", cmd_unsupported},
};

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
      if (!getcwd(cwd, sizeof(cwd)) || rp_path_join(rt.root, sizeof(rt.root), cwd, arg))
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
  case O_VERSION: print_version("remoteproc-runtime"), exit(0);
  case O_HELP: fputs(usage, stdout), exit(0);
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
  if (rp_state_default_root(rt.root, sizeof(rt.root), &err)) die_err(&err);
  title_area(argc, argv);
  rp_getopt_init(&g, argc, argv, 1, global_opts, RP_OPT_INORDER);
  while ((o = rp_getopt_next(&g)) != RP_OPT_END) {
    if (o < 0) die_opt(&g, o);
    global(o, g.arg);
  }
  if (g.ind >= argc) {
    fputs(usage, stderr);
    return RP_EXIT_USAGE;
  }
  for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
    if (!strcmp(commands[i].name, argv[g.ind])) {
      for (int k = g.ind + 1; k < argc; k++)
        if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) return fputs(usage, stdout) < 0;
      return commands[i].fn(argc - g.ind, argv + g.ind);
    }
  die_usage("unknown command %s", argv[g.ind]);
}
