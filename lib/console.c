// console.c - pty hand-over to a console socket (see console.h)

#include "console.h"
#include "path.h"
#include "sock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

static int connect_path(const char *path, struct rp_err *e)
{
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  char dir[RP_PATH_MAX];
  const char *base = rp_path_base(path);
  int dfd = -1;
  if (strlen(path) < sizeof(a.sun_path)) {
    memcpy(a.sun_path, path, strlen(path) + 1);
  } else {  // too long for sun_path: go through the directory's descriptor
    rp_fmt(dir, sizeof(dir), "%.*s", (int)(base - path), path);
    dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || rp_fmt(a.sun_path, sizeof(a.sun_path), "/proc/self/fd/%d/%s", dfd, base)) {
      if (dfd >= 0) close(dfd);
      return rp_errf(e, ENAMETOOLONG, "console socket path too long: %s", path);
    }
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int r = fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) ? -errno : 0;
  if (dfd >= 0) close(dfd);
  if (r) {
    if (fd >= 0) close(fd);
    return rp_errf(e, -r, "cannot connect to console socket %s: %s", path, strerror(-r));
  }
  return fd;
}

// The Linux pty ioctls directly: the C library's ptsname_r would link its
// whole printf machinery (see fmt.h).
static int pty_name(int master, char *name, size_t cap)
{
  int unlock = 0;
  unsigned n;
  if (ioctl(master, TIOCSPTLCK, &unlock) || ioctl(master, TIOCGPTN, &n)) return -1;
  return rp_fmt(name, cap, "/dev/pts/%u", n);
}

void rp_console_raw(int fd)
{
  struct termios t;
  if (tcgetattr(fd, &t)) return;
  cfmakeraw(&t);
  tcsetattr(fd, TCSANOW, &t);
}

int rp_console_setup(const char *socket_path, int raw, struct rp_err *e)
{
  char name[64];
  int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC), slave = -1;
  if (master < 0) return rp_errf(e, errno, "cannot create a pseudo-terminal: %s", strerror(errno));
  if (pty_name(master, name, sizeof(name)) || (slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
    int err = errno;
    close(master);
    return rp_errf(e, err, "cannot set up a pseudo-terminal: %s", strerror(err));
  }
  if (raw) rp_console_raw(slave);
  int sock = connect_path(socket_path, e);
  int r = sock < 0 ? sock : rp_sock_send_fd(sock, name, strlen(name), master);
  if (sock >= 0) close(sock);
  close(master);
  if (r) {
    close(slave);
    return r == sock ? r : rp_errf(e, -r, "cannot send the terminal to %s: %s", socket_path, strerror(-r));
  }
  return slave;
}
