// json.c - fuzz lib/json.c: rp_json_parse, then every reader on every token
//
// Input: a JSON document (as config.json or rproc.json would hold).
// Oracles, besides the sanitizers:
// - a document accepted with 1024 tokens is accepted identically with a
//   smaller array when it fits, and rejected with E2BIG when it does not;
// - every token lies inside the text; rp_json_next/elem/get/path agree with
//   a plain walk of the token array;
// - rp_json_str yields valid UTF-8 without NULs, fits exactly len + 1 and
//   reports E2BIG one byte shorter; rp_json_int agrees with strtoll and
//   rp_json_bool with the token text;
// - the document written back with the rp_jw_* writer parses again to the
//   same tree (strings equal after unescaping; non-integer numbers become
//   null, the writer only has integers).

#include "fuzz.h"
#include "json.h"

#include <errno.h>
#include <limits.h>

#define TOKS 1024
#define SMALL 16

struct walk {
  const struct rp_json *j;
  char *buf, *buf2;   // scratch for unescaped strings, each len + 1 bytes
  size_t cap;
};

// Unescaped string i into w->buf (or w->buf2 when second); length or <0.
static int str(const struct walk *w, int i, int second)
{
  char *b = second ? w->buf2 : w->buf;
  int n = rp_json_str(w->j, i, b, w->cap);
  FUZZ_CHECK(n != -E2BIG, "token %d does not fit %zu bytes", i, w->cap);
  if (n < 0) return n;
  FUZZ_CHECK((size_t)n < w->cap && b[n] == 0, "token %d: length %d", i, n);
  FUZZ_CHECK(!memchr(b, 0, (size_t)n), "token %d unescapes to an embedded NUL", i);
  FUZZ_CHECK(rp_utf8_valid(b, (size_t)n), "token %d unescapes to invalid UTF-8", i);
  return n;
}

static void check_string(const struct walk *w, int i)
{
  int n = str(w, i, 0);
  if (n < 0) return;
  // Exactly n + 1 bytes is enough, n bytes is not.
  int m = rp_json_str(w->j, i, w->buf2, (size_t)n + 1);
  FUZZ_CHECK(m == n && !memcmp(w->buf, w->buf2, (size_t)n), "token %d: %d vs %d", i, m, n);
  m = rp_json_str(w->j, i, w->buf2, (size_t)n);
  FUZZ_CHECK(n ? m == -E2BIG : m == -EINVAL, "token %d: cap %d gave %d", i, n, m);
}

static void check_primitive(const struct walk *w, int i)
{
  const jsmntok_t *t = &w->j->t[i];
  const char *s = w->j->js + t->start;
  size_t n = (size_t)(t->end - t->start);
  long long v = 0;
  int b = -1, rc = rp_json_int(w->j, i, &v), rb = rp_json_bool(w->j, i, &b);
  int word = (n == 4 && !memcmp(s, "true", 4)) || (n == 5 && !memcmp(s, "false", 5));
  FUZZ_CHECK(word ? rb == 0 && b == (s[0] == 't') : rb == -EINVAL, "bool token %d: %d", i, rb);
  int digits = n > (size_t)(s[0] == '-');
  for (size_t k = s[0] == '-'; k < n; k++) digits &= s[k] >= '0' && s[k] <= '9';
  if (!digits) {  // a fraction or exponent: EINVAL, or ERANGE when the digits before it overflow
    FUZZ_CHECK(rc == -EINVAL || rc == -ERANGE, "token %d %.*s: rp_json_int %d", i, (int)n, s, rc);
    return;
  }
  char tmp[64];
  if (n >= sizeof(tmp)) {
    FUZZ_CHECK(rc == -ERANGE, "token %d: %zu digits gave %d", i, n, rc);
    return;
  }
  memcpy(tmp, s, n);
  tmp[n] = 0;
  errno = 0;
  long long want = strtoll(tmp, NULL, 10);
  if (errno == ERANGE)
    FUZZ_CHECK(rc == -ERANGE, "token %d %s: rp_json_int %d", i, tmp, rc);
  else
    FUZZ_CHECK(rc == 0 && v == want, "token %d %s: rp_json_int %d %lld", i, tmp, rc, v);
}

