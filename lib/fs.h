// fs.h - file helpers: bounded read, atomic write, mkdir -p, atomic copy,
// bounded tree removal. Messages name the file and the reason.

#ifndef RP_FS_H
#define RP_FS_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

// Read the whole file into buf (NUL-terminated). A file of cap bytes or more
// fails with -EFBIG. Returns the length read.
int rp_fs_read(const char *path, char *buf, size_t cap, struct rp_err *e);
int rp_fs_read_fd(int fd, const char *what, char *buf, size_t cap, struct rp_err *e);

// Write data to path through "<dir>/.<name>.XXXXXX" + rename, so a reader
// sees the old or the new content, never a mix, even when the writer dies.
// No fsync: for files that do not outlive a boot (/run) or are temporary.
int rp_fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
                       struct rp_err *e);

// The same, and the file and its directory entry reach the disk (fsync)
// before it returns: for a file the user keeps, which must survive a power
// loss too.
int rp_fs_write_durable(const char *path, const void *data, size_t len, mode_t mode,
                        struct rp_err *e);

// Create path and its missing parents with mode.
int rp_fs_mkdir_p(const char *path, mode_t mode, struct rp_err *e);

// Copy at most max bytes of srcfd (from offset 0) to dst atomically (no
// fsync, as rp_fs_write_atomic: a staged copy is temporary).
int rp_fs_copy_atomic(int srcfd, const char *dst, mode_t mode, long long max, struct rp_err *e);

// Remove path and everything below it without following symlinks. A missing
// path is success. Depth is bounded (-ELOOP beyond 16 levels).
int rp_fs_rmtree(const char *path, struct rp_err *e);

// write() until done or error; returns 0 or -errno.
int rp_fs_write_all(int fd, const void *buf, size_t n);

#endif
