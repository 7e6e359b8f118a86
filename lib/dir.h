// dir.h - directory listing on a caller-owned buffer (getdents64)
//
// opendir() would pull in the C library's allocator for a DIR; this keeps
// every listing in the product allocation-free.

#ifndef RP_DIR_H
#define RP_DIR_H

struct rp_dir {
  int fd;
  int pos, len;
  char buf[2048];
};

// Open path (relative to dirfd, e.g. AT_FDCWD). Returns 0 or -errno.
int rp_dir_open(struct rp_dir *d, int dirfd, const char *path);

// Next entry name (never "." or ".."), or NULL at the end or on error.
const char *rp_dir_next(struct rp_dir *d);

void rp_dir_close(struct rp_dir *d);

#endif
