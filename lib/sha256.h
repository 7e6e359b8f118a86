// sha256.h - SHA-256 (FIPS 180-4), for names derived from long ids:
// state directories of very long container ids, the shim's socket address.

#ifndef RP_SHA256_H
#define RP_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct rp_sha256 {
  uint32_t h[8];
  uint64_t len;
  unsigned char buf[64];
  size_t n;
};

void rp_sha256_init(struct rp_sha256 *s);
void rp_sha256_update(struct rp_sha256 *s, const void *data, size_t len);
void rp_sha256_final(struct rp_sha256 *s, unsigned char out[32]);

// Hex digest of data (65 bytes with the NUL).
void rp_sha256_hex(const void *data, size_t len, char out[65]);

#endif
