// elf.c - what the remoteproc ELF loader of Linux 6.1
// (drivers/remoteproc/remoteproc_elf_loader.c, rsc_table.h) accepts.
//
// The checks and their order follow the kernel, so the same image fails with
// the same errno. Where the kernel trusts the image (it reads program and
// section headers past the end of the file), the model bounds the read and
// rejects the image with EINVAL instead of reading garbage.

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

enum { EHDR32 = 52, EHDR64 = 64, RSC_HDR = 16, RSC_TRACE = 2, RSC_LAST = 4,
       RSC_VENDOR_START = 128, RSC_VENDOR_END = 512, TRACE_RSC = 44 };

static uint64_t rd(const uint8_t *p, int n)
{
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; i--) v = v << 8 | p[i];
  return v;
}

static bool is64(const struct sim_fw *fw) { return fw->data[4] == 2; }
static size_t phdr_size(const struct sim_fw *fw) { return is64(fw) ? 56 : 32; }
static size_t shdr_size(const struct sim_fw *fw) { return is64(fw) ? 64 : 40; }

// Header words live at different offsets in the two classes; the kernel picks
// by EI_CLASS, never by e_phentsize/e_shentsize.
static uint64_t eh(const struct sim_fw *fw, int off32, int off64, int n32, int n64)
{
  return is64(fw) ? rd(fw->data + off64, n64) : rd(fw->data + off32, n32);
}
static uint64_t e_phoff(const struct sim_fw *fw) { return eh(fw, 28, 32, 4, 8); }
static uint64_t e_shoff(const struct sim_fw *fw) { return eh(fw, 32, 40, 4, 8); }
static unsigned e_phnum(const struct sim_fw *fw) { return eh(fw, 44, 56, 2, 2); }
static unsigned e_shnum(const struct sim_fw *fw) { return eh(fw, 48, 60, 2, 2); }
static unsigned e_shstrndx(const struct sim_fw *fw) { return eh(fw, 50, 62, 2, 2); }

static bool in_file(const struct sim_fw *fw, uint64_t off, uint64_t len)
{
  return off <= fw->size && len <= fw->size - off;
}

bool sim_da_ok(uint64_t da, uint64_t len)
{
  return da < SIM_MEM_SIZE && len <= SIM_MEM_SIZE - da;
}

int sim_elf_sanity_check(const struct sim_fw *fw)
{
  const uint8_t *d = fw->data;
  if (fw->size < EHDR32 || memcmp(d, "\177ELF", 4))
    return -EINVAL;
  if (d[4] != 1 && d[4] != 2)
    return -EINVAL;
  if (d[4] == 2 && fw->size < EHDR64)
    return -EINVAL;
  // The kernel wants the host's byte order; both targets are little endian.
  if (d[5] != 1)
    return -EINVAL;
  // Same u64 arithmetic as the kernel, wrap-around included.
  if ((uint64_t)fw->size < e_shoff(fw) + shdr_size(fw))
    return -EINVAL;
  if (sim_kernel_checks_all_shdrs() &&
      (!in_file(fw, e_shoff(fw), (uint64_t)e_shnum(fw) * shdr_size(fw)) ||
       !in_file(fw, e_shoff(fw) + (uint64_t)e_shstrndx(fw) * shdr_size(fw), shdr_size(fw))))
    return -EINVAL;
  if (e_phnum(fw) == 0 || e_phoff(fw) > fw->size)
    return -EINVAL;
  return 0;
}

struct section {
  uint64_t addr, off, size;
  unsigned name;
};

static bool read_shdr(const struct sim_fw *fw, uint64_t at, struct section *s)
{
  if (!in_file(fw, at, shdr_size(fw)))
    return false;
  const uint8_t *p = fw->data + at;
  s->name = rd(p, 4);
  s->addr = is64(fw) ? rd(p + 16, 8) : rd(p + 12, 4);
  s->off = is64(fw) ? rd(p + 24, 8) : rd(p + 16, 4);
  s->size = is64(fw) ? rd(p + 32, 8) : rd(p + 20, 4);
  return true;
}

static bool name_is_rsc(const struct sim_fw *fw, uint64_t at)
{
  static const char want[] = ".resource_table";
  return in_file(fw, at, sizeof(want)) && !memcmp(fw->data + at, want, sizeof(want));
}

