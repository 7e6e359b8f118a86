// pb.c - table-driven proto3 codec (see pb.h for the storage rules)
//
// Wire facts from protobuf.dev "Encoding". Every length read from the wire
// is compared with the bytes left before any pointer moves, so no read goes
// past the end and no offset arithmetic can overflow. The wire reader, the
// writer and the table walker are one file because each uses the others.

#include "pb.h"

#include <errno.h>
#include <string.h>

struct rp_pb_str rp_pb_cstr(const char *s)
{
  return (struct rp_pb_str){ s ? s : "", s ? strlen(s) : 0 };
}

bool rp_pb_str_eq(struct rp_pb_str s, const char *c)
{
  size_t n = strlen(c);
  return s.len == n && (!n || !memcmp(s.p, c, n));
}

int rp_pb_str_copy(char *dst, size_t cap, struct rp_pb_str s)
{
  if (!cap) return -ENAMETOOLONG;
  dst[0] = 0;
  if (s.len && memchr(s.p, 0, s.len)) return -EINVAL;
  if (s.len >= cap) return -ENAMETOOLONG;
  if (s.len) memcpy(dst, s.p, s.len);
  dst[s.len] = 0;
  return 0;
}

// ---- reader -------------------------------------------------------------

void rp_pb_reader_init(struct rp_pb_reader *r, const void *buf, size_t len)
{
  r->p = buf;
  // An absent bytes field (a Request without payload, an Any without value)
  // arrives as NULL: NULL + 0 is undefined behaviour in C, so no arithmetic.
  r->end = buf ? r->p + len : r->p;
  r->why = NULL;
}

static int bad(struct rp_pb_reader *r, const char *why)
{
  r->why = why;
  return -EBADMSG;
}

int rp_pb_read_varint(struct rp_pb_reader *r, uint64_t *v)
{
  uint64_t x = 0;
  for (int i = 0; i < 10; i++) {
    if (r->p == r->end) return bad(r, "truncated varint");
    uint8_t b = *r->p++;
    // The 10th byte may only carry bit 63: anything more overflows or
    // announces an 11th byte.
    if (i == 9 && b > 1)
      return bad(r, b & 0x80 ? "varint longer than 10 bytes" : "varint overflows 64 bits");
    x |= (uint64_t)(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) {
      *v = x;
      return 0;
    }
  }
  return bad(r, "varint longer than 10 bytes");   // not reached
}

static int read_fixed(struct rp_pb_reader *r, size_t size, uint64_t *v)
{
  if ((size_t)(r->end - r->p) < size) return bad(r, "truncated fixed-width value");
  uint64_t x = 0;
  for (size_t i = 0; i < size; i++) x |= (uint64_t)r->p[i] << (8 * i);
  r->p += size;
  *v = x;
  return 0;
}

static int read_len(struct rp_pb_reader *r, struct rp_pb_str *s)
{
  uint64_t n;
  if (rp_pb_read_varint(r, &n) < 0) return -EBADMSG;
  if (n > (uint64_t)(r->end - r->p)) return bad(r, "length runs past the end");
  s->p = (const char *)r->p;
  s->len = (size_t)n;
  r->p += n;
  return 0;
}

int rp_pb_read_field(struct rp_pb_reader *r, struct rp_pb_field_val *f)
{
  uint64_t tag;
  if (r->p == r->end) return 0;
  if (rp_pb_read_varint(r, &tag) < 0) return -EBADMSG;
  if (tag >> 3 == 0 || tag >> 3 > 0x1fffffff) return bad(r, "invalid field number");
  f->num = (uint32_t)(tag >> 3);
  f->wire = tag & 7;
  f->u = 0;
  f->s = (struct rp_pb_str){ NULL, 0 };
  switch (f->wire) {
  case RP_PB_VARINT: return rp_pb_read_varint(r, &f->u) < 0 ? -EBADMSG : 1;
  case RP_PB_I64: return read_fixed(r, 8, &f->u) < 0 ? -EBADMSG : 1;
  case RP_PB_LEN: return read_len(r, &f->s) < 0 ? -EBADMSG : 1;
  case RP_PB_I32: return read_fixed(r, 4, &f->u) < 0 ? -EBADMSG : 1;
  case 3:
  case 4: return bad(r, "group wire type is not supported");
  default: return bad(r, "invalid wire type");
  }
}

