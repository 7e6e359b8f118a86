// json.c - unit tests of lib/json.c: strict reading over jsmn, the writer
//
// The reader must refuse everything RFC 8259 refuses, because config.json and
// state.json come from outside; the writer must produce exactly the bytes the
// shell tests and Docker's decoders expect.

#include "unit.h"

#include <errno.h>
#include <limits.h>

#include "json.h"

#define NTOK 64

static jsmntok_t toks[NTOK];
static struct rp_json j;
static struct rp_err e;

// Parse a literal (sizeof keeps embedded NULs) with room for NTOK tokens.
#define PARSE(lit) parse(lit, sizeof(lit) - 1, NTOK)

static int parse(const char *s, size_t n, int cap)
{
  rp_errclear(&e);
  return rp_json_parse(&j, "doc", s, n, toks, cap, &e);
}

static int test_valid_documents(void)
{
  static const struct { const char *doc; int ntok; } ok[] = {
      {"{}", 1},
      {"[]", 1},
      {" \t\r\n{ } \n", 1},
      {"[1, -2, 0.5, -0, 1e3, 1E-2, 2.5e+10, true, false, null]", 11},
      {"{\"a\" : [ 1 , { \"b\" : null } ] , \"c\":\"d\"}", 9},
      {"[\"\", \"\\\"\\\\\\/\\b\\f\\n\\r\\t\", \"\\u00e9\\ud83d\\ude00\"]", 4},
      {"[[[[]]]]", 4},
      {"{\"\\u0061\":\"caf\xc3\xa9 \xf0\x9f\x98\x80\"}", 3},
  };
  for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
    if (parse(ok[i].doc, strlen(ok[i].doc), NTOK)) printf("  doc %zu: %s\n", i, e.msg);
    check(e.code == 0);
    check(j.n == ok[i].ntok);
  }
  return 0;
}

// Every document JSON forbids, with the exact sentence and code.
static int test_invalid_documents(void)
{
  static const struct { const char *doc, *msg; } bad[] = {
      {"", "doc is empty"},
      {"   ", "doc is empty"},
      {"\"x\"", "doc is not a JSON object"},
      {"{", "doc is truncated JSON"},
      {"[1", "doc is truncated JSON"},
      {"{} 1", "doc is truncated JSON"},  // jsmn: a number must be followed by , ] }
      {"{}{}", "doc holds more than one JSON value"},
      {"{} []", "doc holds more than one JSON value"},
      {"{} x", "doc is not valid JSON (error near byte 3)"},
      {"[1]x", "doc is not valid JSON (error near byte 3)"},
      {"{\"a\":1}}", "doc is not valid JSON (error near byte 7)"},
      {"[tru]", "doc is not valid JSON (error near byte 1)"},
      {"[nul]", "doc is not valid JSON (error near byte 1)"},
      {"[truex]", "doc is not valid JSON (error near byte 1)"},
      {"[01]", "doc is not valid JSON (error near byte 1)"},
      {"[-]", "doc is not valid JSON (error near byte 1)"},
      {"[1.]", "doc is not valid JSON (error near byte 1)"},
      {"[1e]", "doc is not valid JSON (error near byte 1)"},
      {"[+1]", "doc is not valid JSON (error near byte 1)"},
      {"[.5]", "doc is not valid JSON (error near byte 1)"},
      {"['a']", "doc is not valid JSON (error near byte 1)"},
      {"[\"a\tb\"]", "doc is not valid JSON (error near byte 3)"},   // raw tab
      {"[\"a\nb\"]", "doc is not valid JSON (error near byte 3)"},   // raw newline
      {"[\"\x1f\"]", "doc is not valid JSON (error near byte 2)"},
      {"[\"\\x\"]", "doc is not valid JSON (error near byte 1)"},    // unknown escape
      {"[\"\\u12\"]", "doc is not valid JSON (error near byte 1)"},  // short \u
      {"[\"\\u12g4\"]", "doc is not valid JSON (error near byte 1)"},
      {"{1:2}", "doc is not valid JSON (error near byte 1)"},        // key not a string
      {"{\"a\"}", "doc is not valid JSON (error near byte 0)"},      // key without value
      {"{\"a\":}", "doc is not valid JSON (error near byte 0)"},
      {"{\"a\":1 \"b\":2}", "doc is not valid JSON (error near byte 0)"},
      // Punctuation jsmn's strict mode lets through.
      {"[1 2]", "doc is not valid JSON (error near byte 3)"},
      {"[1,]", "doc is not valid JSON (error near byte 2)"},
      {"[,1]", "doc is not valid JSON (error near byte 1)"},
      {"[1,,2]", "doc is not valid JSON (error near byte 3)"},
      {"[\"a\" \"b\"]", "doc is not valid JSON (error near byte 5)"},
      {"[\"a\":1]", "doc is not valid JSON (error near byte 4)"},
      {"[{}{}]", "doc is not valid JSON (error near byte 3)"},
      {"{\"a\"::1}", "doc is not valid JSON (error near byte 5)"},
      {"{\"a\":1,}", "doc is not valid JSON (error near byte 6)"},
      {"{,\"a\":1}", "doc is not valid JSON (error near byte 1)"},
      {"[:1]", "doc is not valid JSON (error near byte 1)"},
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
    int r = parse(bad[i].doc, strlen(bad[i].doc), NTOK);
    if (r != -EINVAL) printf("  doc %zu (%s): r=%d\n", i, bad[i].doc, r);
    check(r == -EINVAL);
    check(e.code == EINVAL);
    check_str(e.msg, bad[i].msg);
  }
  return 0;
}

