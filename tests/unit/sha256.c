// sha256.c - unit tests of lib/sha256.c against FIPS 180-4 vectors
//
// Long container ids become "~<sha256>" directory names and the shim's socket
// name is a hash too: a wrong digest would orphan state across versions.

#include "unit.h"

#include "sha256.h"

static void hex(const unsigned char d[32], char out[65])
{
  for (int i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static int test_fips_vectors(void)
{
  static const struct { const char *in, *want; } v[] = {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopq"
       "rlmnopqrsmnopqrstnopqrstu",
       "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
  };
  char out[65];
  for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++) {
    rp_sha256_hex(v[i].in, strlen(v[i].in), out);
    check_str(out, v[i].want);
  }
  return 0;
}

// One million 'a', fed in uneven chunks so the buffer carries over.
static int test_million_a(void)
{
  static char a[1000];
  struct rp_sha256 s;
  unsigned char d[32];
  char out[65];
  memset(a, 'a', sizeof(a));
  rp_sha256_init(&s);
  for (size_t done = 0, step = 1; done < 1000000; done += step, step = step % 997 + 1) {
    if (step > 1000000 - done) step = 1000000 - done;
    rp_sha256_update(&s, a, step);
  }
  rp_sha256_final(&s, d);
  hex(d, out);
  check_str(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  return 0;
}

// Every length 0..130 (all padding cases around 55/56 and 64-byte blocks),
// each split across two update calls at every boundary and fed byte by byte,
// must give the one-shot digest; the digests of all lengths, hashed in turn,
// match a value computed with Python's hashlib.
static int test_split_updates(void)
{
  unsigned char data[131], one[32], d[32];
  struct rp_sha256 outer, s;
  char out[65];
  for (int i = 0; i < 131; i++) data[i] = (unsigned char)(i * 7 + 3);
  rp_sha256_init(&outer);
  for (size_t n = 0; n <= 130; n++) {
    rp_sha256_init(&s);
    rp_sha256_update(&s, data, n);
    rp_sha256_final(&s, one);
    rp_sha256_update(&outer, one, 32);
    for (size_t k = 0; k <= n; k++) {
      rp_sha256_init(&s);
      rp_sha256_update(&s, data, k);
      rp_sha256_update(&s, data + k, n - k);
      rp_sha256_final(&s, d);
      check(!memcmp(d, one, 32));
    }
    rp_sha256_init(&s);
    for (size_t k = 0; k < n; k++) rp_sha256_update(&s, data + k, 1);
    rp_sha256_final(&s, d);
    check(!memcmp(d, one, 32));
  }
  rp_sha256_final(&outer, d);
  hex(d, out);
  check_str(out, "b3d31aa6b4f0810cff11dc15fd1017d7ba047ad10e757b0e36ed68897e6d1851");
  return 0;
}

static int test_hex_format(void)
{
  char out[66];
  memset(out, 'X', sizeof(out));
  rp_sha256_hex("abc", 3, out);
  check(strlen(out) == 64 && out[65] == 'X');  // 65 bytes written, no more
  check(strspn(out, "0123456789abcdef") == 64);
  return 0;
}

int main(void)
{
  RUN(test_fips_vectors);
  RUN(test_million_a);
  RUN(test_split_updates);
  RUN(test_hex_format);
  return unit_end();
}
