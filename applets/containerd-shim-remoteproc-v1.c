// containerd-shim-remoteproc-v1.c - containerd runtime v2 shim, runtime
// name io.containerd.remoteproc.v1. containerd calls it with Go-style flags
// and an action: `start` (print the socket address, leave a server behind),
// `delete` (clean up after a dead shim), `-info`, `-v`.
// See https://github.com/containerd/containerd/blob/main/core/runtime/v2/README.md

#include "applet.h"
#include "fs.h"
#include "path.h"
#include "proc.h"
#include "rt.h"
#include "shim.h"
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct rp_work work;  // the runtime's working memory (rt.h)
static struct rp_shim_opts o;
static struct rp_err err;
// Whole pages (RP_PROC_PAGE), which the server forked from `start` gives
// back (server): neither it nor the proxies it forks keep them.
static unsigned char in[1 << 20] RP_PROC_PAGES, out[4096] RP_PROC_PAGES;
static char strings[4096] RP_PROC_PAGES;

enum { F_NS = 1, F_ID, F_ADDR, F_PUB, F_BUNDLE, F_DEBUG, F_SOCKET, F_DEBUGSOCK, F_VERSION, F_INFO, F_HELP };

// containerd's flags, Go style (-name VALUE, -name=VALUE); usage lists them.
static const struct rp_option flags[] = {
    {"namespace", 0, RP_OPT_VALUE, F_NS, "NS", "containerd namespace of the task"},
    {"id", 0, RP_OPT_VALUE, F_ID, "ID", "id of the task (or of its group's first task)"},
    {"address", 0, RP_OPT_VALUE, F_ADDR, "ADDR", "containerd's gRPC socket"},
    {"publish-binary", 0, RP_OPT_VALUE, F_PUB, "FILE", "program that publishes events to containerd"},
    {"bundle", 0, RP_OPT_VALUE, F_BUNDLE, "DIR", "the task's bundle (default: the current directory)"},
    {"debug", 0, RP_OPT_FLAG, F_DEBUG, NULL, "log debug lines"},
    {"socket", 0, RP_OPT_VALUE, F_SOCKET, "PATH", "without an action: serve on PATH (for tests)"},
    {"debug-socket", 0, RP_OPT_VALUE, F_DEBUGSOCK, NULL, NULL},
    {"v", 0, RP_OPT_FLAG, F_VERSION, NULL, "print the version"},
    {"version", 0, RP_OPT_FLAG, F_VERSION, NULL, NULL},
    {"info", 0, RP_OPT_FLAG, F_INFO, NULL, "print the runtime info protobuf containerd asks for"},
    {"h", 0, RP_OPT_FLAG, F_HELP, NULL, "show this help (also -help, --help)"},
    {"help", 0, RP_OPT_FLAG, F_HELP, NULL, NULL},
    {0},
};

static int usage(struct out *f)
{
  foutf(f, "usage: containerd-shim-remoteproc-v1 -namespace NS -id ID -address ADDR\n"
           "                                     [FLAGS] start|delete\n"
           "       containerd-shim-remoteproc-v1 -info | -v | -h\n\n"
           "containerd runs this shim for its runtime io.containerd.remoteproc.v1;\n"
           "people do not. "
           "start leaves a server behind and prints its address; delete\n"
           "cleans up after a server that died.\n\nFlags:\n");
  options_list(f, flags, 1);
  return out_flush(f) ? RP_EXIT_FAIL : RP_EXIT_OK;
}

// stdin, bounded; the rest is drained so the writer never blocks.
static size_t read_stdin(void)
{
  size_t n = 0;
  if (isatty(0)) return 0;
  for (;;) {
    char sink[4096];
    ssize_t r = n < sizeof(in) ? read(0, in + n, sizeof(in) - n) : read(0, sink, sizeof(sink));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return n;
    if (n < sizeof(in)) n += (size_t)r;
  }
}

static int write_out(const void *p, size_t n)
{
  return rp_fs_write_all(1, p, n) ? RP_EXIT_FAIL : RP_EXIT_OK;
}

