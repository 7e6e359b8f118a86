// path.c - the RPROC_ROOT prefix and bounded path building

#include "path.h"
#include "err.h"
#include "fmt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int root_too_long;  // then every path fails: never fall back to the real "/"

const char *rp_path_root(void)
{
  static char root[RP_PATH_MAX / 2];
  static int done;
  if (!done) {
    const char *r = getenv("RPROC_ROOT");
    if (!r || !*r) r = "/";
    size_t n = strlen(r);
    while (n > 0 && r[n - 1] == '/') n--;
    if (n >= sizeof(root)) {
      n = 0;
      root_too_long = 1;
    }
    memcpy(root, r, n);
    root[n] = 0;
    done = 1;
  }
  return root;
}

int rp_path_run(char *buf, size_t cap, const char *name)
{
  const char *xdg;
  // (Without the runtime, a build runs only as root: rproc at boot.)
  if (CFG_RUNTIME && geteuid() && (xdg = getenv("XDG_RUNTIME_DIR")) && xdg[0] == '/')
    return rp_fmt(buf, cap, "%s/%s", xdg, name) ? -ENAMETOOLONG : 0;
  return rp_path(buf, cap, "run/%s", name);
}

int rp_path(char *buf, size_t cap, const char *fmt, ...)
{
  const char *root = rp_path_root();
  size_t n = strlen(root);
  if (root_too_long || n + 2 > cap) return -ENAMETOOLONG;
  memcpy(buf, root, n);
  buf[n++] = '/';
  va_list ap;
  va_start(ap, fmt);
  int m = rp_vsnprintf(buf + n, cap - n, fmt, ap);
  va_end(ap);
  if (m < 0 || (size_t)m >= cap - n) return -ENAMETOOLONG;
  return 0;
}

int rp_path_join(char *buf, size_t cap, const char *dir, const char *name)
{
  size_t d = strlen(dir), m = strlen(name);
  int slash = d && dir[d - 1] != '/';
  if (d + slash + m + 1 > cap) return -ENAMETOOLONG;
  memmove(buf, dir, d);
  if (slash) buf[d++] = '/';
  memcpy(buf + d, name, m + 1);
  return 0;
}

const char *rp_path_base(const char *path)
{
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

int rp_path_safe_rel(const char *name)
{
  if (!*name || *name == '/') return 0;
  for (const char *c = name; *c;) {
    size_t n = strcspn(c, "/");
    if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.')) return 0;
    c += n;
    if (*c == '/' && !*++c) return 0;
  }
  return 1;
}

// Append the components of rest to out (which holds an existing, resolved
// directory): empty and "." components go, ".." takes one back.
static int append_rest(char *out, size_t cap, const char *rest)
{
  size_t len = strlen(out);
  while (*rest) {
    size_t m = strcspn(rest, "/");
    if (m == 2 && !strncmp(rest, "..", 2)) {
      char *s = strrchr(out, '/');
      len = s && s != out ? (size_t)(s - out) : 1;
      out[len] = 0;
    } else if (m && !(m == 1 && *rest == '.')) {
      int slash = out[len - 1] != '/';
      if (len + (size_t)slash + m + 1 > cap) return -ENAMETOOLONG;
      if (slash) out[len++] = '/';
      memcpy(out + len, rest, m);
      out[len += m] = 0;
    }
    rest += m + (rest[m] == '/');
  }
  return 0;
}

int rp_path_real(const char *path, char *out, size_t cap)
{
  char self[32];
  int fd = open(path, O_PATH | O_CLOEXEC), e;
  if (fd < 0) return -1;
  rp_fmt(self, sizeof(self), "/proc/self/fd/%d", fd);
  ssize_t n = readlink(self, out, cap);
  e = n < 0 ? errno : (size_t)n >= cap ? ENAMETOOLONG : 0;
  if (!e) out[n] = 0;
  close(fd);
  errno = e;
  return e ? -1 : 0;
}

int rp_path_canon(const char *in, char *out, size_t cap)
{
  char head[RP_PATH_MAX], real[RP_PATH_MAX];
  size_t n = strlen(in);
  if (in[0] != '/' || n >= sizeof(head)) return -EINVAL;
  memcpy(head, in, n + 1);
  while (rp_path_real(head, real, sizeof(real))) {  // the longest part that exists is resolved
    char *s = strrchr(head, '/');
    if (errno != ENOENT && errno != ENOTDIR) return -errno;
    if (!s || s == head) {
      head[1] = 0;
      rp_strlcpy(real, "/", sizeof(real));
      break;
    }
    *s = 0;
  }
  if (rp_strlcpy(out, real, cap)) return -ENAMETOOLONG;
  return append_rest(out, cap, in + strlen(head));
}
