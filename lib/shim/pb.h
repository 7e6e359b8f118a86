// pb.h - table-driven proto3 codec: no heap, no generated code, zero-copy
//
// Wire format: protobuf.dev "Encoding" (varint, I64, LEN, I32; groups are
// rejected). A message is a plain C struct plus a static const table
// (struct rp_pb_msg) saying, per field, its number, kind and offset;
// rp_pb_decode and rp_pb_encode walk that table, so adding a message costs
// data, not code.
//
// Storage rules (the caller must know these):
// - string/bytes fields are slices (struct rp_pb_str) pointing INTO the
//   decoded input buffer: nothing is copied, so a decoded struct is valid
//   only while that buffer is. Copy out (rp_pb_str_copy) what must live on.
// - repeated fields are fixed arrays `struct { uint32_t n; T v[CAP]; }`
//   (RP_PB_REPEATED). More than CAP elements on the wire is a decode error
//   (-EMSGSIZE), never a silent truncation.
// - map<string,string> is a repeated struct rp_pb_kv {key = 1, value = 2}.
// - nested messages are embedded by value. An all-zero nested message
//   encodes to nothing, so it is not emitted (proto3 "absent" = zero).
// - decode zeroes the struct first; a scalar seen twice keeps the last
//   value, a nested message seen twice is merged (as protobuf specifies).
// - unknown fields of every wire type are skipped; a known field arriving
//   with an unexpected wire type is skipped too (as upstream parsers do),
//   except that repeated scalars accept both packed and unpacked forms.
//   Encode always packs repeated scalars (proto3 default).

#ifndef RP_PB_H
#define RP_PB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

// A byte string that is not NUL-terminated (protobuf strings are not).
struct rp_pb_str {
  const char *p;
  size_t len;
};

#define RP_PB_S(lit) ((struct rp_pb_str){ (lit), sizeof(lit) - 1 })
struct rp_pb_str rp_pb_cstr(const char *s);             // NULL → empty
bool rp_pb_str_eq(struct rp_pb_str s, const char *c);   // exact match
// Copy into dst as a C string. -ENAMETOOLONG if it does not fit, -EINVAL if
// s holds a NUL byte (it would silently shorten an id or a path).
int rp_pb_str_copy(char *dst, size_t cap, struct rp_pb_str s);

// ---- wire level --------------------------------------------------------

enum rp_pb_wire { RP_PB_VARINT = 0, RP_PB_I64 = 1, RP_PB_LEN = 2, RP_PB_I32 = 5 };

// Reader over a const buffer; `why` names the first malformation found.
struct rp_pb_reader {
  const uint8_t *p, *end;
  const char *why;
};

// One field as read: `u` holds VARINT/I64/I32 values, `s` a LEN payload.
struct rp_pb_field_val {
  uint32_t num;
  uint8_t wire;
  uint64_t u;
  struct rp_pb_str s;
};

void rp_pb_reader_init(struct rp_pb_reader *r, const void *buf, size_t len);
// 0, or -EBADMSG (truncated, longer than 10 bytes, or over 64 bits).
int rp_pb_read_varint(struct rp_pb_reader *r, uint64_t *v);
// 1 = one field read into f, 0 = end of buffer, -EBADMSG = malformed.
int rp_pb_read_field(struct rp_pb_reader *r, struct rp_pb_field_val *f);

// Writer into a caller buffer. Errors are sticky: once a write does not fit,
// err = -E2BIG and later writes do nothing, so callers check once at the end.
struct rp_pb_writer {
  uint8_t *buf;
  size_t len, cap;
  int err;
};

void rp_pb_writer_init(struct rp_pb_writer *w, void *buf, size_t cap);
void rp_pb_put_varint(struct rp_pb_writer *w, uint64_t v);
void rp_pb_put_tag(struct rp_pb_writer *w, uint32_t num, enum rp_pb_wire wire);
void rp_pb_put_fixed(struct rp_pb_writer *w, uint64_t v, size_t size);   // size 4 or 8, LE
void rp_pb_put_bytes(struct rp_pb_writer *w, uint32_t num, const void *p, size_t n);
size_t rp_pb_varint_size(uint64_t v);

// ---- message tables ----------------------------------------------------

enum rp_pb_kind {
  RP_PB_STRING = 1,  // struct rp_pb_str
  RP_PB_BYTES,       // struct rp_pb_str
  RP_PB_BOOL,        // bool
  RP_PB_INT32,       // int32_t (negative → 10-byte varint, as protobuf says)
  RP_PB_ENUM,        // int32_t, open enum
  RP_PB_UINT32,      // uint32_t
  RP_PB_INT64,       // int64_t
  RP_PB_UINT64,      // uint64_t
  RP_PB_FIXED32,     // uint32_t
  RP_PB_FIXED64,     // uint64_t
  RP_PB_MESSAGE,     // struct described by `sub`, embedded by value
};

