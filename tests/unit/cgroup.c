// cgroup.c - unit tests of lib/cgroup.c's path resolution
//
// linux.cgroupsPath comes from the bundle, under Kubernetes from a pod
// author: whatever it holds, the result must stay below a hierarchy's root,
// fit its buffer, and name what runc (cgroupfs) or systemd would.

#include "unit.h"

#include <errno.h>

#include "cgroup.h"

static char out[RP_CG_PATH_MAX];

static int fs(const char *spec, const char *want)
{
  struct rp_err e = {0};
  int r = rp_cg_resolve(spec, 0, out, sizeof(out), &e);
  if (r) printf("  %s: %s\n", spec, e.msg);
  return !r && !strcmp(out, want);
}

static int sd(const char *spec, const char *want)
{
  struct rp_err e = {0};
  int r = rp_cg_resolve(spec, 1, out, sizeof(out), &e);
  if (r) printf("  %s: %s\n", spec, e.msg);
  return !r && !strcmp(out, want);
}

static int refused(const char *spec, int systemd, const char *msg)
{
  struct rp_err e = {0};
  return rp_cg_resolve(spec, systemd, out, sizeof(out), &e) == -EINVAL && strstr(e.msg, msg);
}

static int test_cgroupfs(void)
{
  check(fs("/docker/abc", "/docker/abc"));
  check(fs("//kubepods///besteffort/pod_1/", "/kubepods/besteffort/pod_1"));  // cleaned, as runc does
  check(fs("/a/.hidden/..x/x..", "/a/.hidden/..x/x.."));  // dots inside a name are a name
  return 0;
}

static int test_cgroupfs_refused(void)
{
  check(refused("docker/abc", 0, "must be an absolute path"));
  check(refused("/a/../../etc", 0, "has a . or .. part"));
  check(refused("/a/..", 0, "has a . or .. part"));
  check(refused("/./a", 0, "has a . or .. part"));
  check(refused("/", 0, "must name a cgroup below the root"));
  check(refused("///", 0, "must name a cgroup below the root"));
  check(refused("/a\nb", 0, "may hold only"));
  check(refused("/a b", 0, "may hold only"));
  check(refused("/a\\b", 0, "may hold only"));
  return 0;
}

static int test_systemd(void)
{
  check(sd("system.slice:docker:abc", "/system.slice/docker-abc.scope"));
  check(sd(":cri-containerd:abc", "/system.slice/cri-containerd-abc.scope"));
  check(sd("kubepods-besteffort-pod1_2.slice:cri-containerd:x",
           "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1_2.slice/cri-containerd-x.scope"));
  check(sd("-.slice:p:n", "/p-n.scope"));
  check(sd("machine.slice::n", "/machine.slice/n.scope"));
  return 0;
}

static int test_systemd_refused(void)
{
  check(refused("/system.slice/x", 1, "must be slice:prefix:name"));
  check(refused("system.slice:x", 1, "must be slice:prefix:name"));
  check(refused("a:b:c:d", 1, "must be slice:prefix:name"));
  check(refused("system.slice:p:", 1, "must be slice:prefix:name"));
  check(refused("system:p:n", 1, "names an invalid slice"));
  check(refused("a--b.slice:p:n", 1, "names an invalid slice"));
  check(refused("-a.slice:p:n", 1, "names an invalid slice"));
  check(refused("a-.slice:p:n", 1, "names an invalid slice"));
  check(refused(".slice:p:n", 1, "names an invalid slice"));
  check(refused("a.slice:p:x.slice", 1, "names a slice, not a scope"));
  return 0;
}

static int test_bounds(void)
{
  char spec[RP_CG_SPEC_MAX + 2];
  struct rp_err e = {0};
  char small[8];
  memset(spec, 'a', sizeof(spec) - 1), spec[0] = '/', spec[sizeof(spec) - 1] = 0;
  check(refused(spec, 0, "is longer than 400 bytes"));
  spec[RP_CG_SPEC_MAX] = 0;  // at the limit: accepted
  check(rp_cg_resolve(spec, 0, out, sizeof(out), &e) == 0 && strlen(out) == RP_CG_SPEC_MAX);
  check(rp_cg_resolve("/abcdefgh", 0, small, sizeof(small), &e) == -EINVAL && strstr(e.msg, "is too long"));
  check(rp_cg_resolve("a-b-c-d.slice:p:n", 1, small, sizeof(small), &e) == -EINVAL && strstr(e.msg, "is too long"));
  // The longest systemd form still fits: 400 bytes of slice nest to about 4x.
  memset(spec, 'a', 120), memcpy(spec + 120, "-b-c.slice:p:n", 15);
  check(rp_cg_resolve(spec, 1, out, sizeof(out), &e) == 0);
  return 0;
}

int main(void)
{
  RUN(test_cgroupfs);
  RUN(test_cgroupfs_refused);
  RUN(test_systemd);
  RUN(test_systemd_refused);
  RUN(test_bounds);
  return unit_end();
}
