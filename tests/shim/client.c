// client.c - test-only ttrpc peer for tests/shim-proto.test
//
//   client SOCKET OP...      one connection to a shim; OPs run in order:
//     ns NAME                namespace metadata of later requests ("" = none)
//     sid N                  stream id of the next request (default 1, +2 each)
//     send TAG SVC METHOD F  send a Request whose payload is file F ("-": empty)
//     raw TYPE FLAGS F       send one frame of that type/flags, data = file F
//     frame LEN TYPE FLAGS F a frame header declaring LEN data bytes, then
//                            file F as is (fewer bytes: a truncated frame)
//     zeros N                N zero bytes (the rest of a declared frame)
//     shut                   shut down our sending side (the server sees EOF)
//     recv                   wait (10 s) for one reply; print "TAG: ok" or
//                            "TAG: CODE MESSAGE"; the payload goes to TAG.bin
//     loop N TAG SVC METHOD F  N requests, each answered (10 s) before the
//                            next: print "TAG: N ok", or the first failure as
//                            "TAG: request K: CODE MESSAGE" (or closed, timeout)
//     none MS                expect no reply within MS ms: print "quiet" or
//                            the reply's line
//     eof                    read until the server closes (5 s): print any
//                            replies, then "closed" (or "open" on timeout)
//     sleep MS
//   client -events SOCKET    serve containerd.services.events.ttrpc.v1.Events:
//                            each Forward prints "NS TOPIC TYPE_URL ts=set|zero"
//                            and saves the event to ev-N.bin; runs until killed
//
// Payloads are made by protoc --encode from tests/proto/*.proto and replies are
// decoded with protoc --decode, so this file knows no message but the envelopes.

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "taskpb.h"
#include "ttrpc.h"

static struct rp_ttrpc_conn conn;
static uint8_t frame[RP_TTRPC_BUF], file[RP_TTRPC_BUF];
static const char *ns = "rpns";
static uint32_t next_sid = 1;
static struct {
  uint32_t sid;
  char tag[64];
} tags[64];
static int ntags;
static int quiet;               // loop: replies are checked, not printed
static int32_t last_code;       // the last reply's code and message when quiet
static char last_msg[256];

static void die(const char *what)
{
  fprintf(stderr, "client: %s: %s\n", what, strerror(errno));
  exit(2);
}

static size_t load(const char *path)
{
  if (!strcmp(path, "-")) return 0;
  int fd = open(path, O_RDONLY);
  if (fd < 0) die(path);
  ssize_t n = read(fd, file, sizeof(file));
  if (n < 0) die(path);
  close(fd);
  return (size_t)n;
}

static void put32(uint8_t *p, uint32_t v)
{
  p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static void write_all(int fd, const void *p, size_t n)
{
  const uint8_t *b = p;
  while (n) {
    ssize_t w = write(fd, b, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && (errno == EPIPE || errno == ECONNRESET)) {  // the server hung up on us
      printf("closed\n");
      exit(1);
    }
    if (w <= 0) die("write");
    b += w, n -= (size_t)w;
  }
}

static void send_frame(uint32_t sid, uint8_t type, uint8_t flags, const void *data, size_t len)
{
  uint8_t h[RP_TTRPC_HDR];
  put32(h, (uint32_t)len);
  put32(h + 4, sid);
  h[8] = type, h[9] = flags;
  write_all(conn.fd, h, sizeof(h));
  write_all(conn.fd, data, len);
}

static void send_request(const char *tag, const char *svc, const char *method, const char *path)
{
  struct rp_pb_writer w;
  size_t n = load(path);
  rp_pb_writer_init(&w, frame, sizeof(frame));
  rp_pb_put_bytes(&w, 1, svc, strlen(svc));
  rp_pb_put_bytes(&w, 2, method, strlen(method));
  if (n) rp_pb_put_bytes(&w, 3, file, n);
  if (*ns) {
    struct rp_pb_kv kv = {RP_PB_S(RP_TTRPC_NS_KEY), rp_pb_cstr(ns)};
    rp_pb_put_msg(&w, 5, &rp_pb_kv_msg, &kv, true);
  }
  if (w.err) die("request too large");
  if (ntags < 64) {
    tags[ntags].sid = next_sid;
    snprintf(tags[ntags++].tag, sizeof(tags[0].tag), "%s", tag);
  }
  send_frame(next_sid, RP_TTRPC_T_REQUEST, 0, frame, w.len);
  next_sid += 2;
}

static const char *tag_of(uint32_t sid)
{
  static char buf[32];
  for (int i = ntags - 1; i >= 0; i--)  // the latest request on that stream id
    if (tags[i].sid == sid) return tags[i].tag;
  snprintf(buf, sizeof(buf), "sid%u", sid);
  return buf;
}

static long now_ms(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

// 1 = a reply was printed, 0 = timeout, -1 = connection closed.
static int recv_one(int ms, int print_timeout)
{
  struct rp_ttrpc_reply r;
  struct rp_err e;
  long deadline = now_ms() + ms;
  for (;;) {
    int rc = rp_ttrpc_conn_next_reply(&conn, &r, &e);
    if (rc == 1 && quiet) {
      last_code = r.code;
      snprintf(last_msg, sizeof(last_msg), "%.*s", (int)r.message.len, r.message.p);
      return 1;
    }
    if (rc == 1) {
      const char *tag = tag_of(r.sid);
      if (r.code) printf("%s: %d %.*s\n", tag, r.code, (int)r.message.len, r.message.p);
      else printf("%s: ok\n", tag);
      char name[96];
      snprintf(name, sizeof(name), "%s.bin", tag);
      int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        write_all(fd, r.payload.p, r.payload.len);
        close(fd);
      }
      fflush(stdout);
      return 1;
    }
    if (rc < 0 || conn.eof || conn.dead) {
      printf("closed\n");
      fflush(stdout);
      return -1;
    }
    long left = deadline - now_ms();
    if (left <= 0) {
      if (print_timeout) printf("timeout\n");
      fflush(stdout);
      return 0;
    }
    struct pollfd p = {conn.fd, POLLIN, 0};
    poll(&p, 1, (int)left);
    rp_ttrpc_conn_read(&conn, &e);
  }
}

static int dial(const char *path)
{
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  if (!strncmp(path, "unix://", 7)) path += 7;
  snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) die("connect");
  return fd;
}

