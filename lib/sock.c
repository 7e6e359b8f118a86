// sock.c - short-named unix sockets (see sock.h)

#include "sock.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int addr(struct sockaddr_un *a, int dirfd, const char *name)
{
  memset(a, 0, sizeof(*a));
  a->sun_family = AF_UNIX;
  return rp_fmt(a->sun_path, sizeof(a->sun_path), "/proc/self/fd/%d/%s", dirfd, name);
}

int rp_sock_listen(int dirfd, const char *name, struct rp_err *e)
{
  struct sockaddr_un a;
  if (addr(&a, dirfd, name)) return rp_errf(e, ENAMETOOLONG, "socket name too long");
  int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0) return rp_errf(e, errno, "cannot create socket: %s", strerror(errno));
  unlinkat(dirfd, name, 0);
  if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 4)) {
    int err = errno;
    close(fd);
    return rp_errf(e, err, "cannot listen on %s: %s", name, strerror(err));
  }
  return fd;
}

int rp_sock_connect(int dirfd, const char *name, struct rp_err *e)
{
  struct sockaddr_un a;
  if (addr(&a, dirfd, name)) return rp_errf(e, ENAMETOOLONG, "socket name too long");
  int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0) return rp_errf(e, errno, "cannot create socket: %s", strerror(errno));
  if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
    int err = errno;
    close(fd);
    return rp_errf(e, err, "cannot connect to %s: %s", name, strerror(err));
  }
  return fd;
}

int rp_sock_send_fd(int sock, const void *data, size_t len, int fd)
{
  char ctl[CMSG_SPACE(sizeof(int))];
  struct iovec iov = {(void *)data, len};
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl)};
  memset(ctl, 0, sizeof(ctl));
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof(int));
  ssize_t r;
  do r = sendmsg(sock, &m, MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  return r < 0 ? -errno : 0;
}