// jsmn treats a NUL byte as the end of the text; nothing may hide behind one.
static int test_nul_bytes(void)
{
  check(PARSE("{}\0x") == -EINVAL);
  check_str(e.msg, "doc is not valid JSON (error near byte 2)");
  check(PARSE("[\"a\0b\"]") == -EINVAL);
  check_str(e.msg, "doc is not valid JSON (error near byte 3)");
  return 0;
}

static int test_invalid_utf8(void)
{
  static const char *const bad[] = {
      "[\"\xc0\xaf\"]",          // overlong '/'
      "[\"\xe0\x80\xaf\"]",      // overlong, 3 bytes
      "[\"\xf0\x80\x80\xaf\"]",  // overlong, 4 bytes
      "[\"\xed\xa0\x80\"]",      // UTF-16 surrogate D800
      "[\"\xed\xbf\xbf\"]",      // surrogate DFFF
      "[\"\xf4\x90\x80\x80\"]",  // above U+10FFFF
      "[\"\xe2\x82\"]",          // truncated sequence
      "[\"\x80\"]",              // lone continuation byte
      "[\"\xff\"]",
      "[\"\xf8\x88\x80\x80\x80\"]",
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
    check(parse(bad[i], strlen(bad[i]), NTOK) == -EINVAL);
    check_str(e.msg, "doc is not valid UTF-8");
  }
  return 0;
}

static int test_utf8_valid(void)
{
  check(rp_utf8_valid("", 0));
  check(rp_utf8_valid("\x7f", 1));
  check(rp_utf8_valid("\xc2\x80", 2));          // smallest 2-byte
  check(rp_utf8_valid("\xef\xbf\xbf", 3));      // U+FFFF
  check(rp_utf8_valid("\xee\x80\x80", 3));      // U+E000, just past the surrogates
  check(rp_utf8_valid("\xed\x9f\xbf", 3));      // U+D7FF, just before them
  check(rp_utf8_valid("\xf4\x8f\xbf\xbf", 4));  // U+10FFFF
  check(!rp_utf8_valid("\xc1\xbf", 2));
  check(!rp_utf8_valid("\xe0\x9f\xbf", 3));
  check(!rp_utf8_valid("\xf0\x8f\xbf\xbf", 4));
  check(!rp_utf8_valid("\xf0\x9f\x98", 3));     // a 4-byte sequence cut short
  check(!rp_utf8_valid("\xc3\xa9", 1));         // n is honoured
  check(!rp_utf8_valid("\xc3\x28", 2));         // continuation missing
  return 0;
}

