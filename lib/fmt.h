// fmt.h - printf-style formatting without floating point
//
// musl's printf family always links its floating-point formatter (on arm64
// with software long double: about 20 KiB), and nothing in this product
// formats floats. Everything formats through rp_vsnprintf instead
// (tests/source.test keeps the libc printf family out).
//
// Supported: flags '-' and '0'; width and precision as digits or '*';
// length hh h l ll z j t; conversions d i u x X o c s p %.

#ifndef RP_FMT_H
#define RP_FMT_H

#include <stdarg.h>
#include <stddef.h>

// vsnprintf semantics: writes at most cap bytes including the NUL (when
// cap > 0) and returns the length the whole result would have had.
int rp_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int rp_snprintf(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