// ---- writer -------------------------------------------------------------

void rp_pb_writer_init(struct rp_pb_writer *w, void *buf, size_t cap)
{
  w->buf = buf;
  w->len = 0;
  w->cap = cap;
  w->err = 0;
}

// Room for n more bytes, or NULL (and the sticky -E2BIG).
static uint8_t *room(struct rp_pb_writer *w, size_t n)
{
  if (w->err) return NULL;
  if (n > w->cap - w->len) {
    w->err = -E2BIG;
    return NULL;
  }
  uint8_t *p = w->buf + w->len;
  w->len += n;
  return p;
}

size_t rp_pb_varint_size(uint64_t v)
{
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    n++;
  }
  return n;
}

static void store_varint(uint8_t *p, uint64_t v)
{
  while (v >= 0x80) {
    *p++ = (uint8_t)(v | 0x80);
    v >>= 7;
  }
  *p = (uint8_t)v;
}

void rp_pb_put_varint(struct rp_pb_writer *w, uint64_t v)
{
  uint8_t *p = room(w, rp_pb_varint_size(v));
  if (p) store_varint(p, v);
}

void rp_pb_put_tag(struct rp_pb_writer *w, uint32_t num, enum rp_pb_wire wire)
{
  rp_pb_put_varint(w, (uint64_t)num << 3 | wire);
}

void rp_pb_put_fixed(struct rp_pb_writer *w, uint64_t v, size_t size)
{
  uint8_t *p = room(w, size);
  for (size_t i = 0; p && i < size; i++) p[i] = (uint8_t)(v >> (8 * i));
}

void rp_pb_put_bytes(struct rp_pb_writer *w, uint32_t num, const void *p, size_t n)
{
  rp_pb_put_tag(w, num, RP_PB_LEN);
  rp_pb_put_varint(w, n);
  uint8_t *d = room(w, n);
  if (d && n) memcpy(d, p, n);
}

// ---- message layer ------------------------------------------------------

static uint8_t wire_of(uint8_t kind)
{
  switch (kind) {
  case RP_PB_STRING:
  case RP_PB_BYTES:
  case RP_PB_MESSAGE: return RP_PB_LEN;
  case RP_PB_FIXED32: return RP_PB_I32;
  case RP_PB_FIXED64: return RP_PB_I64;
  default: return RP_PB_VARINT;
  }
}

static bool is64(uint8_t kind)
{
  return kind == RP_PB_INT64 || kind == RP_PB_UINT64 || kind == RP_PB_FIXED64;
}

// Size of one element of a field in its C struct.
static size_t esize(const struct rp_pb_field *fd)
{
  if (fd->kind == RP_PB_MESSAGE) return fd->sub->size;
  if (wire_of(fd->kind) == RP_PB_LEN) return sizeof(struct rp_pb_str);
  if (fd->kind == RP_PB_BOOL) return sizeof(bool);
  return is64(fd->kind) ? 8 : 4;
}

static void store(uint8_t kind, void *dst, uint64_t u)
{
  if (kind == RP_PB_BOOL) {
    *(bool *)dst = u != 0;
  } else if (is64(kind)) {
    memcpy(dst, &u, 8);
  } else {
    uint32_t v = (uint32_t)u;   // protobuf: 32-bit fields keep the low bits
    memcpy(dst, &v, 4);
  }
}

static uint64_t load(uint8_t kind, const void *src)
{
  uint64_t v64;
  uint32_t v32;
  if (kind == RP_PB_BOOL) return *(const bool *)src;
  if (is64(kind)) {
    memcpy(&v64, src, 8);
    return v64;
  }
  memcpy(&v32, src, 4);
  // Negative int32/enum values travel sign-extended to 64 bits (10 bytes).
  if (kind == RP_PB_INT32 || kind == RP_PB_ENUM) return (uint64_t)(int64_t)(int32_t)v32;
  return v32;
}