static int do_info(void)
{
  size_t n = read_stdin();
  int len = rp_shim_info(in, n, out, sizeof(out));
  if (len < 0) die(RP_EXIT_FAIL, "cannot encode runtime info");
  return write_out(out, (size_t)len);
}

static void need_ids(void)
{
  if (!o.ns || !*o.ns) die(RP_EXIT_USAGE, "shim namespace cannot be empty");
  if (!o.id || !*o.id) die(RP_EXIT_USAGE, "shim id cannot be empty");
  if (rp_state_valid_id(o.id, &err)) die_err(&err);
}

// Move an option string into buf (used bytes taken): out of argv, which the
// server reuses as its title, and out of the pages it gives back.
static void own(const char **p, char *buf, size_t cap, size_t *used)
{
  size_t n = *p ? strlen(*p) + 1 : 0;
  if (!n || *used + n > cap) return;
  *p = memcpy(buf + *used, *p, n);
  *used += n;
}

// The long-lived server: own session, stdio off containerd's start pipe.
// Its option strings live in its frame, which it never leaves (and which
// the proxies it forks give back with their callers' frames).
static _Noreturn void server(int lfd, char *title, size_t cap)
{
  char buf[8192];
  size_t used = 0;
  const char **opts[] = {&o.ns, &o.id, &o.grpc, &o.publish_bin, &o.bundle, &o.ttrpc, &o.socket_dir};
  for (unsigned i = 0; i < sizeof(opts) / sizeof(*opts); i++) own(opts[i], buf, sizeof(buf), &used);
  rp_proc_forget(in, sizeof(in));  // start's stdin and replies
  rp_proc_forget(out, sizeof(out));
  rp_proc_forget(strings, sizeof(strings));
  int log = open("log", O_WRONLY | O_NONBLOCK | O_CLOEXEC);  // the bundle's log FIFO
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  setsid();
  dup2(null, 0);
  dup2(log >= 0 ? log : null, 1);
  dup2(log >= 0 ? log : null, 2);
  if (title && cap > 1) {
    memset(title, 0, cap);
    rp_fmt(title, cap, "containerd-shim-remoteproc-v1 -namespace %s -id %s", o.ns, o.id);
  }
  _exit(rp_shim_serve(&o, lfd, title, cap));  // it removes the socket when it stops
}

static int print_address(const char *address, int bootstrap)
{
  if (!bootstrap) {
    outf("%s", address);
    return out_flush(&out_stdout) ? RP_EXIT_FAIL : RP_EXIT_OK;
  }
  int n = rp_shim_bootstrap_result(address, out, sizeof(out));
  if (n < 0) die(RP_EXIT_FAIL, "cannot encode the bootstrap result");
  return write_out(out, (size_t)n);  // protobuf: no newline after it
}

static int do_start(char *title, size_t cap)
{
  char cwd[RP_PATH_MAX], group[256], address[256], file[RP_PATH_MAX];
  int existing, boot = rp_shim_bootstrap(in, read_stdin(), &o, strings, sizeof(strings));
  if (o.debug) rp_log_set_level(RP_LOG_DEBUG);  // also set by BootstrapParams.log_level
  need_ids();
  if (!o.bundle) o.bundle = rp_path_real(".", cwd, sizeof(cwd)) ? NULL : cwd;
  if (!o.bundle) die(RP_EXIT_FAIL, "cannot find the bundle directory: %s", strerror(errno));
  if (!o.grpc || !*o.grpc) die(RP_EXIT_USAGE, "containerd address (-address) cannot be empty");
  if (!o.ttrpc) o.ttrpc = getenv("TTRPC_ADDRESS");
  rp_shim_group(o.bundle, o.id, group, sizeof(group));
  if (rp_shim_address(o.grpc, o.ns, group, o.socket_dir ? o.socket_dir : RP_SHIM_SOCKET_DIR, address,
                      sizeof(address), &err))
    die_err(&err);
  int lfd = rp_shim_listen(address, &existing, &err);
  if (lfd < 0 && !existing) die_err(&err);
  // containerd 1.6/1.7 find a running shim again only through this file;
  // written before the server exists, so a failure leaves no server behind.
  int bad = rp_path_join(file, sizeof(file), o.bundle, "address")
                ? rp_errf(&err, ENAMETOOLONG, "bundle path %s is too long", o.bundle)
                : rp_fs_write_atomic(file, address, strlen(address), 0644, &err);
  if (bad) {
    if (!existing) unlink(address + (strncmp(address, "unix://", 7) ? 0 : 7));
    die(RP_EXIT_FAIL, "cannot write the address file: %s", err.msg);
  }
  if (!existing) {
    pid_t pid = _Fork();
    if (pid < 0) die(RP_EXIT_FAIL, "cannot fork the shim server: %s", strerror(errno));
    if (pid == 0) server(lfd, title, cap);
    close(lfd);
  }
  // A socket directory from BootstrapParams: `delete` finds it through
  // <bundle>/s, as upstream's 2.3 shims do (best effort, and quiet).
  if (o.socket_dir && !rp_path_join(file, sizeof(file), o.bundle, "s")) {
    unlink(file);
    (void)!symlink(o.socket_dir, file);
  }
  return print_address(address, boot);
}

