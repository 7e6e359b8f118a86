// elf.c - bounded ELF header, segment and section inspection (see elf.h)

#include "elf.h"
#include "fmt.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct img {
  int fd;
  const char *what;
  struct rp_elf *o;
  struct rp_err *e;
};

static unsigned long long get(const struct img *im, const unsigned char *p, int n)
{
  unsigned long long v = 0;
  for (int i = 0; i < n; i++) v |= (unsigned long long)p[im->o->big_endian ? n - 1 - i : i] << (8 * i);
  return v;
}

// Word-size field: 4 bytes in ELF32, 8 in ELF64.
static unsigned long long get_word(const struct img *im, const unsigned char *p)
{
  return get(im, p, im->o->cls == 64 ? 8 : 4);
}

static int rd(const struct img *im, void *buf, size_t n, unsigned long long off)
{
  if (off > (unsigned long long)im->o->size || n > (unsigned long long)im->o->size - off)
    return rp_errf(im->e, EINVAL, "%s is truncated (ends at byte %lld)", im->what, im->o->size);
  ssize_t r = pread(im->fd, buf, n, (off_t)off);
  if (r != (ssize_t)n)
    return rp_errf(im->e, r < 0 ? errno : EIO, "cannot read %s: %s", im->what,
                   r < 0 ? strerror(errno) : "short read");
  return 0;
}

static int header(struct img *im, unsigned char *h, unsigned long long *ph, unsigned long long *sh)
{
  struct rp_elf *o = im->o;
  // A file with the ELF magic but cut inside the header is reported as
  // truncated, not as "not an ELF file".
  if (o->size < 4 || rd(im, h, o->size < 64 ? (size_t)o->size : 64, 0) || memcmp(h, "\177ELF", 4))
    return rp_errf(im->e, EINVAL, "%s is not an ELF file", im->what);
  if (o->size < 52) return rp_errf(im->e, EINVAL, "%s is truncated", im->what);
  if (h[4] != 1 && h[4] != 2) return rp_errf(im->e, EINVAL, "%s has an unknown ELF class %u", im->what, h[4]);
  if (h[5] != 1 && h[5] != 2) return rp_errf(im->e, EINVAL, "%s has an unknown ELF byte order", im->what);
  o->cls = h[4] == 2 ? 64 : 32;
  o->big_endian = h[5] == 2;
  if (o->cls == 64 && o->size < 64) return rp_errf(im->e, EINVAL, "%s is truncated", im->what);
  o->type = (unsigned)get(im, h + 16, 2);
  o->machine = (unsigned)get(im, h + 18, 2);
  o->entry = get_word(im, h + 24);
  int w = o->cls == 64 ? 8 : 4;
  *ph = get_word(im, h + 24 + w);
  *sh = get_word(im, h + 24 + 2 * w);
  return 0;
}

static int segments(struct img *im, const unsigned char *h, unsigned long long phoff)
{
  struct rp_elf *o = im->o;
  int c64 = o->cls == 64, base = c64 ? 54 : 42;
  unsigned phentsize = (unsigned)get(im, h + base, 2), phnum = (unsigned)get(im, h + base + 2, 2);
  if (phnum == 0) return rp_errf(im->e, EINVAL, "%s has no program headers", im->what);
  if (phentsize != (c64 ? 56u : 32u))
    return rp_errf(im->e, EINVAL, "%s has malformed program headers", im->what);
  for (unsigned i = 0; i < phnum; i++) {
    unsigned char p[56];
    if (rd(im, p, phentsize, phoff + (unsigned long long)i * phentsize)) return -EINVAL;
    if (get(im, p, 4) != 1) continue;  // PT_LOAD only
    struct rp_elf_seg s = {
        .offset = get_word(im, p + (c64 ? 8 : 4)), .vaddr = get_word(im, p + (c64 ? 16 : 8)),
        .paddr = get_word(im, p + (c64 ? 24 : 12)), .filesz = get_word(im, p + (c64 ? 32 : 16)),
        .memsz = get_word(im, p + (c64 ? 40 : 20)), .flags = (unsigned)get(im, p + (c64 ? 4 : 24), 4)};
    if (s.filesz > s.memsz)
      return rp_errf(im->e, EINVAL, "%s: segment %u has a file size larger than its memory size", im->what, i);
    if (s.offset > (unsigned long long)o->size || s.filesz > (unsigned long long)o->size - s.offset)
      return rp_errf(im->e, EINVAL, "%s is truncated (segment %u ends beyond the file)", im->what, i);
    if (o->nload < RP_ELF_MAXSEG) o->seg[o->nload] = s;
    o->nload++;
  }
  if (!o->nload) return rp_errf(im->e, EINVAL, "%s has no loadable segments", im->what);
  return 0;
}