static const struct rp_pb_field *find(const struct rp_pb_msg *d, uint32_t num)
{
  for (unsigned i = 0; i < d->nfields; i++)
    if (d->fields[i].num == num) return &d->fields[i];
  return NULL;
}

// Next free element of a repeated field, or NULL when the array is full.
static void *slot(const struct rp_pb_field *fd, char *base)
{
  uint32_t *n = (uint32_t *)(base + fd->noff);
  if (*n >= fd->cap) return NULL;
  return base + fd->off + (size_t)(*n)++ * esize(fd);
}

static int too_many(const struct rp_pb_field *fd, struct rp_err *e)
{
  return rp_errf(e, EMSGSIZE, "more than %u entries", (unsigned)fd->cap);
}

// Keep the code even without an error struct (rp_errwrap needs one).
static int wrap(struct rp_err *e, int rc, const char *name)
{
  if (e) rp_errwrap(e, "%s", name);
  return rc;
}

static int decode_into(const struct rp_pb_msg *d, struct rp_pb_str in, void *msg,
                       struct rp_err *e);

static int decode_packed(const struct rp_pb_field *fd, struct rp_pb_str s, char *base,
                         struct rp_err *e)
{
  struct rp_pb_reader r;
  uint8_t wire = wire_of(fd->kind);
  rp_pb_reader_init(&r, s.p, s.len);
  while (r.p < r.end) {
    uint64_t u;
    int rc = wire == RP_PB_VARINT ? rp_pb_read_varint(&r, &u)
                                  : read_fixed(&r, wire == RP_PB_I32 ? 4 : 8, &u);
    if (rc < 0) return rp_errf(e, EBADMSG, "packed: %s", r.why);
    void *dst = slot(fd, base);
    if (!dst) return too_many(fd, e);
    store(fd->kind, dst, u);
  }
  return 0;
}

static int decode_field(const struct rp_pb_field *fd, const struct rp_pb_field_val *f,
                        char *base, struct rp_err *e)
{
  uint8_t want = wire_of(fd->kind);
  if (fd->cap && f->wire == RP_PB_LEN && want != RP_PB_LEN)
    return decode_packed(fd, f->s, base, e);
  if (f->wire != want) return 0;   // skipped like an unknown field
  void *dst = base + fd->off;
  if (fd->cap && !(dst = slot(fd, base))) return too_many(fd, e);
  if (fd->kind == RP_PB_MESSAGE) return decode_into(fd->sub, f->s, dst, e);
  if (want == RP_PB_LEN)
    memcpy(dst, &f->s, sizeof(f->s));
  else
    store(fd->kind, dst, f->u);
  return 0;
}

static int decode_into(const struct rp_pb_msg *d, struct rp_pb_str in, void *msg,
                       struct rp_err *e)
{
  struct rp_pb_reader r;
  struct rp_pb_field_val f;
  int rc;
  rp_pb_reader_init(&r, in.p, in.len);
  while ((rc = rp_pb_read_field(&r, &f)) > 0) {
    const struct rp_pb_field *fd = find(d, f.num);
    if (fd && (rc = decode_field(fd, &f, msg, e)) < 0) return wrap(e, rc, fd->name);
  }
  return rc < 0 ? rp_errf(e, EBADMSG, "%s", r.why) : 0;
}

int rp_pb_decode(const struct rp_pb_msg *d, const void *buf, size_t len, void *msg,
                 struct rp_err *e)
{
  memset(msg, 0, d->size);
  int rc = decode_into(d, (struct rp_pb_str){ buf, len }, msg, e);
  return rc < 0 ? wrap(e, rc, d->name) : 0;
}

