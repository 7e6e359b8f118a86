// jw.c - the bounded JSON writer (see json.h): objects, arrays, escaped
// strings, numbers, optional indentation, into a caller's buffer.

#include "json.h"
#include "fmt.h"

#include <errno.h>
#include <string.h>


void rp_jw_init(struct rp_jw *w, char *buf, size_t cap, int indent)
{
  memset(w, 0, sizeof(*w));
  w->buf = buf;
  w->cap = cap;
  w->indent = indent;
  if (cap) buf[0] = 0;
}

static void out(struct rp_jw *w, const char *s, size_t n)
{
  if (w->err) return;
  if (w->len + n >= w->cap) {
    w->err = -E2BIG;
    return;
  }
  memcpy(w->buf + w->len, s, n);
  w->len += n;
  w->buf[w->len] = 0;
}

static void newline(struct rp_jw *w, int depth)
{
  if (!w->indent) return;
  out(w, "\n", 1);
  for (int i = 0; i < depth * w->indent; i++) out(w, " ", 1);
}

// Separator before a new value or key at the current depth.
static void sep(struct rp_jw *w)
{
  if (w->after_key) {
    w->after_key = 0;
    return;
  }
  if (w->depth > 0) {
    if (w->count[w->depth]) out(w, ",", 1);
    newline(w, w->depth);
    if (w->count[w->depth] < 255) w->count[w->depth]++;
  }
}

static void open_c(struct rp_jw *w, char c)
{
  sep(w);
  out(w, &c, 1);
  if (w->depth + 1 >= (int)sizeof(w->count)) {
    w->err = -EINVAL;
    return;
  }
  w->count[++w->depth] = 0;
  if (c == '{') w->objects |= 1u << w->depth;
  else w->objects &= ~(1u << w->depth);
}

void rp_jw_obj(struct rp_jw *w) { open_c(w, '{'); }
void rp_jw_arr(struct rp_jw *w) { open_c(w, '['); }

void rp_jw_end(struct rp_jw *w)
{
  if (w->depth <= 0) {
    w->err = -EINVAL;
    return;
  }
  int had = w->count[w->depth], obj = (w->objects >> w->depth) & 1;
  w->depth--;
  if (had) newline(w, w->depth);
  out(w, obj ? "}" : "]", 1);
}

void rp_jw_strn(struct rp_jw *w, const char *s, size_t n)
{
  sep(w);
  out(w, "\"", 1);
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)s[i];
    char esc[8];
    if (c == '"' || c == '\\') {
      esc[0] = '\\';
      esc[1] = (char)c;
      out(w, esc, 2);
    } else if (c < 0x20) {
      rp_snprintf(esc, sizeof(esc), "\\u%04x", c);
      out(w, esc, 6);
    } else if (c >= 0x80) {
      // Take at most the length the lead byte announces, so a stray
      // continuation byte after a valid character costs only itself.
      size_t k = 1, want = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
      while (i + k < n && k < want && ((unsigned char)s[i + k] & 0xc0) == 0x80) k++;
      if (rp_utf8_valid(s + i, k)) out(w, s + i, k);
      else out(w, "\\ufffd", 6);
      i += k;
      continue;
    } else {
      out(w, (const char *)&s[i], 1);
    }
    i++;
  }
  out(w, "\"", 1);
}

void rp_jw_str(struct rp_jw *w, const char *s) { rp_jw_strn(w, s, strlen(s)); }

void rp_jw_key(struct rp_jw *w, const char *k)
{
  rp_jw_str(w, k);
  out(w, w->indent ? ": " : ":", w->indent ? 2 : 1);
  w->after_key = 1;
}

static void scalar(struct rp_jw *w, const char *s)
{
  sep(w);
  out(w, s, strlen(s));
}

void rp_jw_int(struct rp_jw *w, long long v)
{
  char b[24];
  rp_snprintf(b, sizeof(b), "%lld", v);
  scalar(w, b);
}

void rp_jw_bool(struct rp_jw *w, int v) { scalar(w, v ? "true" : "false"); }
void rp_jw_null(struct rp_jw *w) { scalar(w, "null"); }

void rp_jw_kstr(struct rp_jw *w, const char *k, const char *s)
{
  rp_jw_key(w, k);
  rp_jw_str(w, s);
}

void rp_jw_kint(struct rp_jw *w, const char *k, long long v)
{
  rp_jw_key(w, k);
  rp_jw_int(w, v);
}

void rp_jw_kbool(struct rp_jw *w, const char *k, int v)
{
  rp_jw_key(w, k);
  rp_jw_bool(w, v);
}

int rp_jw_finish(struct rp_jw *w)
{
  if (!w->err && w->depth) w->err = -EINVAL;
  return w->err ? w->err : (int)w->len;
}