// Containers: elem() and get() against a walk of the children.
static void check_container(const struct walk *w, int i)
{
  const struct rp_json *j = w->j;
  int obj = j->t[i].type == JSMN_OBJECT, size = j->t[i].size;
  FUZZ_CHECK(rp_json_elem(j, i, -1) == -1 && rp_json_elem(j, i, size) == -1, "elem bounds %d", i);
  if (!obj) FUZZ_CHECK(rp_json_get(j, i, "a") == -1, "get on array %d", i);
  int k = i + 1;
  for (int c = 0; c < size; c++) {
    FUZZ_CHECK(k < j->n, "container %d child %d beyond the tokens", i, c);
    int v = obj ? k + 1 : k;
    FUZZ_CHECK(rp_json_elem(j, i, c) == v, "container %d elem %d: %d, want %d", i, c,
               rp_json_elem(j, i, c), v);
    if (obj) {
      FUZZ_CHECK(j->t[k].type == JSMN_STRING && j->t[k].size == 1, "key %d", k);
      // get(key) finds the first member with that key; keys needing more
      // than get()'s 255-byte unescape buffer are out of its reach.
      int n = str(w, k, 0);
      if (n >= 0 && n < 200) {
        int first = -1;
        for (int c2 = 0, k2 = i + 1; c2 <= c; c2++, k2 = rp_json_next(j, k2 + 1)) {
          int n2 = str(w, k2, 1);
          if (n2 == n && !memcmp(w->buf, w->buf2, (size_t)n)) {
            first = k2 + 1;
            break;
          }
        }
        str(w, k, 0);
        FUZZ_CHECK(rp_json_get(j, i, w->buf) == first, "get(%d, \"%s\") = %d, want %d", i,
                   w->buf, rp_json_get(j, i, w->buf), first);
      }
    }
    k = rp_json_next(j, v);
  }
  FUZZ_CHECK(k == rp_json_next(j, i), "container %d ends at %d, next says %d", i, k,
             rp_json_next(j, i));
}

// rp_json_path over the first key of the root and the first key below it.
static void check_path(const struct walk *w)
{
  const struct rp_json *j = w->j;
  if (j->t[0].type != JSMN_OBJECT || !j->t[0].size) return;
  int n = str(w, 1, 0);   // "" and dotted keys are not path components
  if (n <= 0 || n > 60 || memchr(w->buf, '.', (size_t)n)) return;
  char path[160];
  memcpy(path, w->buf, (size_t)n + 1);
  int v = rp_json_get(j, 0, path);
  FUZZ_CHECK(rp_json_path(j, 0, path) == v, "path %s", path);
  if (!rp_json_is(j, v, JSMN_OBJECT) || !j->t[v].size) return;
  int m = str(w, v + 1, 0);
  if (m <= 0 || m > 60 || memchr(w->buf, '.', (size_t)m)) return;
  path[n] = '.';
  memcpy(path + n + 1, w->buf, (size_t)m + 1);
  FUZZ_CHECK(rp_json_path(j, 0, path) == rp_json_get(j, v, w->buf), "path %s", path);
}

// Write token i and its subtree with the writer; next token index, or -1
// when a string cannot be unescaped (then there is nothing to compare).
static int rewrite(const struct walk *w, struct rp_jw *out, int i)
{
  const struct rp_json *j = w->j;
  const jsmntok_t *t = &j->t[i];
  long long v;
  int b, n;
  switch (t->type) {
  case JSMN_OBJECT:
  case JSMN_ARRAY:
    if (t->type == JSMN_OBJECT) rp_jw_obj(out);
    else rp_jw_arr(out);
    i++;
    for (int c = 0; c < t->size; c++) {
      if (t->type == JSMN_OBJECT) {
        if ((n = str(w, i, 0)) < 0) return -1;
        rp_jw_key(out, w->buf);
        i++;
      }
      if ((i = rewrite(w, out, i)) < 0) return -1;
    }
    rp_jw_end(out);
    return i;
  case JSMN_STRING:
    if ((n = str(w, i, 0)) < 0) return -1;
    rp_jw_strn(out, w->buf, (size_t)n);
    return i + 1;
  default:
    if (!rp_json_int(j, i, &v)) rp_jw_int(out, v);
    else if (!rp_json_bool(j, i, &b)) rp_jw_bool(out, b);
    else rp_jw_null(out);
    return i + 1;
  }
}