// A deep document runs out of tokens: a clean E2BIG, no overflow.
static int test_token_cap(void)
{
  char deep[401];
  for (int i = 0; i < 200; i++) deep[i] = '[', deep[200 + i] = ']';
  deep[400] = 0;
  check(parse(deep, 400, NTOK) == -E2BIG);
  check(e.code == E2BIG);
  check_str(e.msg, "doc is too complex (more than 64 JSON tokens)");
  check(j.n == 0);
  check(parse(deep + 200 - 64, 128, NTOK) == 0);  // exactly 64 tokens fit
  check(j.n == 64);
  check(parse("[1,2]", 5, 2) == -E2BIG);
  return 0;
}

// Go and Python keep the last of two equal keys, a first-match reader the
// first: any document with two is refused, naming the key, wherever the
// object is and however the key is spelt (\u0000, which no string of ours
// may hold, compares as written).
static int test_duplicate_keys(void)
{
  static const struct { const char *doc, *msg; } dup[] = {
      {"{\"a\":1,\"a\":2}", "doc holds the key \"a\" twice (the second near byte 7)"},
      {"{\"p\":{\"args\":[\"x\"],\"env\":[],\"args\":[\"y\"]}}", "doc holds the key \"args\" twice (the second near byte 28)"},
      {"[{},{\"k\":[{\"z\":0,\"y\":0,\"z\":1}]}]", "doc holds the key \"z\" twice (the second near byte 23)"},
      {"{\"ab\":1,\"\\u0061\\u0062\":2}", "doc holds the key \"ab\" twice (the second near byte 8)"},
      {"{\"\\n\":1,\"\\u000a\":2}", "doc holds the key \"?\" twice (the second near byte 8)"},
      {"{\"\\u0000\":1,\"\\u0000\":2}", "doc holds the key \"\\u0000\" twice (the second near byte 12)"},
  };
  for (size_t i = 0; i < sizeof(dup) / sizeof(*dup); i++) {
    check(parse(dup[i].doc, strlen(dup[i].doc), NTOK) == -EINVAL);
    check_str(e.msg, dup[i].msg);
  }
  // Different keys that only look alike, and equal keys in different objects.
  static const char *const ok[] = {"{\"a\":{\"a\":1},\"b\":{\"a\":2}}", "{\"\\\\u0000\":1,\"\\u0000\":2}",
                                   "{\"a\":1,\"A\":2,\"a \":3,\"\\u00e9\":4,\"e\":5}"};
  for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++) check(parse(ok[i], strlen(ok[i]), NTOK) == 0);
  return 0;
}

// An object too large for the hash set is checked pair by pair: the same
// answer, at either end of it.
static int test_duplicate_keys_large(void)
{
  static jsmntok_t big[4200];
  static char doc[40000];
  for (int last = 0; last < 2; last++) {
    size_t o = 0;
    doc[o++] = '{';
    for (int i = 0; i < 2000; i++) o += (size_t)sprintf(doc + o, "%s\"k%d\":0", i ? "," : "", i);
    if (last) o += (size_t)sprintf(doc + o, ",\"k1999\":1");
    doc[o++] = '}';
    rp_errclear(&e);
    int r = rp_json_parse(&j, "doc", doc, o, big, 4200, &e);
    check(r == (last ? -EINVAL : 0));
    if (last) check_str(e.msg, "doc holds the key \"k1999\" twice (the second near byte 18891)");
  }
  return 0;
}

static const char nested[] =
    "{\"process\": {\"args\": [\"fw.elf\", \"-v\"], \"env\": []},"
    " \"a\\u002eb\": 1, \"n\": {\"x\": {\"y\": 7}}, \"last\": true}";

