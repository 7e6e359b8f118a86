// main.c - rprocbox: pick the applet from basename(argv[0])
//
// Installed as symlinks (remoteproc-runtime, containerd-shim-remoteproc-v1,
// rproc) to one static binary, busybox style. Run under its own name it
// takes the applet as first argument, lists or installs the applets.

#include "applet.h"
#include "path.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct applet {
  const char *name;
  int (*main)(int argc, char **argv);
  const char *summary;
};

// A disabled applet keeps its row with a NULL entry point, so the name gets
// a precise message and the code behind it is dropped at link time.
static const struct applet applets[] = {
#define APPLET(name, id, cfg, summary) {name, (cfg) ? id##_main : NULL, summary},
#include "applets.h"
#undef APPLET
};
#define NAPPLETS ((int)(sizeof(applets) / sizeof(*applets)))

static const char usage[] =
    "usage: rprocbox APPLET [ARGS...]\n"
    "       rprocbox --list | --install [-s] DIR | --help | --version\n"
    "\n"
    "One binary for remote processors; run it as one of its applets (symlinks\n"
    "named after them, or the applet as first argument). Applets:\n";

static const struct applet *find(const char *name)
{
  for (int i = 0; i < NAPPLETS; i++)
    if (!strcmp(applets[i].name, name)) return &applets[i];
  return NULL;
}

static int run(const struct applet *a, const char *name, int argc, char **argv)
{
  if (!a) die(RP_EXIT_NOAPPLET, "applet not found: %s (see 'rprocbox --list')", name);
  if (!a->main)
    die(RP_EXIT_NOAPPLET, "applet %s is not in this build (profile %s)", name, CFG_PROFILE);
  applet_name = a->name;
  rp_log_init(a->name);
  return a->main(argc, argv);
}

static void list(struct out *f, int with_summary)
{
  int w = 0;
  for (int i = 0; i < NAPPLETS; i++)
    if (applets[i].main && (int)strlen(applets[i].name) > w) w = (int)strlen(applets[i].name);
  for (int i = 0; i < NAPPLETS; i++) {
    if (!applets[i].main) continue;
    if (with_summary) foutf(f, "  %-*s  %s\n", w, applets[i].name, applets[i].summary);
    else foutf(f, "%s\n", applets[i].name);
  }
}

// Link DIR/<applet> to this binary; never replaces an existing file.
static int install_one(const char *self, const char *dir, const char *name, int sym)
{
  char dst[RP_PATH_MAX];
  struct stat st, me;
  if (rp_path_join(dst, sizeof(dst), dir, name)) die(RP_EXIT_FAIL, "path too long: %s", dir);
  if (!lstat(dst, &st)) {
    if (!stat(dst, &st) && !stat(self, &me) && st.st_ino == me.st_ino && st.st_dev == me.st_dev)
      return 0;
    rp_log_error("%s exists and is not rprocbox: not replacing it", dst);
    return 1;
  }
  if (sym ? !symlink(self, dst) : !link(self, dst)) {
    outf(sym ? "%s -> %s\n" : "%s\n", dst, self);  // a hard link points nowhere: no arrow
    return 0;
  }
  int err = errno;
  rp_log_error("cannot create %s: %s%s", dst, strerror(err),
               err == EXDEV ? " (a hard link needs DIR on this binary's filesystem; -s makes symbolic links)" : "");
  return 1;
}

static int install(int argc, char **argv)
{
  int sym = argc > 2 && !strcmp(argv[2], "-s");
  const char *dir = argv[2 + sym];
  char self[RP_PATH_MAX];
  if (argc != 3 + sym) die_usage("--install takes [-s] DIR");
  ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n <= 0) die(RP_EXIT_FAIL, "cannot find this binary's path in /proc/self/exe: %s", strerror(errno));
  self[n] = 0;
  int bad = 0;
  for (int i = 0; i < NAPPLETS; i++)
    if (applets[i].main) bad |= install_one(self, dir, applets[i].name, sym);
  return bad ? RP_EXIT_FAIL : RP_EXIT_OK;
}

static int multiplexer(int argc, char **argv)
{
  rp_log_init("rprocbox");
  const char *a = argc > 1 ? argv[1] : NULL;
  if (!a) {
    out_str(&out_stderr, usage);
    list(&out_stderr, 1);
    return RP_EXIT_USAGE;
  }
  if (!strcmp(a, "--list")) return list(&out_stdout, 0), RP_EXIT_OK;
  if (!strcmp(a, "--install")) return install(argc, argv);
  if (!strcmp(a, "--help") || !strcmp(a, "-h")) return out_str(&out_stdout, usage), list(&out_stdout, 1), RP_EXIT_OK;
  if (!strcmp(a, "--version")) return print_version("rprocbox"), RP_EXIT_OK;
  if (a[0] == '-') die_usage("unknown option %s", a);
  return run(find(a), a, argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
  const char *name = argc > 0 ? rp_path_base(argv[0]) : "rprocbox";
  if (*name == '-') name++;  // a login shell's argv[0]
  // Not a return: exit alone would not flush out_stdout.
  out_exit(!strncmp(name, "rprocbox", 8) ? multiplexer(argc, argv) : run(find(name), name, argc, argv));
}