struct rp_pb_msg;

struct rp_pb_field {
  uint16_t num;     // field number (our schemas stay far below 65536)
  uint8_t kind;     // enum rp_pb_kind
  uint8_t cap;      // 0 = singular; else the capacity of the v[] array
  uint16_t off;     // offset of the value, or of v[0] when repeated
  uint16_t noff;    // repeated only: offset of the uint32_t count
  const struct rp_pb_msg *sub;   // RP_PB_MESSAGE only
  const char *name; // proto field name: error messages, test dumps
};

struct rp_pb_msg {
  const char *name;   // full proto name, also used as Any type_url
  uint16_t size;      // sizeof the C struct
  uint16_t nfields;   // fields are sorted by number
  const struct rp_pb_field *fields;
};

#define RP_PB_REPEATED(T, cap) struct { uint32_t n; T v[cap]; }
#define RP_PB_NELEM(T, m) (sizeof(((T *)0)->m) / sizeof(((T *)0)->m[0]))

// Table rows: RP_PB_F(struct, number, kind, member), proto name = member.
#define RP_PB_F(T, num, kind, m) { num, kind, 0, offsetof(T, m), 0, NULL, #m }
#define RP_PB_FN(T, num, kind, m, name) { num, kind, 0, offsetof(T, m), 0, NULL, name }
#define RP_PB_M(T, num, m, sub) { num, RP_PB_MESSAGE, 0, offsetof(T, m), 0, &(sub), #m }
#define RP_PB_R(T, num, kind, m, sub) \
  { num, kind, RP_PB_NELEM(T, m.v), offsetof(T, m.v), offsetof(T, m.n), sub, #m }
#define RP_PB_MSG(full, T, rows) \
  { full, sizeof(T), sizeof(rows) / sizeof((rows)[0]), rows }

// Decode buf into the struct at msg (zeroed first). 0, -EBADMSG (malformed),
// -EMSGSIZE (more repeated elements than the array holds); e gets the path,
// e.g. "containerd.task.v2.CreateTaskRequest.rootfs: more than 4 entries".
int rp_pb_decode(const struct rp_pb_msg *d, const void *buf, size_t len, void *msg,
                 struct rp_err *e);
// Encode into out. Returns the length, -E2BIG when out is too small, or
// -EINVAL when a repeated count exceeds its array.
int rp_pb_encode(const struct rp_pb_msg *d, const void *msg, void *out, size_t cap);
// Append msg as LEN field `num`; nothing is written when it encodes to
// nothing, unless `always` (repeated elements must appear even if empty).
void rp_pb_put_msg(struct rp_pb_writer *w, uint32_t num, const struct rp_pb_msg *d,
                   const void *msg, bool always);

// ---- well-known types shared by every schema ----------------------------

struct rp_pb_any {         // google.protobuf.Any
  struct rp_pb_str type_url, value;
};
struct rp_pb_timestamp {   // google.protobuf.Timestamp
  int64_t seconds;
  int32_t nanos;
};
struct rp_pb_kv {          // map<string,string> entry and ttrpc.KeyValue
  struct rp_pb_str key, value;
};
struct rp_pb_empty {       // google.protobuf.Empty (C wants one member)
  uint8_t unused;
};

#define RP_PB_STATUS_DETAILS 4
struct rp_pb_status {      // google.rpc.Status
  int32_t code;
  struct rp_pb_str message;
  RP_PB_REPEATED(struct rp_pb_any, RP_PB_STATUS_DETAILS) details;
};

#define RP_PB_MAP_MAX 16
#define RP_PB_MAP RP_PB_REPEATED(struct rp_pb_kv, RP_PB_MAP_MAX)

extern const struct rp_pb_msg rp_pb_any_msg, rp_pb_timestamp_msg, rp_pb_kv_msg,
    rp_pb_empty_msg, rp_pb_status_msg;

// Serialize msg into buf and point a at it, type_url = d->name (containerd
// uses the bare full name, no "type.googleapis.com/" prefix). Returns the
// value length or -E2BIG. a's slices point into buf and d->name.
int rp_pb_any_pack(struct rp_pb_any *a, const struct rp_pb_msg *d, const void *msg,
                   void *buf, size_t cap);

#endif