static void put_value(struct rp_pb_writer *w, uint8_t wire, uint64_t v)
{
  if (wire == RP_PB_VARINT)
    rp_pb_put_varint(w, v);
  else
    rp_pb_put_fixed(w, v, wire == RP_PB_I32 ? 4 : 8);
}

static void put_field(struct rp_pb_writer *w, const struct rp_pb_field *fd, const void *src,
                      bool always)
{
  uint8_t wire = wire_of(fd->kind);
  if (fd->kind == RP_PB_MESSAGE) {
    rp_pb_put_msg(w, fd->num, fd->sub, src, always);
  } else if (wire == RP_PB_LEN) {
    const struct rp_pb_str *s = src;
    if (always || s->len) rp_pb_put_bytes(w, fd->num, s->p, s->len);
  } else {
    uint64_t v = load(fd->kind, src);
    if (!v && !always) return;
    rp_pb_put_tag(w, fd->num, wire);
    put_value(w, wire, v);
  }
}

// Repeated scalars go out packed: one LEN field of concatenated values.
static void put_repeated(struct rp_pb_writer *w, const struct rp_pb_field *fd, const char *base)
{
  uint32_t n;
  memcpy(&n, base + fd->noff, sizeof(n));
  if (n > fd->cap) {
    if (!w->err) w->err = -EINVAL;
    return;
  }
  const char *v = base + fd->off;
  size_t es = esize(fd), len = 0;
  uint8_t wire = wire_of(fd->kind);
  for (uint32_t i = 0; wire == RP_PB_LEN && i < n; i++) put_field(w, fd, v + i * es, true);
  if (wire == RP_PB_LEN || !n) return;
  for (uint32_t i = 0; i < n; i++)
    len += wire == RP_PB_VARINT ? rp_pb_varint_size(load(fd->kind, v + i * es)) : es;
  rp_pb_put_tag(w, fd->num, RP_PB_LEN);
  rp_pb_put_varint(w, len);
  for (uint32_t i = 0; i < n; i++) put_value(w, wire, load(fd->kind, v + i * es));
}

static void encode_into(struct rp_pb_writer *w, const struct rp_pb_msg *d, const void *msg)
{
  for (unsigned i = 0; i < d->nfields; i++) {
    const struct rp_pb_field *fd = &d->fields[i];
    if (fd->cap)
      put_repeated(w, fd, msg);
    else
      put_field(w, fd, (const char *)msg + fd->off, false);
  }
}

void rp_pb_put_msg(struct rp_pb_writer *w, uint32_t num, const struct rp_pb_msg *d,
                   const void *msg, bool always)
{
  size_t mark = w->len;
  rp_pb_put_tag(w, num, RP_PB_LEN);
  // The length precedes the body but is known only after it: reserve one
  // byte (enough below 128 bytes, the common case) and widen afterwards.
  if (!room(w, 1)) return;
  size_t start = w->len;
  encode_into(w, d, msg);
  if (w->err) return;
  size_t n = w->len - start, extra = rp_pb_varint_size(n) - 1;
  if (!n && !always) {
    w->len = mark;
    return;
  }
  if (extra && !room(w, extra)) return;
  memmove(w->buf + start + extra, w->buf + start, n);
  store_varint(w->buf + start - 1, n);
}

int rp_pb_encode(const struct rp_pb_msg *d, const void *msg, void *out, size_t cap)
{
  struct rp_pb_writer w;
  rp_pb_writer_init(&w, out, cap > INT32_MAX ? INT32_MAX : cap);
  encode_into(&w, d, msg);
  return w.err ? w.err : (int)w.len;
}

// ---- well-known types ---------------------------------------------------

int rp_pb_any_pack(struct rp_pb_any *a, const struct rp_pb_msg *d, const void *msg,
                   void *buf, size_t cap)
{
  int n = rp_pb_encode(d, msg, buf, cap);
  if (n < 0) return n;
  a->type_url = rp_pb_cstr(d->name);
  a->value = (struct rp_pb_str){ buf, (size_t)n };
  return n;
}
