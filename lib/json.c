// json.c - JSON reading helpers over jsmn, and the JSON writer (see json.h)
//
// jsmn's strict mode still lets through a few things JSON forbids (bare
// words like `tru`, raw control characters in strings), so parse() runs a
// validation pass over the tokens before anyone reads them.

#define RP_JSON_IMPL
#include "json.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

int rp_utf8_valid(const char *str, size_t n)
{
  const unsigned char *s = (const unsigned char *)str;
  for (size_t i = 0; i < n;) {
    unsigned c = s[i];
    size_t k = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : 9;
    if (k == 9 || i + k >= n + (k ? 0 : 1)) return 0;
    unsigned cp = k ? c & (0x3f >> k) : c;
    for (size_t m = 1; m <= k; m++) {
      if ((s[i + m] & 0xc0) != 0x80) return 0;
      cp = (cp << 6) | (s[i + m] & 0x3f);
    }
    static const unsigned minimum[] = {0, 0x80, 0x800, 0x10000};
    if (cp < minimum[k] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    i += k + 1;
  }
  return 1;
}

static int is_number(const char *s, size_t n)
{
  size_t i = 0;
  if (i < n && s[i] == '-') i++;
  if (i >= n) return 0;
  if (s[i] == '0') i++;
  else if (s[i] >= '1' && s[i] <= '9') while (i < n && s[i] >= '0' && s[i] <= '9') i++;
  else return 0;
  if (i < n && s[i] == '.') {
    size_t d = ++i;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    if (i == d) return 0;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    size_t d = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    if (i == d) return 0;
  }
  return i == n;
}

static int tok_is(const struct rp_json *j, int i, const char *word)
{
  size_t n = (size_t)(j->t[i].end - j->t[i].start);
  return strlen(word) == n && !memcmp(j->js + j->t[i].start, word, n);
}

// Whole extent of token t in the text: a string token excludes its quotes.
static int outer_start(const jsmntok_t *t) { return t->start - (t->type == JSMN_STRING); }
static int outer_end(const jsmntok_t *t) { return t->end + (t->type == JSMN_STRING); }

// js[from..to) must be whitespace, with exactly one sep in it when sep is not
// 0. Returns -1, or the offset of the first offending byte.
static int gap(const struct rp_json *j, int from, int to, char sep)
{
  int p = from, seen = !sep;
  for (; p < to; p++) {
    char c = j->js[p];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if (c != sep || seen) return p;
    seen = 1;
  }
  return seen ? -1 : to;
}

// jsmn's strict mode does not check the punctuation between values: it takes
// [1 2], [1,], [,1], ["a":1] and {"a"::1}. Check every gap of container i:
// whitespace after the opening bracket and before the closing one, ':' after
// a key, ',' between members.
static int container(const struct rp_json *j, int i)
{
  const jsmntok_t *t = &j->t[i];
  int obj = t->type == JSMN_OBJECT, n = obj ? 2 * t->size : t->size;
  int pos = t->start + 1, k = i + 1;
  for (int c = 0; c < n; c++, k = rp_json_next(j, k)) {
    if (k >= j->n || j->t[k].start >= t->end) return t->start;
    int bad = gap(j, pos, outer_start(&j->t[k]), !c ? 0 : obj && c % 2 ? ':' : ',');
    if (bad >= 0) return bad;
    pos = outer_end(&j->t[k]);
  }
  return gap(j, pos, t->end - 1, 0);
}

// Check what jsmn leaves to us: primitives, control characters, key types,
// punctuation, and nothing but whitespace around the top-level value.
static int validate(const struct rp_json *j)
{
  int bad = gap(j, outer_end(&j->t[0]), (int)j->len, 0);
  if (bad >= 0) return bad;
  for (int i = 0; i < j->n; i++) {
    const jsmntok_t *t = &j->t[i];
    const char *s = j->js + t->start;
    size_t n = (size_t)(t->end - t->start);
    if (t->type == JSMN_PRIMITIVE) {
      if (!tok_is(j, i, "true") && !tok_is(j, i, "false") && !tok_is(j, i, "null") &&
          !is_number(s, n))
        return t->start;
    } else if (t->type == JSMN_STRING) {
      for (size_t k = 0; k < n; k++)
        if ((unsigned char)s[k] < 0x20) return t->start + (int)k;
    } else if (t->type == JSMN_OBJECT) {
      for (int c = 0, k = i + 1; c < t->size; c++, k = rp_json_next(j, k + 1))
        if (k >= j->n || j->t[k].type != JSMN_STRING || j->t[k].size != 1) return t->start;
    }
    if (t->type == JSMN_OBJECT || t->type == JSMN_ARRAY) {
      int b = container(j, i);
      if (b >= 0) return b;
    }
  }
  return -1;
}

// Parsing and checking a deep document costs depth x size (in jsmn too), so
// absurd nesting is refused by one linear pass over the text first. Returns
// the offset of the bracket that goes too deep, or -1.
static int too_deep(const char *js, size_t len)
{
  int depth = 0, in_str = 0;
  for (size_t i = 0; i < len; i++) {
    char c = js[i];
    if (in_str) {
      if (c == '\\') i++;
      else if (c == '"') in_str = 0;
    } else if (c == '"') {
      in_str = 1;
    } else if (c == '[' || c == '{') {
      if (++depth > RP_JSON_DEPTH) return (int)i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      depth--;
    }
  }
  return -1;
}

static int dup_key(const struct rp_json *j);
static void key_text(const struct rp_json *j, int i, char *buf, size_t cap);

int rp_json_parse(struct rp_json *j, const char *what, const char *js, size_t len,
                  jsmntok_t *toks, int cap, struct rp_err *e)
{
  jsmn_parser p;
  j->js = js;
  j->len = len;
  j->t = toks;
  j->n = 0;
  if (!rp_utf8_valid(js, len)) return rp_errf(e, EINVAL, "%s is not valid UTF-8", what);
  // jsmn stops at a NUL byte as if the text ended there; JSON has no raw NUL.
  const char *nul = memchr(js, 0, len);
  if (nul) return rp_errf(e, EINVAL, "%s is not valid JSON (error near byte %d)", what, (int)(nul - js));
  int deep = too_deep(js, len);
  if (deep >= 0) return rp_errf(e, EINVAL, "%s nests deeper than %d levels (near byte %d)", what, RP_JSON_DEPTH, deep);
  jsmn_init(&p);
  int r = jsmn_parse(&p, js, len, toks, (unsigned)cap);
  if (r == JSMN_ERROR_NOMEM)
    return rp_errf(e, E2BIG, "%s is too complex (more than %d JSON tokens)", what, cap);
  if (r == JSMN_ERROR_PART) return rp_errf(e, EINVAL, "%s is truncated JSON", what);
  if (r < 0) return rp_errf(e, EINVAL, "%s is not valid JSON (error near byte %u)", what, p.pos);
  if (r == 0) return rp_errf(e, EINVAL, "%s is empty", what);
  j->n = r;
  if (toks[0].type != JSMN_OBJECT && toks[0].type != JSMN_ARRAY)
    return rp_errf(e, EINVAL, "%s is not a JSON object", what);
  if (rp_json_next(j, 0) != r) return rp_errf(e, EINVAL, "%s holds more than one JSON value", what);
  int bad = validate(j);
  if (bad >= 0) return rp_errf(e, EINVAL, "%s is not valid JSON (error near byte %d)", what, bad);
  int dup = dup_key(j);
  if (dup < 0) return 0;
  char key[80];
  key_text(j, dup, key, sizeof(key));
  return rp_errf(e, EINVAL, "%s holds the key \"%s\" twice (the second near byte %d)", what, key,
                 j->t[dup].start - 1);
}

int rp_json_next(const struct rp_json *j, int i)
{
  if (i < 0 || i >= j->n) return j->n;
  int end = j->t[i].end, k = i + 1;
  while (k < j->n && j->t[k].start < end) k++;
  return k;
}

int rp_json_is(const struct rp_json *j, int i, jsmntype_t type)
{
  return i >= 0 && i < j->n && j->t[i].type == type;
}

static int key_eq(const struct rp_json *j, int i, const char *key)
{
  const char *s = j->js + j->t[i].start;
  size_t n = (size_t)(j->t[i].end - j->t[i].start);
  if (!memchr(s, '\\', n)) return strlen(key) == n && !memcmp(s, key, n);
  char buf[256];
  return rp_json_str(j, i, buf, sizeof(buf)) >= 0 && !strcmp(buf, key);
}

int rp_json_get(const struct rp_json *j, int obj, const char *key)
{
  if (!rp_json_is(j, obj, JSMN_OBJECT)) return -1;
  for (int c = 0, k = obj + 1; c < j->t[obj].size && k + 1 < j->n; c++, k = rp_json_next(j, k + 1))
    if (key_eq(j, k, key)) return k + 1;
  return -1;
}

int rp_json_path(const struct rp_json *j, int obj, const char *path)
{
  char key[128];
  while (obj >= 0 && *path) {
    size_t n = strcspn(path, ".");
    if (n >= sizeof(key)) return -1;
    memcpy(key, path, n);
    key[n] = 0;
    obj = rp_json_get(j, obj, key);
    path += n + (path[n] == '.');
  }
  return obj;
}

int rp_json_elem(const struct rp_json *j, int i, int n)
{
  if (i < 0 || i >= j->n || n < 0 || n >= j->t[i].size) return -1;
  int obj = j->t[i].type == JSMN_OBJECT;
  if (!obj && j->t[i].type != JSMN_ARRAY) return -1;
  int k = i + 1;
  for (int c = 0; c < n; c++) k = rp_json_next(j, obj ? k + 1 : k);
  return obj ? k + 1 : k;
}

static int hex4(const char *s, unsigned *out)
{
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = s[i];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return -1;
    v = v << 4 | (unsigned)d;
  }
  *out = v;
  return 0;
}

