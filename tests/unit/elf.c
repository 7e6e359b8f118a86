// elf.c - unit tests of lib/elf.c: what rp_elf_inspect reads from firmware
//
// The fixtures are built byte by byte here (no toolchain): a little- or
// big-endian ELF32/ELF64 image with chosen program headers and a section
// table holding .text, optionally .resource_table, and .shstrtab. Errors are
// made by editing or cutting those bytes. Images live in a memfd.

#include "unit.h"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "elf.h"

#define DATA_OFF 0x100     // segment bytes
#define STR_OFF 0x200      // .shstrtab
#define SH_OFF 0x240       // section headers
#define PT_LOAD 1
#define PT_NOTE 4

struct seg { unsigned type, flags; unsigned long long off, vaddr, paddr, filesz, memsz; };

struct spec {
  int c64, be, rsc;
  unsigned machine;
  unsigned long long entry;
  int nseg;
  struct seg seg[10];
};

static unsigned char img[1024];
static struct rp_elf out;
static struct rp_err e;
static int c64, be;

static void put(size_t off, unsigned long long v, int n)
{
  for (int i = 0; i < n; i++) img[off + (size_t)(be ? n - 1 - i : i)] = (unsigned char)(v >> (8 * i));
}

static void put_word(size_t off, unsigned long long v) { put(off, v, c64 ? 8 : 4); }

static void put_shdr(int i, unsigned name, unsigned type, unsigned long long addr,
                     unsigned long long off, unsigned long long size)
{
  size_t s = SH_OFF + (size_t)i * (c64 ? 64 : 40);
  put(s, name, 4);
  put(s + 4, type, 4);
  put_word(s + (c64 ? 16 : 12), addr);
  put_word(s + (c64 ? 24 : 16), off);
  put_word(s + (c64 ? 32 : 20), size);
}

// Section names: .text at 1, .resource_table at 7, .shstrtab at 23.
static const char strtab[] = "\0.text\0.resource_table\0.shstrtab";

// Lay out sp into img; returns the image size.
static size_t build(const struct spec *sp)
{
  c64 = sp->c64, be = sp->be;
  memset(img, 0, sizeof(img));
  memcpy(img, "\177ELF", 4);
  img[4] = c64 ? 2 : 1, img[5] = be ? 2 : 1, img[6] = 1;
  int w = c64 ? 8 : 4, eh = c64 ? 64 : 52, ph = c64 ? 56 : 32;
  put(16, 2, 2);  // ET_EXEC
  put(18, sp->machine, 2);
  put(20, 1, 4);
  put_word(24, sp->entry);
  put_word(24 + w, (unsigned)eh);        // e_phoff: right after the header
  put_word(24 + 2 * w, SH_OFF);          // e_shoff
  put(eh - 12, (unsigned)eh, 2);         // e_ehsize
  put(eh - 10, (unsigned)ph, 2);         // e_phentsize
  put(eh - 8, (unsigned)sp->nseg, 2);    // e_phnum
  put(eh - 6, c64 ? 64 : 40, 2);         // e_shentsize
  put(eh - 4, 4, 2);                     // e_shnum
  put(eh - 2, 3, 2);                     // e_shstrndx
  for (int i = 0; i < sp->nseg; i++) {
    const struct seg *s = &sp->seg[i];
    size_t p = (size_t)eh + (size_t)i * (size_t)ph;
    put(p, s->type, 4);
    put(p + (c64 ? 4 : 24), s->flags, 4);
    put_word(p + (c64 ? 8 : 4), s->off);
    put_word(p + (c64 ? 16 : 8), s->vaddr);
    put_word(p + (c64 ? 24 : 12), s->paddr);
    put_word(p + (c64 ? 32 : 16), s->filesz);
    put_word(p + (c64 ? 40 : 20), s->memsz);
  }
  memcpy(img + STR_OFF, strtab, sizeof(strtab));
  put_shdr(1, 1, 1, 0x10000000, DATA_OFF, 0x20);
  put_shdr(2, sp->rsc ? 7 : 1, 1, 0x10000020, DATA_OFF + 0x20, 0x5c);
  put_shdr(3, 23, 3, 0, STR_OFF, sizeof(strtab));
  return SH_OFF + 4 * (c64 ? 64 : 40);
}

// Inspect the first n bytes of img as "fw".
static int inspect(size_t n)
{
  int fd = memfd_create("fw", MFD_CLOEXEC);
  if (fd < 0 || write(fd, img, n) != (ssize_t)n) return -999;
  rp_errclear(&e);
  int r = rp_elf_inspect(fd, "fw", &out, &e);
  close(fd);
  return r;
}

static const struct spec arm32 = {
    .c64 = 0, .be = 0, .rsc = 1, .machine = 40, .entry = 0x10000101, .nseg = 3,
    .seg = {{PT_LOAD, 5, DATA_OFF, 0x10000000, 0x10000000, 0x20, 0x40},
            {PT_NOTE, 4, DATA_OFF, 0, 0, 0x10, 0x10},
            {PT_LOAD, 6, DATA_OFF + 0x20, 0x20000000, 0x30000000, 0x10, 0x10}},
};

