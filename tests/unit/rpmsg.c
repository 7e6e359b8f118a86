// rpmsg.c - unit tests of lib/rpmsg.c and lib/cdi.c: rpmsg channels and
// nodes of a processor, the wait for one, the CDI spec
//
// A fake root is laid out as the kernel lays out sysfs (real directories and
// the kernel's relative symbolic links): remoteproc0 with an rpmsg-tty
// channel (ttyRPMSG0) and rpmsg_char's control channel (rpmsg_ctrl0 and an
// endpoint rpmsg0 below it), remoteproc1 with a channel without a node, and
// a tty that belongs to no processor. RPROC_ROOT is cached per process, so
// each test runs in a forked child.

#include "unit.h"

#include <errno.h>
#include <sys/stat.h>

#include "cdi.h"
#include "fs.h"
#include "rpmsg.h"

static char root[512];
static struct rp_err e;

#define RP0 "devices/platform/p.0/remoteproc/remoteproc0"
#define VIRTIO0 RP0 "/remoteproc0#vdev0buffer/virtio0"
#define TTYCH "virtio0.rpmsg-tty.-1.1024"
#define CTRLCH "virtio0.rpmsg_ctrl.0.0"
#define RP1 "devices/platform/p.1/remoteproc/remoteproc1"
#define SAMPLE "virtio1.rpmsg-client-sample.-1.1024"

// root/sys/<rel>, its directory made first, holding text.
static int file(const char *rel, const char *text)
{
  char p[1024], d[1024];
  snprintf(p, sizeof(p), "%s/sys/%s", root, rel);
  snprintf(d, sizeof(d), "%s", p);
  *strrchr(d, '/') = 0;
  if (rp_fs_mkdir_p(d, 0755, &e)) return -1;
  return unit_write(p, text, strlen(text));
}

// root/sys/<rel> -> target, its directory made first.
static int link_(const char *rel, const char *target)
{
  char p[1024], d[1024];
  snprintf(p, sizeof(p), "%s/sys/%s", root, rel);
  snprintf(d, sizeof(d), "%s", p);
  *strrchr(d, '/') = 0;
  if (rp_fs_mkdir_p(d, 0755, &e)) return -1;
  return symlink(target, p);
}

static int board(void)
{
  return file(RP0 "/name", "m4\n") || file(RP0 "/state", "running\n") || file(RP1 "/name", "dsp\n") ||
         file(RP1 "/state", "running\n") ||
         link_("class/remoteproc/remoteproc0", "../../" RP0) || link_("class/remoteproc/remoteproc1", "../../" RP1) ||
         file(VIRTIO0 "/" TTYCH "/name", "rpmsg-tty\n") || file(VIRTIO0 "/" TTYCH "/tty/ttyRPMSG0/dev", "136:9\n") ||
         file(VIRTIO0 "/" CTRLCH "/name", "rpmsg_ctrl\n") ||
         file(VIRTIO0 "/" CTRLCH "/rpmsg/rpmsg_ctrl0/dev", "240:0\n") ||
         file(VIRTIO0 "/" CTRLCH "/rpmsg/rpmsg_ctrl0/rpmsg0/dev", "240:1\n") ||
         file(RP1 "/remoteproc1#vdev0buffer/virtio1/" SAMPLE "/name", "rpmsg-client-sample\n") ||
         file("devices/virtual/tty/tty0/dev", "4:0\n") ||
         link_("bus/rpmsg/devices/" TTYCH, "../../../" VIRTIO0 "/" TTYCH) ||
         link_("bus/rpmsg/devices/" CTRLCH, "../../../" VIRTIO0 "/" CTRLCH) ||
         link_("bus/rpmsg/devices/" SAMPLE, "../../../" RP1 "/remoteproc1#vdev0buffer/virtio1/" SAMPLE) ||
         link_("class/tty/ttyRPMSG0", "../../" VIRTIO0 "/" TTYCH "/tty/ttyRPMSG0") ||
         link_("class/tty/tty0", "../../devices/virtual/tty/tty0") ||
         link_("class/rpmsg/rpmsg_ctrl0", "../../" VIRTIO0 "/" CTRLCH "/rpmsg/rpmsg_ctrl0") ||
         link_("class/rpmsg/rpmsg0", "../../" VIRTIO0 "/" CTRLCH "/rpmsg/rpmsg_ctrl0/rpmsg0");
}

