// elf.h - firmware ELF inspection: what the kernel's remoteproc loader needs
//
// Reads headers with bounded pread()s; never maps or loads the whole file.

#ifndef RP_ELF_H
#define RP_ELF_H

#include "err.h"

#define RP_ELF_MAXSEG 8

struct rp_elf_seg {
  unsigned long long offset, vaddr, paddr, filesz, memsz;
  unsigned flags;
};

struct rp_elf {
  int cls;                 // 32 or 64
  int big_endian;
  unsigned type, machine;
  unsigned long long entry;
  int nload;               // PT_LOAD segments (only the first RP_ELF_MAXSEG kept)
  struct rp_elf_seg seg[RP_ELF_MAXSEG];
  int has_rsc;             // a .resource_table section exists
  unsigned long long rsc_addr, rsc_size;
  long long size;          // file size
};

// Inspect the ELF image open on fd; what names it in messages. Fails for
// what the kernel's loader would refuse: bad magic, class, truncation, no
// loadable segment, a segment or a section header beyond the end of the file.
int rp_elf_inspect(int fd, const char *what, struct rp_elf *out, struct rp_err *e);

// "ARM", "AArch64", "RISC-V", ... or "machine 1234".
const char *rp_elf_machine_name(unsigned machine, char *buf, int cap);

#endif
