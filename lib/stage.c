// stage.c - firmware staging (see stage.h)

#include "stage.h"
#include "dir.h"
#include "fs.h"
#include "log.h"
#include "path.h"
#include "rproc.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int owner_dir(const char *owner, char *dir, size_t cap, struct rp_err *e)
{
  char fw[RP_PATH_MAX];
  int r = rp_rproc_fwdir(fw, sizeof(fw), NULL, 0, e);
  if (r) return r;
  if (!rp_path_safe_rel(owner))
    return rp_errf(e, EINVAL, "invalid firmware staging directory %s", owner);
  if (rp_path_join(dir, cap, fw, owner)) return rp_errf(e, ENAMETOOLONG, "firmware path too long");
  return 0;
}

// name with control characters shown as '?', cut to cap.
static const char *shown(const char *name, char *buf, size_t cap)
{
  size_t i = 0;
  for (; name[i] && i + 1 < cap; i++) buf[i] = (unsigned char)name[i] < 0x20 || name[i] == 0x7f ? '?' : name[i];
  buf[i] = 0;
  return buf;
}

int rp_stage_printable(const char *name, struct rp_err *e)
{
  char show[80];
  for (const char *c = name; *c; c++)
    if ((unsigned char)*c < 0x20 || *c == 0x7f)
      return rp_errf(e, EINVAL, "firmware name %s holds a control character", shown(name, show, sizeof(show)));
  return 0;
}

int rp_stage_name(const char *owner, const char *file, char *relname, size_t cap, struct rp_err *e)
{
  char dir[RP_PATH_MAX], dst[RP_PATH_MAX], show[80];
  if (!*file || strchr(file, '/') || !strcmp(file, ".") || !strcmp(file, ".."))
    return rp_errf(e, EINVAL, "invalid firmware file name %s", shown(file, show, sizeof(show)));
  int r = rp_stage_printable(file, e);
  if (!r) r = owner_dir(owner, dir, sizeof(dir), e);
  if (r) return r;
  if (rp_path_join(dst, sizeof(dst), dir, file) || rp_fmt(relname, cap, "%s/%s", owner, file))
    return rp_errf(e, ENAMETOOLONG, "the staged firmware name %s/%s would be longer than %zu bytes: "
                   "use a shorter container id or firmware file name", owner, shown(file, show, sizeof(show)), cap - 1);
  return 0;
}

int rp_stage_fits(int fd, const char *name, struct rp_err *e)
{
  struct stat st;
  if (fstat(fd, &st) || !S_ISREG(st.st_mode)) return rp_errf(e, EINVAL, "%s is not a regular file", name);
  if (st.st_size > RP_FW_MAX_BYTES)
    return rp_errf(e, EFBIG, "firmware %s is larger than %lld MiB", name, RP_FW_MAX_BYTES >> 20);
  return st.st_size ? 0 : rp_errf(e, EINVAL, "firmware %s is empty", name);
}

int rp_stage_format(int fd, const char *name, int strict, struct rp_elf *elf, struct rp_err *e)
{
  struct rp_err why = {0};
  if (!rp_elf_inspect(fd, name, elf, &why)) return 0;
  if (strict && e) *e = why;
  if (strict) return -why.code;
  rp_log(RP_LOG_WARN, "firmware %s; passed to the kernel as it is", why.msg);
  return 1;
}

int rp_stage_copy(int srcfd, const char *owner, const char *file, char *relname, size_t cap,
                  struct rp_err *e)
{
  char dir[RP_PATH_MAX], dst[RP_PATH_MAX];
  int r = rp_stage_name(owner, file, relname, cap, e);
  if (!r) r = rp_stage_fits(srcfd, file, e);
  if (r) return r;
  r = owner_dir(owner, dir, sizeof(dir), e);
  if (!r) r = rp_fs_rmtree(dir, e);  // an owner holds one image: drop what it staged before
  if (!r) r = rp_fs_mkdir_p(dir, 0755, e);
  if (r) return rp_errwrap(e, "cannot stage firmware");
  rp_path_join(dst, sizeof(dst), dir, file);  // fits: rp_stage_name
  // Never more readable than the source (a 0600 image file stays 0600),
  // and never executable or setuid: the kernel's loader needs no bits.
  struct stat st;
  r = fstat(srcfd, &st) ? rp_errf(e, errno, "cannot inspect firmware %s: %s", file, strerror(errno))
                        : rp_fs_copy_atomic(srcfd, dst, st.st_mode & 0644, RP_FW_MAX_BYTES, e);
  if (r) {
    rp_stage_remove(owner, NULL);
    return rp_errwrap(e, "cannot stage firmware %s", file);
  }
  return 0;
}

int rp_stage_remove(const char *owner, struct rp_err *e)
{
  char dir[RP_PATH_MAX];
  int r = owner_dir(owner, dir, sizeof(dir), e);
  return r ? r : rp_fs_rmtree(dir, e);
}

void rp_stage_sweep(const char *area, int (*in_use)(const char *name))
{
  char fw[RP_PATH_MAX], dir[RP_PATH_MAX], old[RP_PATH_MAX];
  struct rp_dir d;
  if (rp_rproc_fwdir(fw, sizeof(fw), NULL, 0, NULL) || rp_path_join(dir, sizeof(dir), fw, area) ||
      rp_dir_open(&d, AT_FDCWD, dir))
    return;
  struct stat st;
  // Only what this user staged: another user's claims are not ours to read.
  for (const char *n; (n = rp_dir_next(&d));)
    if (!fstatat(d.fd, n, &st, AT_SYMLINK_NOFOLLOW) && st.st_uid == geteuid() && !in_use(n) &&
        !rp_path_join(old, sizeof(old), dir, n))
      rp_fs_rmtree(old, NULL);
  rp_dir_close(&d);
}