static const struct rp_rproc m4 = {.index = 0, .dev = "remoteproc0", .name = "m4"};
static const struct rp_rproc dsp = {.index = 1, .dev = "remoteproc1", .name = "dsp"};

static int starts(const char *s, const char *prefix) { return !strncmp(s, prefix, strlen(prefix)); }

// The node of m at path, or NULL.
static const struct rp_rpmsg_node *node(const struct rp_rpmsg *m, const char *path)
{
  for (int i = 0; i < m->nnode; i++)
    if (!strcmp(m->node[i].path, path)) return &m->node[i];
  return NULL;
}

static int scan_child(void)
{
  static struct rp_rpmsg m;
  check(rp_rpmsg_scan(&m4, &m, 1) == 2);
  check(m.nnode == 3);  // not tty0: no processor's
  int tty = rp_rpmsg_find(&m, "rpmsg-tty"), ctrl = rp_rpmsg_find(&m, "rpmsg_ctrl");
  check(tty >= 0 && ctrl >= 0 && tty != ctrl);
  check_str(m.dev[tty], TTYCH);
  const struct rp_rpmsg_node *t = node(&m, "/dev/ttyRPMSG0"), *c = node(&m, "/dev/rpmsg_ctrl0"), *ep = node(&m, "/dev/rpmsg0");
  check(t && c && ep);
  check_str(t->dev, "136:9");
  check(t->chan == tty && c->chan == ctrl && ep->chan == ctrl);  // the endpoint below the control device
  check(rp_rpmsg_find(&m, "any") >= 0 && rp_rpmsg_find(&m, "rpmsg-raw") < 0);
  check(rp_rpmsg_scan(&m4, &m, 0) == 2 && m.nnode == 0);  // channels only
  check(rp_rpmsg_scan(&dsp, &m, 1) == 1 && m.nnode == 0);
  char names[64];
  rp_rpmsg_names(&m, names, sizeof(names));
  check_str(names, "rpmsg-client-sample");
  return 0;
}

static int test_scan(void)
{
  if (unit_tmpdir(root, sizeof(root), "rpmsg") || board()) return __LINE__;
  int r = unit_in_child(root, scan_child);
  unit_rmtree(root);
  return r;
}

static int none_child(void)
{
  static struct rp_rpmsg m;
  char names[16];
  check(rp_rpmsg_scan(&m4, &m, 1) == 0 && m.nnode == 0);
  rp_rpmsg_names(&m, names, sizeof(names));
  check_str(names, "none");
  check(rp_rpmsg_wait(&m4, "any", 100, &m, &e) == -ETIMEDOUT);
  check_str(e.msg, "no rpmsg channel appeared on m4 within 0 s (present: none)");
  return 0;
}

// No rpmsg bus at all (no virtio_rpmsg_bus loaded): nothing, no error.
static int test_no_bus(void)
{
  if (unit_tmpdir(root, sizeof(root), "rpmsg") || file(RP0 "/name", "m4\n") ||
      link_("class/remoteproc/remoteproc0", "../../" RP0))
    return __LINE__;
  int r = unit_in_child(root, none_child);
  unit_rmtree(root);
  return r;
}

static int wait_child(void)
{
  static struct rp_rpmsg m;
  check(rp_rpmsg_wait(&m4, "rpmsg-tty", 100, &m, &e) == 0);
  check(rp_rpmsg_wait(&dsp, "rpmsg-tty", 1000, &m, &e) == -ETIMEDOUT);
  check_str(e.msg, "no rpmsg channel rpmsg-tty appeared on dsp within 1 s (present: rpmsg-client-sample)");
  return 0;
}