static size_t utf8_put(char *o, unsigned cp)
{
  if (cp < 0x80) { o[0] = (char)cp; return 1; }
  if (cp < 0x800) { o[0] = (char)(0xc0 | cp >> 6); o[1] = (char)(0x80 | (cp & 0x3f)); return 2; }
  if (cp < 0x10000) {
    o[0] = (char)(0xe0 | cp >> 12);
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
  }
  o[0] = (char)(0xf0 | cp >> 18);
  o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
  o[3] = (char)(0x80 | (cp & 0x3f));
  return 4;
}

// Decode the \u escape at s[0..n) (after the 'u'); returns input consumed.
static int unicode_escape(const char *s, size_t n, unsigned *cp)
{
  unsigned hi, lo;
  if (n < 4 || hex4(s, &hi)) return -1;
  if (hi < 0xd800 || hi > 0xdfff) { *cp = hi; return 4; }
  if (hi > 0xdbff || n < 10 || s[4] != '\\' || s[5] != 'u' || hex4(s + 6, &lo) ||
      lo < 0xdc00 || lo > 0xdfff)
    return -1;
  *cp = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
  return 10;
}

// Decode the character at s[*k] (of a string's n bytes) into out; returns
// its length in bytes, -EINVAL on a broken escape or \u0000.
static int unescape_one(const char *s, size_t n, size_t *k, char *out)
{
  static const char map[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
  if (s[*k] != '\\') {
    out[0] = s[(*k)++];
    return 1;
  }
  if (++*k >= n) return -EINVAL;
  if (s[*k] == 'u') {
    unsigned cp;
    int used = unicode_escape(s + *k + 1, n - *k - 1, &cp);
    if (used < 0 || cp == 0) return -EINVAL;
    *k += (size_t)used + 1;
    return (int)utf8_put(out, cp);
  }
  const char *m = strchr(map, s[*k]);
  if (!m || (m - map) % 2) return -EINVAL;
  out[0] = m[1];
  ++*k;
  return 1;
}

int rp_json_str(const struct rp_json *j, int i, char *buf, size_t cap)
{
  if (!rp_json_is(j, i, JSMN_STRING) || !cap) return -EINVAL;
  const char *s = j->js + j->t[i].start;
  size_t n = (size_t)(j->t[i].end - j->t[i].start), o = 0;
  for (size_t k = 0; k < n;) {
    char tmp[4];
    int m = unescape_one(s, n, &k, tmp);
    if (m < 0) return m;
    if (o + (size_t)m >= cap) return -E2BIG;
    memcpy(buf + o, tmp, (size_t)m);
    o += (size_t)m;
  }
  buf[o] = 0;
  return (int)o;
}

// Duplicate keys: Go's decoder and Python's keep the last, a reader that
// stops at the first match keeps the first, so a document with both would
// mean one thing to containerd and another to us. Keys compare as decoded
// text ("a" and "\u0061" are one key); a key that does not decode (it holds
// \u0000) compares as written.
struct key_iter {
  const char *s;
  size_t n, k;
  char b[4];
  int len, pos, raw;
};

static void key_iter_init(struct key_iter *it, const struct rp_json *j, int i)
{
  *it = (struct key_iter){.s = j->js + j->t[i].start, .n = (size_t)(j->t[i].end - j->t[i].start)};
  char tmp[4];
  for (size_t k = 0; k < it->n && !it->raw;) it->raw = unescape_one(it->s, it->n, &k, tmp) < 0;
}

// The next byte of the key, or -1 at its end.
static int key_byte(struct key_iter *it)
{
  if (it->pos == it->len) {
    if (it->k >= it->n) return -1;
    it->len = it->raw ? 1 : unescape_one(it->s, it->n, &it->k, it->b);
    if (it->raw) it->b[0] = it->s[it->k++];
    it->pos = 0;
  }
  return (unsigned char)it->b[it->pos++];
}

static int key_same(const struct rp_json *j, int a, int b)
{
  struct key_iter x, y;
  key_iter_init(&x, j, a);
  key_iter_init(&y, j, b);
  if (x.raw != y.raw) return 0;  // "\\u0000" decodes to the bytes of a raw "\u0000"
  for (;;) {
    int c = key_byte(&x);
    if (c != key_byte(&y)) return 0;
    if (c < 0) return 1;
  }
}

static unsigned key_hash(const struct rp_json *j, int i)
{
  struct key_iter it;
  unsigned h = 2166136261u;
  key_iter_init(&it, j, i);
  for (int c; (c = key_byte(&it)) >= 0;) h = (h ^ (unsigned)c) * 16777619u;
  return h;
}

#define KEY_SLOTS 1024  // a hash set per object; larger objects are checked pair by pair

// The second of two equal keys of object obj, or -1. Pair by pair costs
// keys^2/2 comparisons, bounded by the caller's token cap.
static int object_dup(const struct rp_json *j, int obj)
{
  int slot[KEY_SLOTS], n = j->t[obj].size;
  unsigned mask = 1;
  while (mask < 2u * (unsigned)n && mask < KEY_SLOTS) mask <<= 1;
  int hashed = 2 * n <= KEY_SLOTS;
  mask--;
  if (hashed) memset(slot, -1, (mask + 1) * sizeof(*slot));
  for (int c = 0, k = obj + 1; c < n; c++, k = rp_json_next(j, k + 1)) {
    if (!hashed) {
      for (int p = obj + 1; p < k; p = rp_json_next(j, p + 1))
        if (key_same(j, p, k)) return k;
      continue;
    }
    unsigned h = key_hash(j, k) & mask;
    for (; slot[h] >= 0; h = (h + 1) & mask)
      if (key_same(j, slot[h], k)) return k;
    slot[h] = k;
  }
  return -1;
}

static int dup_key(const struct rp_json *j)
{
  for (int i = 0; i < j->n; i++) {
    int d = j->t[i].type == JSMN_OBJECT ? object_dup(j, i) : -1;
    if (d >= 0) return d;
  }
  return -1;
}

// Key token i for a message: decoded, control characters shown as '?',
// cut to cap.
static void key_text(const struct rp_json *j, int i, char *buf, size_t cap)
{
  struct key_iter it;
  size_t o = 0;
  key_iter_init(&it, j, i);
  for (int c; o + 1 < cap && (c = key_byte(&it)) >= 0;) buf[o++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
  buf[o] = 0;
}

int rp_json_int(const struct rp_json *j, int i, long long *out)
{
  if (!rp_json_is(j, i, JSMN_PRIMITIVE)) return -EINVAL;
  const char *s = j->js + j->t[i].start, *end = j->js + j->t[i].end;
  int neg = *s == '-';
  s += neg;
  if (s >= end) return -EINVAL;
  unsigned long long v = 0;
  for (; s < end; s++) {
    if (*s < '0' || *s > '9') return -EINVAL;
    if (v > (ULLONG_MAX - 9) / 10) return -ERANGE;
    v = v * 10 + (unsigned)(*s - '0');
  }
  if (v > (unsigned long long)LLONG_MAX + neg) return -ERANGE;
  *out = neg ? (long long)(0 - v) : (long long)v;
  return 0;
}

int rp_json_bool(const struct rp_json *j, int i, int *out)
{
  if (!rp_json_is(j, i, JSMN_PRIMITIVE)) return -EINVAL;
  if (tok_is(j, i, "true")) *out = 1;
  else if (tok_is(j, i, "false")) *out = 0;
  else return -EINVAL;
  return 0;
}
