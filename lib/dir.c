// dir.c - allocation-free directory listing (see dir.h)

#include "dir.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct dirent64_raw {  // the kernel's linux_dirent64 layout
  uint64_t ino;
  int64_t off;
  unsigned short reclen;
  unsigned char type;
  char name[];
};

int rp_dir_open(struct rp_dir *d, int dirfd, const char *path)
{
  d->pos = d->len = 0;
  d->fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  return d->fd < 0 ? -errno : 0;
}

const char *rp_dir_next(struct rp_dir *d)
{
  for (;;) {
    if (d->pos >= d->len) {
      long n = syscall(SYS_getdents64, d->fd, d->buf, sizeof(d->buf));
      if (n <= 0) return NULL;
      d->len = (int)n;
      d->pos = 0;
    }
    // struct rp_dir's buf is only 4-byte aligned (it follows three ints), so
    // the record is not cast to the 8-byte-aligned struct: fields are copied.
    const char *rec = d->buf + d->pos, *name = rec + offsetof(struct dirent64_raw, name);
    unsigned short reclen;
    memcpy(&reclen, rec + offsetof(struct dirent64_raw, reclen), sizeof(reclen));
    d->pos += reclen;
    if (strcmp(name, ".") && strcmp(name, "..")) return name;
  }
}

void rp_dir_close(struct rp_dir *d)
{
  if (d->fd >= 0) close(d->fd);
  d->fd = -1;
}