static int do_delete(void)
{
  char cwd[RP_PATH_MAX];
  if (!o.id || !*o.id) die(RP_EXIT_USAGE, "shim id cannot be empty");
  if (!o.bundle) o.bundle = rp_path_real(".", cwd, sizeof(cwd)) ? NULL : cwd;
  int n = rp_shim_cleanup(&o, out, sizeof(out), &err);
  if (n < 0) die_err(&err);
  return write_out(out, (size_t)n);
}

// No action: serve on -socket PATH (for people and tests; containerd never does this).
static int do_serve(const char *socket, char *title, size_t cap)
{
  char address[256];
  int existing;
  if (!socket) die_usage("missing action (start or delete), or -socket to serve on");
  if (!o.ns) o.ns = "default";
  if (!o.ttrpc) o.ttrpc = getenv("TTRPC_ADDRESS");
  rp_fmt(address, sizeof(address), "unix://%s", socket);
  int lfd = rp_shim_listen(address, &existing, &err);
  if (lfd < 0) die(RP_EXIT_FAIL, "%s", existing ? "a shim already serves that socket" : err.msg);
  return rp_shim_serve(&o, lfd, title, cap);
}

int shim_main(int argc, char **argv)
{
  struct rp_getopt g;
  const char *socket = NULL;
  o.work = &work;
  int rc, info = 0;
  rp_getopt_init(&g, argc, argv, 1, flags, RP_OPT_INORDER | RP_OPT_GOSTYLE);
  while ((rc = rp_getopt_next(&g)) != RP_OPT_END) {
    if (rc == RP_OPT_EUNKNOWN) continue;  // newer containerd flags: ignore, as upstream does
    if (rc < 0) die_opt(&g, rc);
    switch (rc) {
    case F_NS: o.ns = g.arg; break;
    case F_ID: o.id = g.arg; break;
    case F_ADDR: o.grpc = g.arg; break;
    case F_PUB: o.publish_bin = g.arg; break;
    case F_BUNDLE: o.bundle = g.arg; break;
    case F_DEBUG: o.debug = !g.arg || !strcmp(g.arg, "true"); break;
    case F_SOCKET: socket = g.arg; break;
    case F_VERSION:
      outf("containerd-shim-remoteproc-v1:\n  Version:  %s\n  Revision: %s\n", RP_VERSION, RP_REVISION);
      return 0;
    case F_INFO: info = 1; break;
    case F_HELP: return usage(&out_stdout);
    }
  }
  if (info) return do_info();
  if (o.debug) rp_log_set_level(RP_LOG_DEBUG);
  char *title = argv[0];
  size_t cap = (size_t)(argv[argc - 1] + strlen(argv[argc - 1]) + 1 - argv[0]);
  const char *action = g.ind < argc ? argv[g.ind] : NULL;
  for (int i = g.ind + 1; i < argc; i++)  // "start -h": containerd never sends that
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "-help") || !strcmp(argv[i], "--help")) return usage(&out_stdout);
  if (action && !strcmp(action, "start")) return do_start(title, cap);
  if (action && !strcmp(action, "delete")) return do_delete();
  if (action) die_usage("unknown action %s", action);
  return do_serve(socket, title, cap);
}