static int test_get_path(void)
{
  check(PARSE(nested) == 0);
  check(rp_json_get(&j, 0, "process") == 2);
  check(rp_json_get(&j, 0, "missing") == -1);
  check(rp_json_get(&j, 2, "args") == 4);
  check(rp_json_get(&j, 4, "x") == -1);   // an array is no object
  check(rp_json_get(&j, 99, "x") == -1);
  check(rp_json_get(&j, 0, "args") == -1);  // only direct members
  check(rp_json_get(&j, 0, "a.b") == 10);   // the key is unescaped to compare
  check(rp_json_path(&j, 0, "process.args") == 4);
  check(rp_json_path(&j, 0, "n.x.y") == 16);
  check(rp_json_path(&j, 0, "n.x.z") == -1);
  check(rp_json_path(&j, 0, "process.args.x") == -1);
  check(rp_json_path(&j, 0, "") == 0);
  long long v;
  check(rp_json_int(&j, rp_json_path(&j, 0, "n.x.y"), &v) == 0 && v == 7);
  int b;
  check(rp_json_bool(&j, rp_json_get(&j, 0, "last"), &b) == 0 && b == 1);
  return 0;
}

static int test_elem_next(void)
{
  char buf[16];
  check(PARSE(nested) == 0);
  check(j.n == 19);
  check(rp_json_next(&j, 0) == 19);
  check(rp_json_next(&j, 2) == 9);   // after process's subtree: the key "a.b"
  check(rp_json_next(&j, 5) == 6);   // a leaf
  check(rp_json_next(&j, -1) == 19);
  check(rp_json_next(&j, 19) == 19);
  check(rp_json_elem(&j, 4, 0) == 5);
  check(rp_json_elem(&j, 4, 1) == 6);
  check(rp_json_elem(&j, 4, 2) == -1);
  check(rp_json_elem(&j, 4, -1) == -1);
  check(rp_json_elem(&j, 8, 0) == -1);  // empty array
  check(rp_json_elem(&j, 0, 0) == 2);   // object: the n-th value
  check(rp_json_elem(&j, 0, 1) == 10);
  check(rp_json_elem(&j, 0, 2) == 12);
  check(rp_json_elem(&j, 0, 3) == 18);
  check(rp_json_elem(&j, 5, 0) == -1);  // a string has no elements
  check(rp_json_str(&j, rp_json_elem(&j, 4, 1), buf, sizeof(buf)) == 2);
  check_str(buf, "-v");
  check(rp_json_is(&j, 4, JSMN_ARRAY) && !rp_json_is(&j, 4, JSMN_OBJECT) && !rp_json_is(&j, 19, JSMN_ARRAY));
  return 0;
}

static int test_str_unescape(void)
{
  char buf[64];
  check(PARSE("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\", \"\\u00e9\\u20ac\", \"\\ud83d\\ude00x\", \"\", 1]") == 0);
  check(rp_json_str(&j, 1, buf, sizeof(buf)) == 8);
  check_str(buf, "\"\\/\b\f\n\r\t");
  check(rp_json_str(&j, 2, buf, sizeof(buf)) == 5);
  check_str(buf, "\xc3\xa9\xe2\x82\xac");
  check(rp_json_str(&j, 3, buf, sizeof(buf)) == 5);  // a surrogate pair is one code point
  check_str(buf, "\xf0\x9f\x98\x80x");
  check(rp_json_str(&j, 4, buf, sizeof(buf)) == 0);
  check_str(buf, "");
  check(rp_json_str(&j, 5, buf, sizeof(buf)) == -EINVAL);  // a number
  check(rp_json_str(&j, 0, buf, sizeof(buf)) == -EINVAL);  // the array
  check(rp_json_str(&j, 1, buf, 0) == -EINVAL);
  // E2BIG at the exact boundary: 5 bytes need 6 with the NUL.
  check(rp_json_str(&j, 2, buf, 6) == 5);
  check(rp_json_str(&j, 2, buf, 5) == -E2BIG);
  check(rp_json_str(&j, 3, buf, 4) == -E2BIG);  // a code point is never split
  check(rp_json_str(&j, 3, buf, 5) == -E2BIG);
  return 0;
}

