// fmt.c - integer and string formatting (see fmt.h)

#include "fmt.h"

#include <stdint.h>
#include <string.h>

struct out {
  char *buf;
  size_t cap, len;  // len counts everything, also what did not fit
};

static void put(struct out *o, const char *s, size_t n)
{
  if (o->len < o->cap) {
    size_t room = o->cap - o->len, k = n < room ? n : room;
    memcpy(o->buf + o->len, s, k);
  }
  o->len += n;
}

static void pad(struct out *o, char c, int n)
{
  for (; n > 0; n--) put(o, &c, 1);
}

struct spec {
  int left, zero, width, prec;  // prec < 0: none
  char conv;
};

// Digits of v in base into the end of buf; returns where they start.
static char *digits(uintmax_t v, unsigned base, int upper, char *end)
{
  const char *d = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char *p = end;
  do *--p = d[v % base];
  while ((v /= base) != 0);
  return p;
}

static void number(struct out *o, const struct spec *s, uintmax_t v, int neg)
{
  char tmp[48], *end = tmp + sizeof(tmp);
  unsigned base = s->conv == 'x' || s->conv == 'X' || s->conv == 'p' ? 16 : s->conv == 'o' ? 8 : 10;
  char *p = s->prec == 0 && v == 0 ? end : digits(v, base, s->conv == 'X', end);
  int n = (int)(end - p), zeros = s->prec > n ? s->prec - n : 0;
  const char *prefix = neg ? "-" : s->conv == 'p' ? "0x" : "";
  int plen = (int)strlen(prefix), fill = s->width - n - zeros - plen;
  if (s->zero && !s->left && s->prec < 0) zeros += fill > 0 ? fill : 0, fill = 0;
  if (!s->left) pad(o, ' ', fill);
  put(o, prefix, (size_t)plen);
  pad(o, '0', zeros);
  put(o, p, (size_t)n);
  if (s->left) pad(o, ' ', fill);
}

static void text(struct out *o, const struct spec *s, const char *str, size_t n)
{
  if (s->prec >= 0 && (size_t)s->prec < n) n = (size_t)s->prec;
  int fill = s->width > (int)n ? s->width - (int)n : 0;
  if (!s->left) pad(o, ' ', fill);
  put(o, str, n);
  if (s->left) pad(o, ' ', fill);
}

// The integer argument for length modifier len ('H' hh, 'h', 'l', 'L' ll,
// 'z', 'j', 't', 0 int), signed or not.
static uintmax_t arg_uint(va_list *ap, char len, int sgn, int *neg)
{
  intmax_t v;
  *neg = 0;
  switch (len) {
  case 'l': v = sgn ? va_arg(*ap, long) : (intmax_t)va_arg(*ap, unsigned long); break;
  case 'L': v = sgn ? va_arg(*ap, long long) : (intmax_t)va_arg(*ap, unsigned long long); break;
  case 'z': v = (intmax_t)va_arg(*ap, size_t); break;
  case 'j': v = sgn ? va_arg(*ap, intmax_t) : (intmax_t)va_arg(*ap, uintmax_t); break;
  case 't': v = (intmax_t)va_arg(*ap, ptrdiff_t); break;
  default: v = sgn ? va_arg(*ap, int) : (intmax_t)va_arg(*ap, unsigned); break;
  }
  if (len == 'H') v = sgn ? (signed char)v : (unsigned char)v;
  if (len == 'h') v = sgn ? (short)v : (unsigned short)v;
  if (!sgn) return len == 'L' || len == 'j' || len == 'z' || len == 'l' ? (uintmax_t)v : (uintmax_t)(unsigned)v;
  if (v < 0) {
    *neg = 1;
    return (uintmax_t)0 - (uintmax_t)v;
  }
  return (uintmax_t)v;
}

// Parse one conversion after '%'; returns the format position after it.
static const char *parse(const char *f, struct spec *s, char *len, va_list *ap)
{
  *s = (struct spec){.prec = -1};
  for (;; f++) {
    if (*f == '-') s->left = 1;
    else if (*f == '0') s->zero = 1;
    else if (!strchr("+ #", *f)) break;
  }
  if (*f == '*') {
    s->width = va_arg(*ap, int), f++;
    if (s->width < 0) s->left = 1, s->width = -s->width;
  }
  while (*f >= '0' && *f <= '9') s->width = s->width * 10 + (*f++ - '0');
  if (*f == '.') {
    s->prec = 0, f++;
    if (*f == '*') s->prec = va_arg(*ap, int), f++;
    while (*f >= '0' && *f <= '9') s->prec = s->prec * 10 + (*f++ - '0');
  }
  *len = 0;
  if (f[0] == 'h' && f[1] == 'h') *len = 'H', f += 2;
  else if (f[0] == 'l' && f[1] == 'l') *len = 'L', f += 2;
  else if (*f && strchr("hlzjt", *f)) *len = *f++;
  s->conv = *f;
  return *f ? f + 1 : f;
}

static void convert(struct out *o, struct spec *s, char len, va_list *ap)
{
  int neg;
  uintmax_t v;
  char c;
  const char *str;
  switch (s->conv) {
  case 'd': case 'i':
    v = arg_uint(ap, len, 1, &neg);  // before reading neg: argument order is unspecified
    number(o, s, v, neg);
    break;
  case 'u': case 'x': case 'X': case 'o': number(o, s, arg_uint(ap, len, 0, &neg), 0); break;
  case 'p': number(o, s, (uintptr_t)va_arg(*ap, void *), 0); break;
  case 'c': c = (char)va_arg(*ap, int), text(o, s, &c, 1); break;
  case 's':
    str = va_arg(*ap, const char *);
    if (!str) str = "(null)";
    text(o, s, str, s->prec >= 0 ? strnlen(str, (size_t)s->prec) : strlen(str));
    break;
  case '%': put(o, "%", 1); break;
  default: put(o, "%?", 2); break;  // a conversion we do not support
  }
}

int rp_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
  struct out o = {buf, cap ? cap - 1 : 0, 0};
  va_list aq;
  va_copy(aq, ap);
  while (*fmt) {
    const char *pct = strchr(fmt, '%');
    size_t n = pct ? (size_t)(pct - fmt) : strlen(fmt);
    put(&o, fmt, n);
    if (!pct) break;
    struct spec s;
    char len;
    fmt = parse(pct + 1, &s, &len, &aq);
    convert(&o, &s, len, &aq);
  }
  va_end(aq);
  if (cap) buf[o.len < cap ? o.len : cap - 1] = 0;
  return o.len > 0x7fffffff ? 0x7fffffff : (int)o.len;
}

int rp_snprintf(char *buf, size_t cap, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = rp_vsnprintf(buf, cap, fmt, ap);
  va_end(ap);
  return n;
}