// The kernel's find_table(): the first section named .resource_table decides;
// a malformed one ends the search rather than letting a later one win.
static bool find_table(const struct sim_fw *fw, struct section *out)
{
  uint64_t shoff = e_shoff(fw), shsz = shdr_size(fw);
  struct section strtab;
  if (!read_shdr(fw, shoff + e_shstrndx(fw) * shsz, &strtab))
    return false;
  for (unsigned i = 0; i < e_shnum(fw); i++) {
    struct section s;
    if (!read_shdr(fw, shoff + i * shsz, &s))
      return false;
    if (!name_is_rsc(fw, strtab.off + s.name))
      continue;
    if (s.off + s.size > fw->size || s.off + s.size < s.size || s.size < RSC_HDR)
      return false;
    const uint8_t *t = fw->data + s.off;
    if (rd(t, 4) != 1 || rd(t + 8, 4) || rd(t + 12, 4))
      return false;
    if (RSC_HDR + 4 * rd(t + 4, 4) > s.size)
      return false;
    *out = s;
    return true;
  }
  return false;
}

// The core's rproc_elf_load_rsc_table(): -EINVAL without a usable table
// (the core's default parse_fw fails the boot then; our driver does not).
int sim_elf_load_rsc_table(const struct sim_fw *fw, uint8_t **table, size_t *size)
{
  struct section s;
  if (!find_table(fw, &s))
    return -EINVAL;
  *table = malloc(s.size ? s.size : 1);
  if (!*table)
    return -ENOMEM;
  memcpy(*table, fw->data + s.off, s.size);
  *size = s.size;
  return 0;
}

// rproc_start() copies the cached table to where the firmware expects it.
void sim_elf_install_table(const struct sim_fw *fw, uint8_t *mem,
                           const uint8_t *table, size_t size)
{
  struct section s;
  if (find_table(fw, &s) && s.size == size && sim_da_ok(s.addr, s.size))
    memcpy(mem + s.addr, table, size);
}

struct segment {
  uint32_t type;
  uint64_t off, da, filesz, memsz;
};

static bool read_phdr(const struct sim_fw *fw, uint64_t at, struct segment *s)
{
  if (!in_file(fw, at, phdr_size(fw)))
    return false;
  const uint8_t *p = fw->data + at;
  s->type = rd(p, 4);
  s->off = is64(fw) ? rd(p + 8, 8) : rd(p + 4, 4);
  s->da = is64(fw) ? rd(p + 24, 8) : rd(p + 12, 4);     // p_paddr
  s->filesz = is64(fw) ? rd(p + 32, 8) : rd(p + 16, 4);
  s->memsz = is64(fw) ? rd(p + 40, 8) : rd(p + 20, 4);
  return true;
}

static int load_segment(const struct sim_fw *fw, const struct segment *s, uint8_t *mem)
{
  if (s->filesz > s->memsz)
    return -EINVAL;
  if (s->off + s->filesz > fw->size || s->off + s->filesz < s->off)
    return -EINVAL;
  if (!sim_da_ok(s->da, s->memsz))
    return -EINVAL;
  memcpy(mem + s->da, fw->data + s->off, s->filesz);
  memset(mem + s->da + s->filesz, 0, s->memsz - s->filesz);
  return 0;
}

int sim_elf_load_segments(const struct sim_fw *fw, uint8_t *mem)
{
  // Recovery reloads without a sanity check, so guard the header reads here.
  if (sim_elf_sanity_check(fw))
    return -EINVAL;
  uint64_t phoff = e_phoff(fw);
  for (unsigned i = 0; i < e_phnum(fw); i++) {
    struct segment s;
    if (!read_phdr(fw, phoff + i * phdr_size(fw), &s))
      return -EINVAL;
    if (s.type != 1 || s.memsz == 0)   // PT_LOAD with memory only
      continue;
    int rc = load_segment(fw, &s, mem);
    if (rc)
      return rc;
  }
  return 0;
}

static int handle_trace(const uint8_t *rsc, size_t avail, struct sim_trace *traces,
                        int *ntraces)
{
  if (avail < TRACE_RSC || rd(rsc + 8, 4))
    return -EINVAL;
  // Entries past SIM_MAX_TRACES get no file; the kernel has no such limit.
  if (*ntraces < SIM_MAX_TRACES)
    traces[(*ntraces)++] = (struct sim_trace){rd(rsc, 4), rd(rsc + 4, 4)};
  return 0;
}