static int test_wait(void)
{
  if (unit_tmpdir(root, sizeof(root), "rpmsg") || board()) return __LINE__;
  int r = unit_in_child(root, wait_child);
  unit_rmtree(root);
  return r;
}

static int cdi_child(void)
{
  char path[1024], dir[600], buf[2048];
  snprintf(dir, sizeof(dir), "%s/cdi", root);
  check(rp_cdi_write(dir, path, sizeof(path), &e) == 3);
  check_str(path, unit_path(dir, "rprocbox.json"));
  check(rp_fs_read(path, buf, sizeof(buf), &e) > 0);
  // dsp has no node: no device of its own; m4's nodes in scan order.
  check(starts(buf, "{\"cdiVersion\":\"0.3.0\",\"kind\":\"rprocbox.dev/rpmsg\",\"devices\":[{\"name\":\"m4\","
                    "\"containerEdits\":{\"deviceNodes\":[{\"path\":\"/dev/"));
  check(strstr(buf, "{\"path\":\"/dev/ttyRPMSG0\",\"type\":\"c\",\"major\":136,\"minor\":9}"));
  check(strstr(buf, "{\"path\":\"/dev/rpmsg0\",\"type\":\"c\",\"major\":240,\"minor\":1}"));
  check(strstr(buf, "]}},{\"name\":\"all\",\"containerEdits\":{\"deviceNodes\":[{\"path\":\"/dev/"));
  check(!strstr(buf, "dsp"));
  check_str(buf + strlen(buf) - 7, "}]}}]}\n");
  return 0;
}

static int test_cdi(void)
{
  if (unit_tmpdir(root, sizeof(root), "rpmsg") || board()) return __LINE__;
  int r = unit_in_child(root, cdi_child);
  unit_rmtree(root);
  return r;
}

static int cdi_none_child(void)
{
  char path[1024], dir[600];
  snprintf(dir, sizeof(dir), "%s/cdi", root);
  check(rp_cdi_write(dir, path, sizeof(path), &e) == 0);
  check(access(path, F_OK) && errno == ENOENT);  // removed
  return 0;
}

// A processor named "9x" gets no device of its own (not a name every
// engine's CDI library takes), its nodes are in "all".
static int cdi_names_child(void)
{
  char path[1024], dir[600], buf[2048];
  snprintf(dir, sizeof(dir), "%s/cdi", root);
  check(rp_cdi_write(dir, path, sizeof(path), &e) == 3);
  check(rp_fs_read(path, buf, sizeof(buf), &e) > 0);
  check(starts(buf, "{\"cdiVersion\":\"0.3.0\",\"kind\":\"rprocbox.dev/rpmsg\",\"devices\":[{\"name\":\"all\","));
  check(!strstr(buf, "9x"));
  return 0;
}

static int test_cdi_names(void)
{
  if (unit_tmpdir(root, sizeof(root), "rpmsg") || board()) return __LINE__;
  int r = unit_write(unit_path(root, "sys/" RP0 "/name"), "9x\n", 3) ? __LINE__ : unit_in_child(root, cdi_names_child);
  unit_rmtree(root);
  return r;
}

static int test_cdi_none(void)
{
  if (unit_tmpdir(root, sizeof(root), "rpmsg") || file(RP0 "/name", "m4\n") ||
      link_("class/remoteproc/remoteproc0", "../../" RP0))
    return __LINE__;
  char dir[600];
  snprintf(dir, sizeof(dir), "%s/cdi", root);
  if (rp_fs_mkdir_p(dir, 0755, &e) || unit_write(unit_path(dir, "rprocbox.json"), "old", 3)) return __LINE__;
  int r = unit_in_child(root, cdi_none_child);
  unit_rmtree(root);
  return r;
}

int main(void)
{
  RUN(test_scan);
  RUN(test_no_bus);
  RUN(test_wait);
  RUN(test_cdi);
  RUN(test_cdi_none);
  RUN(test_cdi_names);
  return unit_end();
}