static int client(int argc, char **argv)
{
  rp_ttrpc_conn_init(&conn, dial(argv[1]));
  for (int i = 2; i < argc; i++) {
    const char *op = argv[i];
#define NEED(n)                                                  \
  if (i + (n) >= argc) {                                         \
    fprintf(stderr, "client: %s needs %d arguments\n", op, (n)); \
    return 2;                                                    \
  }
    if (!strcmp(op, "ns")) {
      NEED(1);
      ns = argv[++i];
    } else if (!strcmp(op, "sid")) {
      NEED(1);
      next_sid = (uint32_t)strtoul(argv[++i], NULL, 0);
    } else if (!strcmp(op, "send")) {
      NEED(4);
      send_request(argv[i + 1], argv[i + 2], argv[i + 3], argv[i + 4]);
      i += 4;
    } else if (!strcmp(op, "raw")) {
      NEED(3);
      size_t n = load(argv[i + 3]);
      send_frame(next_sid, (uint8_t)atoi(argv[i + 1]), (uint8_t)atoi(argv[i + 2]), file, n);
      next_sid += 2;
      i += 3;
    } else if (!strcmp(op, "loop")) {
      NEED(5);
      int n = atoi(argv[i + 1]);
      const char *tag = argv[i + 2];
      quiet = 1;
      for (int k = 1; k <= n; k++) {
        send_request(tag, argv[i + 3], argv[i + 4], argv[i + 5]);
        int rc = recv_one(10000, 0);
        if (rc == 0) printf("%s: request %d: timeout\n", tag, k);
        else if (rc == 1 && last_code) printf("%s: request %d: %d %s\n", tag, k, last_code, last_msg);
        if (rc != 1 || last_code) return 1;
      }
      quiet = 0;
      printf("%s: %d ok\n", tag, n);
      i += 5;
    } else if (!strcmp(op, "frame")) {
      NEED(4);
      uint8_t h[RP_TTRPC_HDR];
      size_t n = load(argv[i + 4]);
      put32(h, (uint32_t)strtoul(argv[i + 1], NULL, 0));
      put32(h + 4, next_sid);
      h[8] = (uint8_t)atoi(argv[i + 2]), h[9] = (uint8_t)atoi(argv[i + 3]);
      write_all(conn.fd, h, sizeof(h));
      write_all(conn.fd, file, n);
      next_sid += 2;
      i += 4;
    } else if (!strcmp(op, "zeros")) {
      NEED(1);
      static const uint8_t zero[4096];
      for (long left = atol(argv[++i]); left > 0; left -= (long)sizeof(zero))
        write_all(conn.fd, zero, left < (long)sizeof(zero) ? (size_t)left : sizeof(zero));
    } else if (!strcmp(op, "shut")) {
      shutdown(conn.fd, SHUT_WR);
    } else if (!strcmp(op, "recv")) {
      if (recv_one(10000, 1) <= 0) return 1;
    } else if (!strcmp(op, "none")) {
      NEED(1);
      int rc = recv_one(atoi(argv[++i]), 0);
      if (rc == 0) printf("quiet\n");
      fflush(stdout);
    } else if (!strcmp(op, "eof")) {
      int rc;
      while ((rc = recv_one(5000, 0)) == 1) {}
      if (rc == 0) printf("open\n");
    } else if (!strcmp(op, "sleep")) {
      NEED(1);
      usleep((useconds_t)atoi(argv[++i]) * 1000);
    } else {
      fprintf(stderr, "client: unknown op %s\n", op);
      return 2;
    }
  }
  return 0;
}