static int check_arm32_segments(void)
{
  check(out.nload == 2);
  const struct rp_elf_seg *s = &out.seg[0];
  check(s->offset == DATA_OFF && s->vaddr == 0x10000000 && s->paddr == 0x10000000);
  check(s->filesz == 0x20 && s->memsz == 0x40 && s->flags == 5);
  s = &out.seg[1];  // the PT_NOTE between them is skipped
  check(s->offset == DATA_OFF + 0x20 && s->vaddr == 0x20000000 && s->paddr == 0x30000000);
  check(s->filesz == 0x10 && s->memsz == 0x10 && s->flags == 6);
  check(out.seg[2].offset == 0 && out.seg[2].memsz == 0);
  return 0;
}

static int test_elf32_arm_with_rsc(void)
{
  size_t n = build(&arm32);
  check(inspect(n) == 0);
  check(e.code == 0 && e.msg[0] == 0);
  check(out.cls == 32 && out.big_endian == 0);
  check(out.type == 2 && out.machine == 40 && out.entry == 0x10000101);
  check(out.size == (long long)n);
  int r = check_arm32_segments();
  if (r) return r;
  check(out.has_rsc == 1 && out.rsc_addr == 0x10000020 && out.rsc_size == 0x5c);
  return 0;
}

static int test_elf32_arm_without_rsc(void)
{
  struct spec sp = arm32;
  sp.rsc = 0;
  check(inspect(build(&sp)) == 0);
  int r = check_arm32_segments();
  if (r) return r;
  check(out.has_rsc == 0 && out.rsc_addr == 0 && out.rsc_size == 0);
  return 0;
}

static int test_elf32_big_endian(void)
{
  struct spec sp = arm32;
  sp.be = 1;
  sp.machine = 8;
  check(inspect(build(&sp)) == 0);
  check(out.cls == 32 && out.big_endian == 1 && out.machine == 8 && out.entry == 0x10000101);
  int r = check_arm32_segments();
  if (r) return r;
  check(out.has_rsc == 1 && out.rsc_addr == 0x10000020 && out.rsc_size == 0x5c);
  return 0;
}

static const struct spec a64 = {
    .c64 = 1, .be = 0, .rsc = 1, .machine = 183, .entry = 0x4000000080ULL, .nseg = 1,
    .seg = {{PT_LOAD, 7, DATA_OFF, 0x4000000000ULL, 0x80000000ULL, 0x30, 0x1000}},
};

static int test_elf64(void)
{
  size_t n = build(&a64);
  check(inspect(n) == 0);
  check(out.cls == 64 && out.big_endian == 0 && out.type == 2 && out.machine == 183);
  check(out.entry == 0x4000000080ULL && out.size == (long long)n && out.nload == 1);
  const struct rp_elf_seg *s = &out.seg[0];
  check(s->offset == DATA_OFF && s->vaddr == 0x4000000000ULL && s->paddr == 0x80000000ULL);
  check(s->filesz == 0x30 && s->memsz == 0x1000 && s->flags == 7);
  check(out.has_rsc == 1 && out.rsc_addr == 0x10000020 && out.rsc_size == 0x5c);
  return 0;
}

// More PT_LOADs than RP_ELF_MAXSEG: all counted, the first eight kept.
static int test_many_segments(void)
{
  struct spec sp = arm32;
  sp.nseg = 10;
  for (int i = 0; i < 10; i++)
    sp.seg[i] = (struct seg){PT_LOAD, 4, DATA_OFF, 0x1000u * (unsigned)i, 0, 4, 4};
  check(inspect(build(&sp)) == 0);
  check(out.nload == 10);
  check(out.seg[7].vaddr == 0x7000);
  return 0;
}

static int fails(size_t n, const char *msg)
{
  int r = inspect(n);
  if (r != -EINVAL || strcmp(e.msg, msg)) printf("  r=%d msg \"%s\"\n", r, e.msg);
  return r == -EINVAL && e.code == EINVAL && !strcmp(e.msg, msg);
}

static int test_bad_header(void)
{
  size_t n = build(&arm32);
  img[1] = 'X';
  check(fails(n, "fw is not an ELF file"));
  check(fails(0, "fw is not an ELF file"));
  build(&arm32);
  check(fails(3, "fw is not an ELF file"));
  check(fails(4, "fw is truncated"));   // the magic, then nothing
  check(fails(51, "fw is truncated"));  // one byte short of an ELF32 header
  build(&a64);
  check(fails(60, "fw is truncated"));
  n = build(&arm32);
  img[4] = 5;
  check(fails(n, "fw has an unknown ELF class 5"));
  img[4] = 1, img[5] = 0;
  check(fails(n, "fw has an unknown ELF byte order"));
  return 0;
}

