// json.h - JSON reading over jsmn (strict, caller's token array; json.c)
// and a small bounded JSON writer (prefix rp_jw; jw.c). Nothing here
// allocates.

#ifndef RP_JSON_H
#define RP_JSON_H

#include <stddef.h>

#include "err.h"

#define JSMN_STRICT
// Parent links cost 4 bytes a token and spare jsmn a backward search at every
// comma and closing bracket, which made wide or deep documents quadratic.
#define JSMN_PARENT_LINKS
#ifndef RP_JSON_IMPL
#define JSMN_HEADER
#endif
#include <jsmn.h>

struct rp_json {
  const char *js;
  size_t len;
  jsmntok_t *t;
  int n;  // tokens used
};

#define RP_JSON_DEPTH 256  // nesting levels; deeper is refused: no real document needs it

// Parse js[0..len) into toks[cap]. The document must be one JSON value
// (object or array at the top) in valid UTF-8; what is the document's name in
// messages. Returns 0 or a negative code with e filled.
int rp_json_parse(struct rp_json *j, const char *what, const char *js, size_t len,
                  jsmntok_t *toks, int cap, struct rp_err *e);

// Index of the token after the subtree rooted at token i.
int rp_json_next(const struct rp_json *j, int i);

// Value token of key in object obj, or -1 when absent or obj is no object.
int rp_json_get(const struct rp_json *j, int obj, const char *key);

// Follow a dotted path of object keys from obj ("process.args"); -1 if absent.
int rp_json_path(const struct rp_json *j, int obj, const char *path);

// Token i's n-th element (array) or n-th value (object); -1 if out of range.
int rp_json_elem(const struct rp_json *j, int i, int n);

int rp_json_is(const struct rp_json *j, int i, jsmntype_t type);

// Unescape string token i into buf (NUL-terminated). Returns the length,
// -EINVAL (not a string, bad escape, embedded NUL, invalid UTF-8) or -E2BIG.
int rp_json_str(const struct rp_json *j, int i, char *buf, size_t cap);

// Number token i as an integer (no fraction/exponent). 0 or -EINVAL/-ERANGE.
int rp_json_int(const struct rp_json *j, int i, long long *out);

// true/false token i. 0 or -EINVAL.
int rp_json_bool(const struct rp_json *j, int i, int *out);

// 1 if buf[0..n) is valid UTF-8 (no overlongs, no surrogates), else 0.
int rp_utf8_valid(const char *s, size_t n);

struct rp_jw {
  char *buf;
  size_t cap, len;
  int err;           // sticky: -E2BIG or -EINVAL
  int indent;        // spaces per level, 0 = compact
  int depth;
  unsigned char count[24];  // elements written at each depth
  unsigned objects;         // bit d set: the container at depth d is an object
  int after_key;
};

void rp_jw_init(struct rp_jw *w, char *buf, size_t cap, int indent);
void rp_jw_obj(struct rp_jw *w);
void rp_jw_arr(struct rp_jw *w);
void rp_jw_end(struct rp_jw *w);
void rp_jw_key(struct rp_jw *w, const char *k);
void rp_jw_str(struct rp_jw *w, const char *s);
void rp_jw_strn(struct rp_jw *w, const char *s, size_t n);
void rp_jw_int(struct rp_jw *w, long long v);
void rp_jw_bool(struct rp_jw *w, int v);
void rp_jw_null(struct rp_jw *w);
void rp_jw_kstr(struct rp_jw *w, const char *k, const char *s);
void rp_jw_kint(struct rp_jw *w, const char *k, long long v);
void rp_jw_kbool(struct rp_jw *w, const char *k, int v);

// Length written (buf NUL-terminated), or the sticky error.
int rp_jw_finish(struct rp_jw *w);

#endif
