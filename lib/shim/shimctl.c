// shimctl.c - the shim's one-shot actions: socket address, start's stdin,
// -info, and delete's cleanup after a dead shim (see shim.h)

#include "shim.h"
#include "ocifeat.h"
#include "fs.h"
#include "mount.h"
#include "path.h"
#include "proc.h"
#include "rt.h"
#include "sha256.h"
#include "taskpb.h"

#include <errno.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

// Lexical path cleaning with Go's filepath.Clean rules (containerd hashes
// the cleaned path): drop empty and "." elements, let ".." remove the
// element before it (never above the root), no trailing slash.
static void clean(char *p)
{
  char out[RP_PATH_MAX];
  int rooted = p[0] == '/';
  size_t w = 0, dotdot = 0, r = 0, n = strlen(p);
  if (rooted) out[w++] = '/', dotdot = 1;
  while (r < n) {
    size_t len = strcspn(p + r, "/");
    if (len == 0 || (len == 1 && p[r] == '.')) {
      r += len ? len : 1;
    } else if (len == 2 && p[r] == '.' && p[r + 1] == '.') {
      r += 2;
      if (w > dotdot) {  // back over the last element
        for (w--; w > dotdot && out[w] != '/'; w--) {}
      } else if (!rooted) {  // a leading ".." of a relative path stays
        if (w > 0) out[w++] = '/';
        out[w++] = '.', out[w++] = '.';
        dotdot = w;
      }
    } else {
      if ((rooted && w != 1) || (!rooted && w != 0)) out[w++] = '/';
      memcpy(out + w, p + r, len);
      w += len, r += len;
    }
  }
  if (!w) out[w++] = '.';
  out[w] = 0;
  memcpy(p, out, w + 1);
}

int rp_shim_address(const char *grpc, const char *ns, const char *group, const char *dir,
                    char *out, size_t cap, struct rp_err *e)
{
  char joined[RP_PATH_MAX], hex[65];
  if (!strncmp(grpc, "unix://", 7)) grpc += 7;
  if (rp_fmt(joined, sizeof(joined), "%s/%s/%s", grpc, ns, group))
    return rp_errf(e, ENAMETOOLONG, "containerd address too long");
  clean(joined);
  rp_sha256_hex(joined, strlen(joined), hex);
  if (rp_fmt(out, cap, "unix://%s/%s", dir, hex) || strlen(out) - 7 >= sizeof(((struct sockaddr_un *)0)->sun_path))
    return rp_errf(e, ENAMETOOLONG, "socket directory %s is too long for a unix socket", dir);
  return 0;
}

static int bind_at(const char *path, struct sockaddr_un *a)
{
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  if (bind(fd, (struct sockaddr *)a, sizeof(*a)) == 0) return fd;
  int err = errno;
  close(fd);
  (void)path;
  return -err;
}

static int answers(struct sockaddr_un *a)
{
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int ok = fd >= 0 && connect(fd, (struct sockaddr *)a, sizeof(*a)) == 0;
  if (fd >= 0) close(fd);
  return ok;
}

int rp_shim_listen(const char *address, int *existing, struct rp_err *e)
{
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  const char *path = address + (strncmp(address, "unix://", 7) ? 0 : 7);
  char dir[RP_PATH_MAX];
  *existing = 0;
  if (rp_strlcpy(a.sun_path, path, sizeof(a.sun_path))) return rp_errf(e, ENAMETOOLONG, "socket path too long");
  rp_fmt(dir, sizeof(dir), "%.*s", (int)(rp_path_base(path) - path - 1), path);
  int r = rp_fs_mkdir_p(dir, 0700, e);
  if (r) return r;
  int fd = bind_at(path, &a);
  if (fd == -EADDRINUSE) {
    if (answers(&a)) {  // a live shim already serves this group
      *existing = 1;
      return -EEXIST;
    }
    unlink(path);
    fd = bind_at(path, &a);
  }
  if (fd < 0) return rp_errf(e, -fd, "cannot bind %s: %s", path, strerror(-fd));
  if (chmod(path, 0600) || listen(fd, 64)) {
    int err = errno;
    close(fd);
    unlink(path);
    return rp_errf(e, err, "cannot listen on %s: %s", path, strerror(err));
  }
  return fd;
}