// The two trees match token by token (same order: both are preorder).
static void compare(const struct walk *a, const struct walk *b)
{
  FUZZ_CHECK(a->j->n == b->j->n, "rewritten document has %d tokens, not %d", b->j->n, a->j->n);
  for (int i = 0; i < a->j->n; i++) {
    const jsmntok_t *x = &a->j->t[i], *y = &b->j->t[i];
    FUZZ_CHECK(x->type == y->type && x->size == y->size, "token %d differs", i);
    if (x->type == JSMN_STRING) {
      int n = str(a, i, 0), m = str(b, i, 1);
      FUZZ_CHECK(n >= 0 && n == m && !memcmp(a->buf, b->buf2, (size_t)n), "string %d", i);
    } else if (x->type == JSMN_PRIMITIVE) {
      long long u, v;
      int p = rp_json_int(a->j, i, &u), q = rp_json_int(b->j, i, &v);
      const char *s = b->j->js + y->start;
      if (!p) FUZZ_CHECK(!q && u == v, "integer %d", i);
      else if (a->j->js[x->start] == 't' || a->j->js[x->start] == 'f')
        FUZZ_CHECK(*s == a->j->js[x->start], "boolean %d", i);
      else
        FUZZ_CHECK(*s == 'n', "token %d should be null", i);
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *js = (const char *)data;
  if (size > (1 << 20)) return 0;
  jsmntok_t *toks = malloc(TOKS * sizeof(*toks)), small[SMALL];
  struct rp_json j, j2;
  struct rp_err e = { 0 };
  int r = rp_json_parse(&j, "fuzz input", js, size, toks, TOKS, &e);
  if (r) {
    fuzz_check_err(r, &e);
    FUZZ_CHECK(r == -EINVAL || r == -E2BIG, "rc %d", r);
    free(toks);
    return 0;
  }
  FUZZ_CHECK(j.n > 0 && j.n <= TOKS && rp_json_next(&j, 0) == j.n, "n %d", j.n);
  FUZZ_CHECK(j.t[0].type == JSMN_OBJECT || j.t[0].type == JSMN_ARRAY, "top type");
  r = rp_json_parse(&j2, "fuzz input", js, size, small, SMALL, &e);
  if (j.n <= SMALL)
    FUZZ_CHECK(!r && j2.n == j.n && !memcmp(small, toks, (size_t)j.n * sizeof(*toks)), "small %d", r);
  else
    FUZZ_CHECK(r == -E2BIG, "%d tokens into %d: rc %d", j.n, SMALL, r);

  struct walk w = { &j, malloc(size + 1), malloc(size + 1), size + 1 };
  for (int i = 0; i < j.n; i++) {
    const jsmntok_t *t = &j.t[i];
    FUZZ_CHECK(t->start >= 0 && t->start <= t->end && (size_t)t->end <= size, "token %d range", i);
    int nx = rp_json_next(&j, i);
    FUZZ_CHECK(nx > i && nx <= j.n, "next(%d) = %d", i, nx);
    FUZZ_CHECK(rp_json_is(&j, i, t->type) && !rp_json_is(&j, j.n, t->type), "is %d", i);
    if (t->type == JSMN_STRING) check_string(&w, i);
    else if (t->type == JSMN_PRIMITIVE) check_primitive(&w, i);
    else check_container(&w, i);
  }
  FUZZ_CHECK(rp_json_next(&j, -1) == j.n && rp_json_next(&j, j.n) == j.n, "next bounds");
  FUZZ_CHECK(rp_json_elem(&j, -1, 0) == -1 && rp_json_get(&j, -1, "x") == -1, "bounds");
  check_path(&w);

  // Write it back. Each input byte becomes at most 6 output bytes (a
  // control character as \u00XX), plus at most 2 + 2 * 23 of newline and
  // indentation per token (the writer nests 23 deep at most).
  size_t cap = 6 * size + (size_t)j.n * 50 + 64;
  char *buf = malloc(cap);
  struct rp_jw out;
  rp_jw_init(&out, buf, cap, (int)(size % 3));
  if (rewrite(&w, &out, 0) > 0) {
    int n = rp_jw_finish(&out);
    FUZZ_CHECK(n >= 0 || n == -EINVAL, "writer: %d", n);   // -EINVAL: nested too deep
    if (n >= 0) {
      FUZZ_CHECK((size_t)n < cap && buf[n] == 0 && strlen(buf) == (size_t)n, "writer length %d", n);
      jsmntok_t *toks2 = malloc(TOKS * sizeof(*toks2));
      struct rp_json j3;
      r = rp_json_parse(&j3, "rewritten", buf, (size_t)n, toks2, TOKS, &e);
      FUZZ_CHECK(!r, "the writer's output does not parse: %s", e.msg);
      struct walk w3 = { &j3, malloc((size_t)n + 1), malloc((size_t)n + 1), (size_t)n + 1 };
      compare(&w, &w3);
      free(w3.buf);
      free(w3.buf2);
      free(toks2);
    }
  }
  free(buf);
  free(w.buf);
  free(w.buf2);
  free(toks);
  return 0;
}