// ---- a stand-in for containerd's event service -----------------------------

#define EV_CONNS 8
static struct rp_ttrpc_conn evc[EV_CONNS];
static int nev;

static void forward(struct rp_ttrpc_conn *c, const struct rp_ttrpc_call *call)
{
  static struct rp_pb_forward_request f;
  char name[32];
  if (!rp_pb_str_eq(call->service, "containerd.services.events.ttrpc.v1.Events")) {
    rp_ttrpc_conn_no_service(c, call);
    return;
  }
  if (!rp_pb_str_eq(call->method, "Forward")) {
    rp_ttrpc_conn_no_method(c, call);
    return;
  }
  if (rp_ttrpc_conn_decode(c, call, &rp_pb_forward_request_msg, &f) < 0) return;
  const struct rp_pb_envelope *v = &f.envelope;
  printf("%.*s %.*s %.*s ts=%s\n", (int)v->namespace.len, v->namespace.p, (int)v->topic.len,
         v->topic.p, (int)v->event.type_url.len, v->event.type_url.p,
         v->timestamp.seconds ? "set" : "zero");
  if (!rp_pb_str_eq(call->ns, "") && !(call->ns.len == v->namespace.len &&
                                       !memcmp(call->ns.p, v->namespace.p, call->ns.len)))
    printf("metadata namespace %.*s differs\n", (int)call->ns.len, call->ns.p);
  fflush(stdout);
  snprintf(name, sizeof(name), "ev-%d.bin", ++nev);
  int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    write_all(fd, v->event.value.p, v->event.value.len);
    close(fd);
  }
  rp_ttrpc_conn_reply(c, call->sid, NULL, NULL);
}

static void events(const char *path)
{
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  struct pollfd p[1 + EV_CONNS];
  snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
  unlink(path);
  int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(lfd, 8) < 0) die("listen");
  for (int i = 0; i < EV_CONNS; i++) evc[i].fd = -1;
  signal(SIGPIPE, SIG_IGN);
  for (;;) {
    p[0] = (struct pollfd){lfd, POLLIN, 0};
    for (int i = 0; i < EV_CONNS; i++)
      p[1 + i] = (struct pollfd){evc[i].fd, evc[i].fd >= 0 ? rp_ttrpc_conn_events(&evc[i]) : 0, 0};
    if (poll(p, 1 + EV_CONNS, -1) < 0 && errno != EINTR) die("poll");
    if (p[0].revents) {
      int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
      for (int i = 0; fd >= 0 && i < EV_CONNS; i++)
        if (evc[i].fd < 0) {
          rp_ttrpc_conn_init(&evc[i], fd);
          fd = -1;
        }
      if (fd >= 0) close(fd);
    }
    for (int i = 0; i < EV_CONNS; i++) {
      struct rp_ttrpc_call call;
      struct rp_err e;
      if (evc[i].fd < 0) continue;
      if (p[1 + i].revents & (POLLIN | POLLHUP | POLLERR)) rp_ttrpc_conn_read(&evc[i], &e);
      while (rp_ttrpc_conn_next(&evc[i], &call, &e) == 1) forward(&evc[i], &call);
      rp_ttrpc_conn_flush(&evc[i], &e);
      if (!rp_ttrpc_conn_events(&evc[i])) {
        close(evc[i].fd);
        evc[i].fd = -1;
      }
    }
  }
}

int main(int argc, char **argv)
{
  setvbuf(stdout, NULL, _IOLBF, 0);
  signal(SIGPIPE, SIG_IGN);
  if (argc == 3 && !strcmp(argv[1], "-events")) events(argv[2]);
  if (argc < 2) {
    fprintf(stderr, "usage: client SOCKET OP... | client -events SOCKET\n");
    return 2;
  }
  return client(argc, argv);
}