void rp_shim_group(const char *bundle, const char *id, char *out, size_t cap)
{
  // A temporary mapping, not a static: the server forked from `start`, and
  // every proxy forked from it, would keep the pages of a static.
  struct rp_spec *spec = mmap(NULL, sizeof(*spec), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  const char *g = NULL;
  rp_strlcpy(out, id, cap);
  if (spec == MAP_FAILED) return;
  if (!rp_spec_load(bundle, spec, NULL)) g = rp_spec_annotation(spec, "io.kubernetes.cri.sandbox-id");
  if (g && *g && !rp_state_valid_id(g, NULL)) rp_strlcpy(out, g, cap);
  munmap(spec, sizeof(*spec));
}

// Any only ever has fields 1 and 2; BootstrapParams always more.
static int has_high_field(const unsigned char *in, size_t len)
{
  struct rp_pb_reader r;
  struct rp_pb_field_val f;
  rp_pb_reader_init(&r, in, len);
  while (rp_pb_read_field(&r, &f) == 1)
    if (f.num >= 3) return 1;
  return 0;
}

static const char *keep(struct rp_pb_str s, char **buf, size_t *left)
{
  if (rp_pb_str_copy(*buf, *left, s)) return NULL;
  const char *kept = *buf;
  *left -= strlen(kept) + 1;
  *buf += strlen(kept) + 1;
  return kept;
}

static int differs(const char *flag, const char *got) { return flag && *flag && strcmp(flag, got); }

int rp_shim_bootstrap(const unsigned char *in, size_t len, struct rp_shim_opts *o, char *strings,
                      size_t cap)
{
  struct rp_pb_bootstrap_params b;
  if (!len || !has_high_field(in, len) || rp_pb_decode(&rp_pb_bootstrap_params_msg, in, len, &b, NULL))
    return 0;
  if (!b.instance_id.len || !b.namespace.len || (!b.containerd_grpc_address.len && !b.containerd_ttrpc_address.len))
    return 0;
  const char *id = keep(b.instance_id, &strings, &cap), *ns = keep(b.namespace, &strings, &cap);
  const char *grpc = keep(b.containerd_grpc_address, &strings, &cap);
  const char *ttrpc = keep(b.containerd_ttrpc_address, &strings, &cap);
  const char *bin = keep(b.containerd_binary, &strings, &cap), *dir = keep(b.socket_dir, &strings, &cap);
  if (!id || !ns || !grpc || !ttrpc || !bin || !dir) return 0;
  if (differs(o->id, id) || differs(o->ns, ns) || differs(o->grpc, grpc)) return 0;
  o->id = id, o->ns = ns;
  if (*grpc) o->grpc = grpc;
  if (*ttrpc) o->ttrpc = ttrpc;
  if (*bin && !o->publish_bin) o->publish_bin = bin;
  if (*dir) o->socket_dir = dir;
  if (b.log_level <= RP_PB_LOG_DEBUG) o->debug = 1;
  return 1;
}

int rp_shim_bootstrap_result(const char *address, unsigned char *out, size_t cap)
{
  struct rp_pb_bootstrap_result r = {.version = 2, .address = rp_pb_cstr(address), .protocol = RP_PB_S("ttrpc")};
  return rp_pb_encode(&rp_pb_bootstrap_result_msg, &r, out, cap);
}

int rp_shim_info(const unsigned char *in, size_t inlen, unsigned char *out, size_t cap)
{
  struct rp_pb_runtime_info info = {0};
  info.name = RP_PB_S(RP_SHIM_NAME);
  info.version.version = RP_PB_S(RP_VERSION);
  info.version.revision = RP_PB_S(RP_REVISION);
  if (inlen && rp_pb_decode(&rp_pb_any_msg, in, inlen, &info.options, NULL)) memset(&info.options, 0, sizeof(info.options));
  info.features.type_url = RP_PB_S("types.containerd.io/opencontainers/runtime-spec/1/features/Features");
  info.features.value = rp_pb_cstr(rp_features_json);
  return rp_pb_encode(&rp_pb_runtime_info_msg, &info, out, cap);
}

// Remove the group's socket unless a live shim still serves it. Its
// directory: containerd 2.3's choice, which start left in <bundle>/s.
static void drop_socket(const struct rp_shim_opts *o)
{
  char group[256], addr[256], dir[RP_PATH_MAX], link[RP_PATH_MAX];
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  const char *d = o->socket_dir;
  if (!d && !rp_path_join(link, sizeof(link), o->bundle, "s")) {
    ssize_t n = readlink(link, dir, sizeof(dir) - 1);
    if (n > 0) dir[n] = 0, d = dir;
  }
  rp_shim_group(o->bundle, o->id, group, sizeof(group));
  if (rp_shim_address(o->grpc, o->ns, group, d ? d : RP_SHIM_SOCKET_DIR, addr, sizeof(addr), NULL))
    return;
  rp_strlcpy(a.sun_path, addr + 7, sizeof(a.sun_path));
  if (!answers(&a)) unlink(a.sun_path);
}

// The store is shared by every containerd namespace and the CLI, so an id
// alone may name someone else's container: it is ours only when it was
// created from this bundle.
static int ours(const struct rp_state *st, const char *bundle)
{
  char real[RP_PATH_MAX];
  return bundle && !rp_path_real(bundle, real, sizeof(real)) && !strcmp(real, st->bundle);
}

int rp_shim_cleanup(const struct rp_shim_opts *o, unsigned char *out, size_t cap, struct rp_err *e)
{
  static struct rp_state st;
  struct rp_rt rt = {.work = o->work};
  struct rp_pb_delete_response resp = {0};
  char reason[128];
  int code = 128 + SIGKILL, r = 0;
  struct timespec now;
  if (rp_state_default_root(rt.root, sizeof(rt.root), e)) return -e->code;
  if (rp_state_read(rt.root, o->id, &st, NULL) == 0 && ours(&st, o->bundle)) {
    resp.pid = (uint32_t)st.pid;
    rp_state_exit(&st, &code, reason, sizeof(reason));
    r = rp_rt_destroy(&rt, &st, e);
    // Only what a shim of ours mounted for this container, in the bundle it
    // was created from, whatever the destroy did: containerd removes the
    // bundle next. (A shim killed between its mounts and the state leaves
    // them to containerd, which unmounts a bundle's rootfs as it removes it.)
    rp_mount_clear(st.bundle, st.mounts);
  }
  if (o->grpc && o->ns && o->bundle) drop_socket(o);
  if (r) return r;
  rp_clock(CLOCK_REALTIME, &now);
  resp.exit_status = (uint32_t)code;
  resp.exited_at = (struct rp_pb_timestamp){now.tv_sec, (int32_t)now.tv_nsec};
  return rp_pb_encode(&rp_pb_delete_response_msg, &resp, out, cap);
}
