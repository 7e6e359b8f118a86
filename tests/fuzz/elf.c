// elf.c - fuzz rp_elf_inspect (lib/elf.c) on an in-memory file
//
// Input: a firmware file as a container image would ship it. It is written
// to a fresh memfd (closed again after the run), so rp_elf_inspect reads it
// with pread() exactly as it reads a file in a container's root. On success
// the result must describe what the kernel's loader accepts: class 32 or 64,
// at least one PT_LOAD, every kept segment inside the file with filesz <=
// memsz, 32-bit values in ELF32, and the file size right.

#include "elf.h"
#include "fuzz.h"

#include <sys/mman.h>
#include <unistd.h>

static void check(const struct rp_elf *o, size_t size)
{
  unsigned long long max = o->cls == 32 ? 0xffffffffull : ~0ull;
  FUZZ_CHECK(o->cls == 32 || o->cls == 64, "class %d", o->cls);
  FUZZ_CHECK(o->big_endian == 0 || o->big_endian == 1, "endianness %d", o->big_endian);
  FUZZ_CHECK(o->size == (long long)size, "size %lld of %zu", o->size, size);
  FUZZ_CHECK(o->type <= 0xffff && o->machine <= 0xffff, "type %u machine %u", o->type, o->machine);
  FUZZ_CHECK(o->entry <= max, "entry %llx", o->entry);
  FUZZ_CHECK(o->nload >= 1, "nload %d", o->nload);
  for (int i = 0; i < o->nload && i < RP_ELF_MAXSEG; i++) {
    const struct rp_elf_seg *s = &o->seg[i];
    FUZZ_CHECK(s->filesz <= s->memsz, "segment %d: filesz %llu > memsz %llu", i, s->filesz, s->memsz);
    FUZZ_CHECK(s->offset <= size && s->filesz <= size - s->offset, "segment %d beyond the file", i);
    FUZZ_CHECK(s->vaddr <= max && s->paddr <= max && s->memsz <= max, "segment %d width", i);
  }
  FUZZ_CHECK(o->has_rsc == 0 || o->has_rsc == 1, "has_rsc %d", o->has_rsc);
  if (!o->has_rsc) FUZZ_CHECK(!o->rsc_addr && !o->rsc_size, "resource table fields without one");
  char buf[32];
  const char *m = rp_elf_machine_name(o->machine, buf, sizeof(buf));
  FUZZ_CHECK(m && m[0], "machine name");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct rp_elf o;
  struct rp_err e = { 0 };
  int fd = memfd_create("fuzz.elf", MFD_CLOEXEC);
  FUZZ_CHECK(fd >= 0, "memfd_create failed");
  for (size_t off = 0; off < size;) {
    ssize_t n = write(fd, data + off, size - off);
    FUZZ_CHECK(n > 0, "write to memfd failed");
    off += (size_t)n;
  }
  int r = rp_elf_inspect(fd, "fw.elf", &o, &e);
  if (r) fuzz_check_err(r, &e);
  else check(&o, size);
  close(fd);
  return 0;
}