// The kernels' loaders want the section header table inside the file: 6.1
// and 7.2 check its first entry, 6.12.117 every entry and the e_shstrndx
// one (they read .resource_table's name through it). Checking them all
// refuses what any of them refuses, in 6.12.117's words ("Section headers
// are out of bounds" in its log). Entry sizes are the class's, as there.
static int section_table(struct img *im, const unsigned char *h, unsigned long long shoff)
{
  int c64 = im->o->cls == 64, base = c64 ? 58 : 46;
  unsigned long long ent = c64 ? 64 : 40, size = (unsigned long long)im->o->size;
  unsigned long long num = get(im, h + base + 2, 2), strndx = get(im, h + base + 4, 2);
  unsigned long long n = num > strndx ? num : strndx + 1;
  if (n == 0) n = 1;
  if (shoff > size || n * ent > size - shoff)
    return rp_errf(im->e, EINVAL, "%s has section headers out of bounds (they end beyond the file)", im->what);
  return 0;
}

// Section header i: name offset, address, file offset, size.
static int shdr(struct img *im, unsigned long long shoff, unsigned entsize, unsigned i,
                unsigned long long f[4])
{
  unsigned char s[64];
  int c64 = im->o->cls == 64;
  if (rd(im, s, entsize, shoff + (unsigned long long)i * entsize)) return -EINVAL;
  f[0] = get(im, s, 4);
  f[1] = get_word(im, s + (c64 ? 16 : 12));
  f[2] = get_word(im, s + (c64 ? 24 : 16));
  f[3] = get_word(im, s + (c64 ? 32 : 20));
  return 0;
}

// Look for .resource_table; a missing or odd section table is not an error.
static void sections(struct img *im, const unsigned char *h, unsigned long long shoff)
{
  int c64 = im->o->cls == 64, base = c64 ? 58 : 46;
  unsigned entsize = (unsigned)get(im, h + base, 2), num = (unsigned)get(im, h + base + 2, 2);
  unsigned strndx = (unsigned)get(im, h + base + 4, 2);
  unsigned long long str[4], f[4];
  if (!shoff || entsize != (c64 ? 64u : 40u) || strndx >= num || num > 4096) return;
  if (shdr(im, shoff, entsize, strndx, str)) return;
  for (unsigned i = 1; i < num; i++) {
    char name[17];
    if (shdr(im, shoff, entsize, i, f) || f[0] >= str[3]) continue;
    unsigned long long left = str[3] - f[0];
    size_t n = left < 16 ? (size_t)left : 16;
    if (rd(im, name, n, str[2] + f[0])) continue;
    name[n] = 0;
    if (strcmp(name, ".resource_table")) continue;
    im->o->has_rsc = 1;
    im->o->rsc_addr = f[1];
    im->o->rsc_size = f[3];
    return;
  }
}

int rp_elf_inspect(int fd, const char *what, struct rp_elf *out, struct rp_err *e)
{
  struct stat st;
  struct img im = {fd, what, out, e};
  unsigned char h[64];
  unsigned long long phoff = 0, shoff = 0;
  memset(out, 0, sizeof(*out));
  if (fstat(fd, &st)) return rp_errf(e, errno, "cannot stat %s: %s", what, strerror(errno));
  out->size = st.st_size;
  int r = header(&im, h, &phoff, &shoff);
  if (!r) r = segments(&im, h, phoff);
  if (!r) r = section_table(&im, h, shoff);
  if (r) return r;
  sections(&im, h, shoff);
  rp_errclear(e);
  return 0;
}

const char *rp_elf_machine_name(unsigned machine, char *buf, int cap)
{
  static const struct { unsigned id; const char *name; } m[] = {
      {3, "x86"},    {8, "MIPS"},      {40, "ARM"},    {62, "x86-64"},  {83, "AVR"},
      {94, "Xtensa"}, {105, "MSP430"}, {140, "TI C6000"}, {164, "Hexagon"}, {183, "AArch64"},
      {243, "RISC-V"},
  };
  for (size_t i = 0; i < sizeof(m) / sizeof(*m); i++)
    if (m[i].id == machine) return m[i].name;
  rp_snprintf(buf, (size_t)cap, "machine %u", machine);
  return buf;
}