static int test_bad_program_headers(void)
{
  // The second of three 32-byte headers is cut: the file ends at 52 + 40.
  // Segment 0 maps the start of the file, so it is still complete.
  struct spec sp = arm32;
  sp.seg[0].off = 0;
  build(&sp);
  check(fails(52 + 40, "fw is truncated (ends at byte 92)"));
  size_t n = build(&arm32);
  put(44, 0, 2);  // e_phnum
  check(fails(n, "fw has no program headers"));
  n = build(&arm32);
  put(42, 56, 2);  // e_phentsize of ELF64 in an ELF32 file
  check(fails(n, "fw has malformed program headers"));
  n = build(&arm32);
  put_word(28, 0x10000);  // e_phoff beyond the file
  check(fails(n, "fw is truncated (ends at byte 736)"));
  return 0;
}

static int test_bad_segments(void)
{
  struct spec sp = arm32;
  sp.seg[0].type = sp.seg[2].type = PT_NOTE;
  size_t n = build(&sp);
  check(fails(n, "fw has no loadable segments"));
  sp = arm32;
  sp.seg[2].filesz = 0x1000, sp.seg[2].memsz = 0x1000;  // 0x120 + 0x1000 > 736
  check(fails(build(&sp), "fw is truncated (segment 2 ends beyond the file)"));
  sp = arm32;
  sp.seg[0].off = 0x10000;
  check(fails(build(&sp), "fw is truncated (segment 0 ends beyond the file)"));
  sp = arm32;
  sp.seg[0].off = 0xffffff00, sp.seg[0].filesz = 0x200, sp.seg[0].memsz = 0x200;  // would wrap
  check(fails(build(&sp), "fw is truncated (segment 0 ends beyond the file)"));
  sp = arm32;
  sp.seg[2].filesz = 0x11;  // memsz 0x10
  check(fails(build(&sp), "fw: segment 2 has a file size larger than its memory size"));
  sp = a64;
  sp.seg[0].filesz = 0xffffffffffffff00ULL, sp.seg[0].memsz = ~0ULL;
  check(fails(build(&sp), "fw is truncated (segment 0 ends beyond the file)"));
  return 0;
}

// A section table the kernels' loaders would read past the end of the file
// fails (6.12.117 checks every entry and the e_shstrndx one).
static int test_section_table_outside(void)
{
  const char *msg = "fw has section headers out of bounds (they end beyond the file)";
  size_t n = build(&arm32);
  put(48, 0xffff, 2);  // e_shnum absurd
  check(fails(n, msg));
  n = build(&arm32);
  put(50, 4, 2);  // e_shstrndx names the entry after the last
  check(fails(n, msg));
  n = build(&arm32);
  put_word(32, 0x7fffff00);  // section table beyond the end
  check(fails(n, msg));
  build(&arm32);
  check(fails(SH_OFF + 2 * 40, msg));  // cut inside the table
  build(&a64);
  check(fails(SH_OFF + 4 * 64 - 1, msg));
  return 0;
}

// An odd section table inside the file never fails the image: the kernel's
// loader only needs segments. It just means no resource table, and a clean e.
static int test_odd_sections(void)
{
  size_t n = build(&arm32);
  put(46, 64, 2);  // e_shentsize wrong
  check(inspect(n) == 0 && out.has_rsc == 0);
  n = build(&arm32);
  put_word(32, 0);  // no section table
  check(inspect(n) == 0 && out.has_rsc == 0 && e.code == 0 && e.msg[0] == 0);
  n = build(&arm32);
  put_shdr(2, 0x1000, 1, 0x10000020, DATA_OFF + 0x20, 0x5c);  // name beyond .shstrtab
  check(inspect(n) == 0 && out.has_rsc == 0);
  n = build(&arm32);
  memcpy(img + STR_OFF + 7, ".resource_tablX", 15);
  check(inspect(n) == 0 && out.has_rsc == 0);
  return 0;
}

static int test_machine_names(void)
{
  char buf[32];
  check_str(rp_elf_machine_name(40, buf, sizeof(buf)), "ARM");
  check_str(rp_elf_machine_name(183, buf, sizeof(buf)), "AArch64");
  check_str(rp_elf_machine_name(243, buf, sizeof(buf)), "RISC-V");
  check_str(rp_elf_machine_name(164, buf, sizeof(buf)), "Hexagon");
  check_str(rp_elf_machine_name(9999, buf, sizeof(buf)), "machine 9999");
  check_str(buf, "machine 9999");
  check_str(rp_elf_machine_name(0, buf, 6), "machi");
  return 0;
}

int main(void)
{
  RUN(test_elf32_arm_with_rsc);
  RUN(test_elf32_arm_without_rsc);
  RUN(test_elf32_big_endian);
  RUN(test_elf64);
  RUN(test_many_segments);
  RUN(test_bad_header);
  RUN(test_bad_program_headers);
  RUN(test_bad_segments);
  RUN(test_section_table_outside);
  RUN(test_odd_sections);
  RUN(test_machine_names);
  return unit_end();
}