// rproc_handle_resources() over the cached table. Only trace entries are
// modelled; carveout, devmem and vdev entries are accepted and ignored, as
// are vendor and unknown types (the kernel only warns about those).
int sim_handle_resources(const uint8_t *table, size_t size,
                         struct sim_trace *traces, int *ntraces)
{
  uint32_t num = rd(table + 4, 4);
  *ntraces = 0;
  for (uint32_t i = 0; i < num; i++) {
    uint32_t off = rd(table + RSC_HDR + 4 * i, 4);
    if (off < RSC_HDR || off >= size || size - off < 4)   // 4: struct fw_rsc_hdr
      return -EINVAL;
    uint32_t type = rd(table + off, 4);
    if ((type >= RSC_VENDOR_START && type <= RSC_VENDOR_END) || type >= RSC_LAST)
      continue;
    if (type != RSC_TRACE)
      continue;
    int rc = handle_trace(table + off + 4, size - off - 4, traces, ntraces);
    if (rc)
      return rc;
  }
  return 0;
}

// What the kernel tier's module registers at parse_fw for a crash dump: each
// PT_LOAD segment with memory (its device address and memory size), and the
// image's class, machine and entry (rproc_coredump_set_elf_info, bootaddr).
void sim_elf_dump_info(const struct sim_fw *fw, struct sim_core *c)
{
  memset(c, 0, sizeof(*c));
  if (sim_elf_sanity_check(fw))
    return;
  c->cls = fw->data[4];
  c->machine = eh(fw, 18, 18, 2, 2);
  c->entry = eh(fw, 24, 24, 4, 8);
  for (unsigned i = 0; i < e_phnum(fw) && c->nsegs < SIM_MAX_TRACES; i++) {
    struct segment s;
    if (read_phdr(fw, e_phoff(fw) + i * phdr_size(fw), &s) && s.type == 1 && s.memsz &&
        sim_da_ok(s.da, s.memsz))
      c->segs[c->nsegs++] = (struct sim_trace){(uint32_t)s.da, (uint32_t)s.memsz};
  }
}

static void wr(uint8_t *p, uint64_t v, int n)
{
  for (int i = 0; i < n; i++, v >>= 8) p[i] = (uint8_t)v;
}

// rproc_coredump(): an ELF core (ET_CORE, little endian) with one PT_LOAD
// (RWX, align 0) per segment, the segment bytes following the headers in
// order. mem is the device memory before the stop op cleared it (the
// module's dump segments copy from such a snapshot). NULL: no segments.
uint8_t *sim_elf_core(const struct sim_core *c, const uint8_t *mem, size_t *size)
{
  bool b64 = c->cls == 2;
  size_t eh_sz = b64 ? 64 : 52, ph_sz = b64 ? 56 : 32, off = eh_sz + c->nsegs * ph_sz;
  size_t total = off;
  for (int i = 0; i < c->nsegs; i++) total += c->segs[i].len;
  uint8_t *d = c->nsegs ? calloc(1, total) : NULL;
  if (!d)
    return NULL;
  memcpy(d, "\177ELF", 4);
  d[4] = b64 ? 2 : 1, d[5] = 1, d[6] = 1;                     // class, LSB, EV_CURRENT
  wr(d + 16, 4, 2), wr(d + 18, c->machine, 2), wr(d + 20, 1, 4);  // ET_CORE
  wr(d + 24, c->entry, b64 ? 8 : 4);
  wr(d + (b64 ? 32 : 28), eh_sz, b64 ? 8 : 4);                  // e_phoff
  wr(d + (b64 ? 52 : 40), eh_sz, 2), wr(d + (b64 ? 54 : 42), ph_sz, 2);
  wr(d + (b64 ? 56 : 44), c->nsegs, 2);
  for (int i = 0; i < c->nsegs; i++) {
    uint8_t *ph = d + eh_sz + i * ph_sz;
    uint32_t da = c->segs[i].da, len = c->segs[i].len;
    wr(ph, 1, 4);                                               // PT_LOAD
    if (b64) {
      wr(ph + 4, 7, 4), wr(ph + 8, off, 8), wr(ph + 16, da, 8), wr(ph + 24, da, 8);
      wr(ph + 32, len, 8), wr(ph + 40, len, 8);
    } else {
      wr(ph + 4, off, 4), wr(ph + 8, da, 4), wr(ph + 12, da, 4);
      wr(ph + 16, len, 4), wr(ph + 20, len, 4), wr(ph + 24, 7, 4);
    }
    memcpy(d + off, mem + da, len);
    off += len;
  }
  *size = total;
  return d;
}