// Escapes jsmn accepts but a reader must refuse: NUL, lone surrogates.
static int test_str_bad_escapes(void)
{
  static const char *const bad[] = {
      "[\"\\u0000\"]", "[\"a\\u0000b\"]", "[\"\\ud83d\"]", "[\"\\ud83dx\"]", "[\"\\ude00\"]",
      "[\"\\ud83d\\u0041\"]", "[\"\\ud83d\\ud83d\"]", "[\"\\udbff\\n\"]",
  };
  char buf[32];
  for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
    check(parse(bad[i], strlen(bad[i]), NTOK) == 0);
    check(rp_json_str(&j, 1, buf, sizeof(buf)) == -EINVAL);
  }
  return 0;
}

static int test_int_range(void)
{
  long long v = 42;
  check(PARSE("[9223372036854775807, -9223372036854775808, 9223372036854775808,"
              " -9223372036854775809, 99999999999999999999999, -0, 0, 1.5, 1e3, \"5\", true]") == 0);
  check(rp_json_int(&j, 1, &v) == 0 && v == LLONG_MAX);
  check(rp_json_int(&j, 2, &v) == 0 && v == LLONG_MIN);
  v = 42;
  check(rp_json_int(&j, 3, &v) == -ERANGE && v == 42);  // out untouched on error
  check(rp_json_int(&j, 4, &v) == -ERANGE);
  check(rp_json_int(&j, 5, &v) == -ERANGE);
  check(rp_json_int(&j, 6, &v) == 0 && v == 0);
  check(rp_json_int(&j, 7, &v) == 0 && v == 0);
  check(rp_json_int(&j, 8, &v) == -EINVAL);
  check(rp_json_int(&j, 9, &v) == -EINVAL);
  check(rp_json_int(&j, 10, &v) == -EINVAL);
  check(rp_json_int(&j, 11, &v) == -EINVAL);
  check(rp_json_int(&j, 0, &v) == -EINVAL);
  check(rp_json_int(&j, 12, &v) == -EINVAL);
  return 0;
}

static int test_bool(void)
{
  int b = 7;
  check(PARSE("[true, false, null, 1, \"true\"]") == 0);
  check(rp_json_bool(&j, 1, &b) == 0 && b == 1);
  check(rp_json_bool(&j, 2, &b) == 0 && b == 0);
  b = 7;
  check(rp_json_bool(&j, 3, &b) == -EINVAL && b == 7);
  check(rp_json_bool(&j, 4, &b) == -EINVAL);
  check(rp_json_bool(&j, 5, &b) == -EINVAL);
  return 0;
}

static int test_writer_compact(void)
{
  char buf[256];
  struct rp_jw w;
  rp_jw_init(&w, buf, sizeof(buf), 0);
  rp_jw_obj(&w);
  rp_jw_kstr(&w, "id", "c1");
  rp_jw_kint(&w, "pid", -12);
  rp_jw_kbool(&w, "ok", 1);
  rp_jw_key(&w, "list");
  rp_jw_arr(&w);
  rp_jw_int(&w, LLONG_MIN);
  rp_jw_null(&w);
  rp_jw_bool(&w, 0);
  rp_jw_obj(&w);
  rp_jw_end(&w);
  rp_jw_arr(&w);
  rp_jw_end(&w);
  rp_jw_end(&w);
  rp_jw_end(&w);
  const char *want =
      "{\"id\":\"c1\",\"pid\":-12,\"ok\":true,\"list\":[-9223372036854775808,null,false,{},[]]}";
  check(rp_jw_finish(&w) == (int)strlen(want));
  check_str(buf, want);
  return 0;
}

// The indented form is what `state` prints: runc's two-space layout.
static int test_writer_indent(void)
{
  char buf[256];
  struct rp_jw w;
  rp_jw_init(&w, buf, sizeof(buf), 2);
  rp_jw_obj(&w);
  rp_jw_kstr(&w, "a", "b");
  rp_jw_key(&w, "l");
  rp_jw_arr(&w);
  rp_jw_int(&w, 1);
  rp_jw_obj(&w);
  rp_jw_kbool(&w, "t", 0);
  rp_jw_end(&w);
  rp_jw_end(&w);
  rp_jw_key(&w, "e");
  rp_jw_obj(&w);
  rp_jw_end(&w);
  rp_jw_end(&w);
  check(rp_jw_finish(&w) > 0);
  check_str(buf, "{\n  \"a\": \"b\",\n  \"l\": [\n    1,\n    {\n      \"t\": false\n    }\n  ],\n"
                 "  \"e\": {}\n}");
  return 0;
}

static int jw_string(const char *s, size_t n, char *buf, size_t cap)
{
  struct rp_jw w;
  rp_jw_init(&w, buf, cap, 0);
  rp_jw_strn(&w, s, n);
  return rp_jw_finish(&w);
}

static int test_writer_escaping(void)
{
  char buf[128];
  check(jw_string("a\"b\\c/", 6, buf, sizeof(buf)) == 10);
  check_str(buf, "\"a\\\"b\\\\c/\"");
  check(jw_string("\n\t\x01\x1f\x7f", 5, buf, sizeof(buf)) == 27);
  check_str(buf, "\"\\u000a\\u0009\\u0001\\u001f\x7f\"");
  check(jw_string("x\0y", 3, buf, sizeof(buf)) > 0);  // strn carries a NUL as \u0000
  check_str(buf, "\"x\\u0000y\"");
  check(jw_string("caf\xc3\xa9 \xf0\x9f\x98\x80", 10, buf, sizeof(buf)) > 0);
  check_str(buf, "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
  return 0;
}

// Invalid UTF-8 becomes U+FFFD, one per broken sequence, keeping the rest.
static int test_writer_bad_utf8(void)
{
  char buf[128];
  static const struct { const char *in, *out; } t[] = {
      {"a\xff" "b", "\"a\\ufffdb\""},
      {"\xc0\xaf", "\"\\ufffd\""},                 // overlong: one sequence
      {"\xed\xa0\x80", "\"\\ufffd\""},             // surrogate
      {"\xe2\x82", "\"\\ufffd\""},                 // truncated at the end
      {"\xe2\x82z", "\"\\ufffdz\""},               // truncated before ASCII
      {"\x80\x80", "\"\\ufffd\\ufffd\""},          // stray continuations
      {"\xc3\xa9\x80", "\"\xc3\xa9\\ufffd\""},     // valid char, then a stray byte
      {"\xf0\x9f\x98\x80\x80", "\"\xf0\x9f\x98\x80\\ufffd\""},
  };
  for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++) {
    check(jw_string(t[i].in, strlen(t[i].in), buf, sizeof(buf)) == (int)strlen(t[i].out));
    check_str(buf, t[i].out);
  }
  return 0;
}

// A full buffer is a sticky E2BIG; the text so far stays NUL-terminated.
static int test_writer_e2big(void)
{
  char buf[8];
  struct rp_jw w;
  rp_jw_init(&w, buf, sizeof(buf), 0);
  rp_jw_arr(&w);
  rp_jw_str(&w, "abcd");  // [ + "abcd" = 7 bytes: needs 8 with the NUL, fits
  check(w.err == 0 && w.len == 7);
  rp_jw_end(&w);
  check(rp_jw_finish(&w) == -E2BIG);
  check_str(buf, "[\"abcd\"");
  rp_jw_init(&w, buf, sizeof(buf), 0);
  rp_jw_str(&w, "abcdef");
  check(rp_jw_finish(&w) == -E2BIG);
  check_str(buf, "\"abcdef");
  rp_jw_init(&w, buf, 1, 0);
  rp_jw_null(&w);
  check(rp_jw_finish(&w) == -E2BIG && buf[0] == 0);
  return 0;
}

static int test_writer_structure(void)
{
  char buf[256];
  struct rp_jw w;
  rp_jw_init(&w, buf, sizeof(buf), 0);
  for (int i = 0; i < 23; i++) rp_jw_arr(&w);  // depths 1..23 fit in count[24]
  check(w.err == 0 && w.depth == 23);
  rp_jw_arr(&w);
  check(rp_jw_finish(&w) == -EINVAL);
  rp_jw_init(&w, buf, sizeof(buf), 0);
  rp_jw_end(&w);  // nothing open
  check(rp_jw_finish(&w) == -EINVAL);
  rp_jw_init(&w, buf, sizeof(buf), 0);
  rp_jw_obj(&w);  // never closed
  check(rp_jw_finish(&w) == -EINVAL);
  // Objects and arrays interleaved up to the limit close with the right bracket.
  char want[256];
  int n = 0;
  rp_jw_init(&w, buf, sizeof(buf), 0);
  for (int i = 0; i < 11; i++) rp_jw_obj(&w), rp_jw_key(&w, "k"), rp_jw_arr(&w);
  rp_jw_obj(&w);
  for (int i = 0; i < 23; i++) rp_jw_end(&w);
  for (int i = 0; i < 11; i++) n += snprintf(want + n, sizeof(want) - (size_t)n, "{\"k\":[");
  n += snprintf(want + n, sizeof(want) - (size_t)n, "{}");
  for (int i = 0; i < 11; i++) n += snprintf(want + n, sizeof(want) - (size_t)n, "]}");
  check(rp_jw_finish(&w) == (int)strlen(want));
  check_str(buf, want);
  return 0;
}

// What the writer produces, the reader takes back unchanged.
static int test_round_trip(void)
{
  char buf[256], s[64];
  static const char *const in = "q\"\\\n\x01 \xc3\xa9\xf0\x9f\x98\x80";
  struct rp_jw w;
  rp_jw_init(&w, buf, sizeof(buf), 2);
  rp_jw_obj(&w);
  rp_jw_kstr(&w, in, in);
  rp_jw_end(&w);
  int n = rp_jw_finish(&w);
  check(n > 0);
  check(parse(buf, (size_t)n, NTOK) == 0);
  check(rp_json_str(&j, rp_json_get(&j, 0, in), s, sizeof(s)) == (int)strlen(in));
  check_str(s, in);
  return 0;
}

// Nesting is limited to RP_JSON_DEPTH levels, checked on the text before
// jsmn runs (deep documents cost depth x size to parse); brackets inside
// strings do not count.
static int test_depth_limit(void)
{
  static char doc[2 * RP_JSON_DEPTH + 64];
  static jsmntok_t many[RP_JSON_DEPTH + 8];
  struct rp_json jj;
  struct rp_err er;
  for (int d = RP_JSON_DEPTH; d <= RP_JSON_DEPTH + 1; d++) {
    memset(doc, '[', (size_t)d);
    memset(doc + d, ']', (size_t)d);
    doc[2 * d] = 0;
    int r = rp_json_parse(&jj, "doc", doc, (size_t)(2 * d), many, RP_JSON_DEPTH + 8, &er);
    if (d == RP_JSON_DEPTH) check(r == 0);
    else check(r == -EINVAL);
  }
  check_str(er.msg, "doc nests deeper than 256 levels (near byte 256)");
  static const char quoted[] = "{\"a\":\"[[[[[[[[[[{{{{{{{{\\\"]]]\"}";
  check(rp_json_parse(&jj, "doc", quoted, sizeof(quoted) - 1, many, 8, &er) == 0);
  return 0;
}

int main(void)
{
  RUN(test_valid_documents);
  RUN(test_depth_limit);
  RUN(test_invalid_documents);
  RUN(test_nul_bytes);
  RUN(test_invalid_utf8);
  RUN(test_utf8_valid);
  RUN(test_token_cap);
  RUN(test_duplicate_keys);
  RUN(test_duplicate_keys_large);
  RUN(test_get_path);
  RUN(test_elem_next);
  RUN(test_str_unescape);
  RUN(test_str_bad_escapes);
  RUN(test_int_range);
  RUN(test_bool);
  RUN(test_writer_compact);
  RUN(test_writer_indent);
  RUN(test_writer_escaping);
  RUN(test_writer_bad_utf8);
  RUN(test_writer_e2big);
  RUN(test_writer_structure);
  RUN(test_round_trip);
  return unit_end();
}
