/*
 * wsload: the load generator of wskit's server benchmark, and the neutral echo server of its client
 * benchmark. C, epoll, one thread, non-blocking sockets, so that it is never the bottleneck of what
 * it measures. Compiled at benchmark time by apps/bench/src/load/build.ts (`cc -O2`).
 *
 * Modes (every mode prints JSON lines on standard output; errors go to standard error, exit 1):
 *
 *   wsload load --port P [--host 127.0.0.1] --connections N --size BYTES --inflight K
 *               [--text] [--raw] [--warmup SEC] [--duration SEC] [--watch PID[,PID...]]
 *     Opens N WebSocket connections (real HTTP/1.1 upgrade; Sec-WebSocket-Accept checked), keeps K
 *     pre-built masked frames in flight on each, checks every echo byte for byte (opcode, length,
 *     content) and counts the echoes completed in the timed window. `--raw` skips the handshake and
 *     expects the very bytes it sent back (a TCP echo: the ceiling). At the end: stops sending,
 *     waits until every message in flight has come back and checked, and prints the result with
 *     its own CPU time (getrusage) and the watched processes' (from /proc/<pid>/stat).
 *
 *   wsload handshakes --port P --concurrency C --size BYTES [--warmup SEC] [--duration SEC] [--watch ...]
 *     C connections at a time, each: connect, upgrade, one message and its echo, a Close and the
 *     server's Close, then the socket is closed and a new connection starts. Counts whole cycles.
 *
 *   wsload hold --port P --connections N
 *     Opens N idle WebSocket connections, prints {"type":"ready"}, and keeps them until standard
 *     input ends.
 *
 *   wsload server [--port 0]
 *     A minimal WebSocket echo server: upgrade, unmask, echo every frame unmasked with its opcode
 *     (pings come back as pongs, a Close is echoed and the connection closed). Prints
 *     {"type":"ready","port":P} and serves until standard input ends.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
/* Distinct payloads (and mask keys): message j of connection c carries payload (c + j) % VARIANTS. */
#define VARIANTS 8
#define READ_BUFFER (256 * 1024)
#define MAX_IOV 64
#define DRAIN_TIMEOUT 30.0
#define CONNECT_TIMEOUT 30.0

static void die(const char *format, ...) {
  va_list args;
  va_start(args, format);
  fputs("wsload: ", stderr);
  vfprintf(stderr, format, args);
  fputc('\n', stderr);
  va_end(args);
  exit(1);
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double own_cpu(void) {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec / 1e6 + (double)usage.ru_stime.tv_sec +
         (double)usage.ru_stime.tv_usec / 1e6;
}

/* ---- SHA-1 (FIPS 180-4) and base64, for Sec-WebSocket-Accept ---- */

static uint32_t rotl(uint32_t value, int bits) { return (value << bits) | (value >> (32 - bits)); }

static void sha1(const uint8_t *data, size_t length, uint8_t digest[20]) {
  uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  size_t padded = ((length + 8) / 64 + 1) * 64;
  uint8_t *message = calloc(padded, 1);
  if (!message) die("out of memory");
  memcpy(message, data, length);
  message[length] = 0x80;
  uint64_t bits = (uint64_t)length * 8;
  for (int i = 0; i < 8; i++) message[padded - 1 - i] = (uint8_t)(bits >> (8 * i));
  for (size_t block = 0; block < padded; block += 64) {
    uint32_t w[80];
    for (int i = 0; i < 16; i++) {
      const uint8_t *p = message + block + 4 * i;
      w[i] = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
    }
    for (int i = 16; i < 80; i++) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; i++) {
      uint32_t f, k;
      if (i < 20) f = (b & c) | (~b & d), k = 0x5A827999;
      else if (i < 40) f = b ^ c ^ d, k = 0x6ED9EBA1;
      else if (i < 60) f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
      else f = b ^ c ^ d, k = 0xCA62C1D6;
      uint32_t t = rotl(a, 5) + f + e + k + w[i];
      e = d, d = c, c = rotl(b, 30), b = a, a = t;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
  }
  free(message);
  for (int i = 0; i < 5; i++)
    for (int j = 0; j < 4; j++) digest[4 * i + j] = (uint8_t)(h[i] >> (24 - 8 * j));
}

static void base64(const uint8_t *data, size_t length, char *out) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t o = 0;
  for (size_t i = 0; i < length; i += 3) {
    uint32_t v = (uint32_t)data[i] << 16;
    if (i + 1 < length) v |= (uint32_t)data[i + 1] << 8;
    if (i + 2 < length) v |= data[i + 2];
    out[o++] = alphabet[(v >> 18) & 63];
    out[o++] = alphabet[(v >> 12) & 63];
    out[o++] = i + 1 < length ? alphabet[(v >> 6) & 63] : '=';
    out[o++] = i + 2 < length ? alphabet[v & 63] : '=';
  }
  out[o] = 0;
}

/* The Sec-WebSocket-Accept value for `key` (28 characters). */
static void accept_for(const char *key, char out[29]) {
  char joined[128];
  int length = snprintf(joined, sizeof joined, "%s%s", key, GUID);
  uint8_t digest[20];
  sha1((const uint8_t *)joined, (size_t)length, digest);
  base64(digest, 20, out);
}

/* xorshift64*: payload bytes, keys and masks, the same on every run. */
static uint64_t random_state = 0x9E3779B97F4A7C15ull;
static uint64_t next_random(void) {
  random_state ^= random_state >> 12;
  random_state ^= random_state << 25;
  random_state ^= random_state >> 27;
  return random_state * 0x2545F4914F6CDD1Dull;
}

/* Case-insensitive search for header `name` in an HTTP head; copies its trimmed value. */
static int header_value(const char *head, const char *name, char *out, size_t size) {
  size_t name_length = strlen(name);
  for (const char *line = strstr(head, "\r\n"); line != NULL; line = strstr(line, "\r\n")) {
    line += 2;
    if (strncasecmp(line, name, name_length) == 0 && line[name_length] == ':') {
      const char *value = line + name_length + 1;
      while (*value == ' ' || *value == '\t') value++;
      const char *end = strstr(value, "\r\n");
      if (end == NULL) return 0;
      while (end > value && (end[-1] == ' ' || end[-1] == '\t')) end--;
      size_t length = (size_t)(end - value);
      if (length >= size) return 0;
      memcpy(out, value, length);
      out[length] = 0;
      return 1;
    }
  }
  return 0;
}

/* ---- options ---- */

struct options {
  const char *mode;
  const char *host;
  int port;
  int connections;
  size_t size;
  int inflight;
  int text;
  int raw;
  double warmup;
  double duration;
  int concurrency;
  int watch[16];
  int watch_count;
};

static struct options options = {.host = "127.0.0.1", .connections = 1, .size = 64, .inflight = 1, .warmup = 1.0,
                                  .duration = 5.0, .concurrency = 16};

static void parse_options(int argc, char **argv) {
  if (argc < 2) die("usage: wsload load|handshakes|hold|server [options] (see the comment at the top of wsload.c)");
  options.mode = argv[1];
  for (int i = 2; i < argc; i++) {
    const char *name = argv[i];
    if (strcmp(name, "--text") == 0) { options.text = 1; continue; }
    if (strcmp(name, "--raw") == 0) { options.raw = 1; continue; }
    if (i + 1 >= argc) die("%s needs a value", name);
    const char *value = argv[++i];
    if (strcmp(name, "--port") == 0) options.port = atoi(value);
    else if (strcmp(name, "--host") == 0) options.host = value;
    else if (strcmp(name, "--connections") == 0) options.connections = atoi(value);
    else if (strcmp(name, "--size") == 0) options.size = (size_t)strtoull(value, NULL, 10);
    else if (strcmp(name, "--inflight") == 0) options.inflight = atoi(value);
    else if (strcmp(name, "--warmup") == 0) options.warmup = atof(value);
    else if (strcmp(name, "--duration") == 0) options.duration = atof(value);
    else if (strcmp(name, "--concurrency") == 0) options.concurrency = atoi(value);
    else if (strcmp(name, "--watch") == 0) {
      char *copy = strdup(value), *save = NULL;
      for (char *item = strtok_r(copy, ",", &save); item && options.watch_count < 16; item = strtok_r(NULL, ",", &save))
        options.watch[options.watch_count++] = atoi(item);
      free(copy);
    } else die("unknown option %s", name);
  }
  if (options.connections < 1 || options.inflight < 1 || options.concurrency < 1) die("counts must be positive");
  if (options.duration <= 0 || options.warmup < 0) die("bad --duration or --warmup");
}

/* CPU seconds (user + system, all threads) of the watched processes, from /proc/<pid>/stat. */
static double watched_cpu(void) {
  double total = 0;
  long ticks = sysconf(_SC_CLK_TCK);
  for (int i = 0; i < options.watch_count; i++) {
    char path[64], text[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", options.watch[i]);
    FILE *file = fopen(path, "r");
    if (!file) continue;
    size_t length = fread(text, 1, sizeof text - 1, file);
    fclose(file);
    text[length] = 0;
    /* Fields after the command name (which may hold spaces), from field 3 on: utime is 14, stime 15. */
    char *p = strrchr(text, ')');
    if (!p) continue;
    unsigned long long utime = 0, stime = 0;
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) == 2)
      total += (double)(utime + stime) / (double)ticks;
  }
  return total;
}

/* ---- the client side: pre-built frames, connections, echo checking ---- */

struct frame {
  uint8_t *bytes; /* header, mask key, masked payload */
  size_t length;
  uint8_t *payload; /* the unmasked payload, what the echo must carry */
};

static struct frame frames[VARIANTS];
static struct frame message_frame; /* handshakes: the one message */
static struct frame close_frame;   /* handshakes: Close 1000, masked */

static void fill_payload(uint8_t *payload, size_t size, int text) {
  if (!text) {
    for (size_t i = 0; i < size; i++) payload[i] = (uint8_t)next_random();
    return;
  }
  /* UTF-8 text: ASCII letters with a two-byte character (é) every 16 bytes, never cut at the end. */
  size_t i = 0;
  while (i < size) {
    if (i % 16 == 15 && i + 2 <= size) {
      payload[i++] = 0xC3;
      payload[i++] = 0xA9;
    } else {
      payload[i++] = (uint8_t)('a' + next_random() % 26);
    }
  }
}

static void build_frame(struct frame *frame, int opcode, const uint8_t *payload, size_t size) {
  size_t header = size < 126 ? 2 : size < 65536 ? 4 : 10;
  frame->length = header + 4 + size;
  frame->bytes = malloc(frame->length);
  frame->payload = malloc(size ? size : 1);
  if (!frame->bytes || !frame->payload) die("out of memory");
  memcpy(frame->payload, payload, size);
  uint8_t *p = frame->bytes;
  p[0] = (uint8_t)(0x80 | opcode);
  if (size < 126) p[1] = (uint8_t)(0x80 | size);
  else if (size < 65536) p[1] = 0x80 | 126, p[2] = (uint8_t)(size >> 8), p[3] = (uint8_t)size;
  else {
    p[1] = 0x80 | 127;
    for (int i = 0; i < 8; i++) p[2 + i] = (uint8_t)((uint64_t)size >> (56 - 8 * i));
  }
  uint8_t *key = p + header;
  uint64_t bits = next_random();
  for (int i = 0; i < 4; i++) key[i] = (uint8_t)(bits >> (8 * i));
  for (size_t i = 0; i < size; i++) key[4 + i] = payload[i] ^ key[i & 3];
}

static void build_frames(void) {
  uint8_t *payload = malloc(options.size ? options.size : 1);
  if (!payload) die("out of memory");
  int opcode = options.text ? 1 : 2;
  for (int v = 0; v < VARIANTS; v++) {
    fill_payload(payload, options.size, options.text);
    build_frame(&frames[v], opcode, payload, options.size);
  }
  message_frame = frames[0];
  uint8_t close_payload[2] = {0x03, 0xE8};
  build_frame(&close_frame, 8, close_payload, 2);
  free(payload);
}

enum state { CONNECTING, UPGRADING, OPEN, CLOSING, DONE };

struct connection {
  int fd;
  int id;
  enum state state;
  char accept[29];
  char head[2048];
  size_t head_length;
  /* sending: frames [sent, allowed) are to be written; `offset` bytes of frame `sent` are written */
  uint64_t sent, allowed;
  size_t offset;
  struct iovec extra; /* handshakes: the Close frame, written after the message */
  int extra_pending;
  int flush_due;   /* echoes allowed new messages: write them once the read is processed */
  uint32_t armed;  /* the epoll events registered for `fd` (re-registered only when they change) */
  /* receiving: message `received` is being read */
  uint64_t received;
  uint8_t header[14];
  int header_length;
  int in_payload;
  int fin;
  int opcode;
  int in_message;
  uint64_t frame_left;
  uint64_t message_offset;
  uint64_t raw_offset;
};

static int epoll_fd;
static int is_handshakes, is_hold;
static int live; /* handshakes: connections not yet done */
static struct connection *connections;
static uint8_t *read_buffer;
static uint64_t echoes_verified, echoes_counted, cycles_counted;
static int counting, sending = 1;
static uint64_t outstanding; /* messages sent (allowed) and not yet echoed, over all connections */

static struct frame *frame_of(struct connection *c, uint64_t index) {
  return &frames[(uint64_t)(c->id + index) % VARIANTS];
}

static void watch_fd(struct connection *c, int operation, uint32_t events) {
  if (operation == EPOLL_CTL_MOD && c->armed == events) return; /* a syscall saved per write */
  struct epoll_event event = {.events = events, .data.ptr = c};
  if (epoll_ctl(epoll_fd, operation, c->fd, &event) != 0) die("epoll_ctl: %s", strerror(errno));
  c->armed = events;
}

static void start_connection(struct connection *c) {
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (c->fd < 0) die("socket: %s (raise ulimit -n?)", strerror(errno));
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)options.port)};
  if (inet_pton(AF_INET, options.host, &address.sin_addr) != 1) die("bad --host %s", options.host);
  if (connect(c->fd, (struct sockaddr *)&address, sizeof address) != 0 && errno != EINPROGRESS)
    die("connect: %s", strerror(errno));
  c->state = CONNECTING;
  c->head_length = 0;
  c->sent = c->allowed = c->received = 0;
  c->offset = 0;
  c->extra_pending = 0;
  c->flush_due = 0;
  c->header_length = c->in_payload = c->in_message = 0;
  c->frame_left = c->message_offset = c->raw_offset = 0;
  watch_fd(c, EPOLL_CTL_ADD, EPOLLOUT);
}

/* Writes what is due; keeps EPOLLOUT armed only while something is left. */
static void flush(struct connection *c) {
  for (;;) {
    struct iovec iov[MAX_IOV];
    int count = 0;
    for (uint64_t index = c->sent; index < c->allowed && count < MAX_IOV; index++) {
      struct frame *frame = is_handshakes ? &message_frame : frame_of(c, index);
      size_t skip = index == c->sent ? c->offset : 0;
      iov[count].iov_base = frame->bytes + skip;
      iov[count].iov_len = frame->length - skip;
      count++;
    }
    if (count == 0 && c->extra_pending) iov[count++] = c->extra;
    if (count == 0) break;
    ssize_t written = writev(c->fd, iov, count);
    if (written < 0) {
      if (errno == EAGAIN) {
        watch_fd(c, EPOLL_CTL_MOD, EPOLLIN | EPOLLOUT);
        return;
      }
      die("write: %s", strerror(errno));
    }
    size_t left = (size_t)written;
    while (left > 0 && c->sent < c->allowed) {
      struct frame *frame = is_handshakes ? &message_frame : frame_of(c, c->sent);
      size_t rest = frame->length - c->offset;
      if (left >= rest) {
        left -= rest;
        c->sent++;
        c->offset = 0;
      } else {
        c->offset += left;
        left = 0;
      }
    }
    if (left > 0 && c->extra_pending) {
      c->extra.iov_base = (uint8_t *)c->extra.iov_base + left;
      c->extra.iov_len -= left;
      if (c->extra.iov_len == 0) c->extra_pending = 0;
    }
  }
  watch_fd(c, EPOLL_CTL_MOD, EPOLLIN);
}

static void send_request(struct connection *c) {
  uint8_t nonce[16];
  for (int i = 0; i < 16; i++) nonce[i] = (uint8_t)next_random();
  char key[25];
  base64(nonce, 16, key);
  accept_for(key, c->accept);
  char request[512];
  int length = snprintf(request, sizeof request,
                        "GET /bench HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n",
                        options.host, options.port, key);
  /* A request this small fits an empty socket buffer in one write. */
  if (write(c->fd, request, (size_t)length) != length) die("write (upgrade request): %s", strerror(errno));
  c->state = UPGRADING;
  watch_fd(c, EPOLL_CTL_MOD, EPOLLIN);
}

static int open_count;
static void on_open(struct connection *c);
static void on_echo(struct connection *c);
static void on_close_frame(struct connection *c);

/* Checks the response head; returns the bytes after it (already data frames), or dies. */
static size_t check_response(struct connection *c, size_t *rest_offset) {
  char *end = memmem(c->head, c->head_length, "\r\n\r\n", 4);
  if (end == NULL) {
    if (c->head_length == sizeof c->head - 1) die("upgrade response head too long");
    return (size_t)-1;
  }
  end[2] = 0; /* keep the last header line's CRLF */
  if (strncmp(c->head, "HTTP/1.1 101", 12) != 0) die("upgrade refused: %.80s", c->head);
  char value[128];
  if (!header_value(c->head, "Sec-WebSocket-Accept", value, sizeof value)) die("no Sec-WebSocket-Accept");
  if (strcmp(value, c->accept) != 0) die("wrong Sec-WebSocket-Accept %s (expected %s)", value, c->accept);
  if (!header_value(c->head, "Upgrade", value, sizeof value) || strcasecmp(value, "websocket") != 0)
    die("no Upgrade: websocket in the response");
  if (header_value(c->head, "Sec-WebSocket-Extensions", value, sizeof value))
    die("the server agreed an extension (%s) that was not offered", value);
  *rest_offset = (size_t)(end + 4 - c->head);
  return c->head_length - *rest_offset;
}

/* Parses echoed frames (unmasked, from the server) and checks them against what was sent. */
static void receive_frames(struct connection *c, const uint8_t *data, size_t length) {
  while (length > 0) {
    if (!c->in_payload) {
      c->header[c->header_length++] = *data++;
      length--;
      if (c->header_length < 2) continue;
      if (c->header[1] & 0x80) die("connection %d: masked frame from the server", c->id);
      int size_code = c->header[1] & 0x7F;
      int needed = size_code < 126 ? 2 : size_code == 126 ? 4 : 10;
      if (c->header_length < needed) continue;
      uint64_t size = (uint64_t)size_code;
      if (size_code == 126) size = ((uint64_t)c->header[2] << 8) | c->header[3];
      else if (size_code == 127) {
        size = 0;
        for (int i = 0; i < 8; i++) size = (size << 8) | c->header[2 + i];
      }
      c->fin = c->header[0] & 0x80;
      c->opcode = c->header[0] & 0x0F;
      if (c->header[0] & 0x70) die("connection %d: RSV bits set", c->id);
      c->frame_left = size;
      c->header_length = 0;
      c->in_payload = 1;
      if (c->opcode >= 8) {
        if (c->opcode == 8) {
          if (!is_handshakes || c->state != CLOSING) die("connection %d: the server closed", c->id);
        } else if (c->opcode != 9 && c->opcode != 10) die("connection %d: bad control opcode %d", c->id, c->opcode);
      } else {
        int expected = options.text ? 1 : 2;
        if (c->opcode == 0) {
          if (!c->in_message) die("connection %d: continuation without a message", c->id);
        } else if (c->opcode != expected) {
          die("connection %d: echo has opcode %d, sent %d", c->id, c->opcode, expected);
        } else {
          if (c->in_message) die("connection %d: new message inside a fragmented one", c->id);
          c->in_message = 1;
          c->message_offset = 0;
        }
        if (c->message_offset + size > options.size)
          die("connection %d: echo longer than %zu bytes", c->id, options.size);
      }
    }
    size_t take = c->frame_left < length ? (size_t)c->frame_left : length;
    if (c->opcode < 8) {
      const uint8_t *expected = is_handshakes ? message_frame.payload : frame_of(c, c->received)->payload;
      if (memcmp(data, expected + c->message_offset, take) != 0)
        die("connection %d: echo of message %llu differs from what was sent", c->id, (unsigned long long)c->received);
      c->message_offset += take;
    }
    data += take;
    length -= take;
    c->frame_left -= take;
    if (c->frame_left == 0) {
      c->in_payload = 0;
      if (c->opcode == 8) {
        on_close_frame(c);
        return;
      }
      if (c->opcode < 8 && c->fin) {
        if (c->message_offset != options.size)
          die("connection %d: echo of %llu bytes, sent %zu", c->id, (unsigned long long)c->message_offset, options.size);
        c->in_message = 0;
        on_echo(c);
      }
    }
  }
}

/* A raw (TCP) echo: the bytes must come back exactly as sent. */
static void receive_raw(struct connection *c, const uint8_t *data, size_t length) {
  while (length > 0) {
    struct frame *frame = frame_of(c, c->received);
    size_t take = frame->length - c->raw_offset;
    if (take > length) take = length;
    if (memcmp(data, frame->bytes + c->raw_offset, take) != 0)
      die("connection %d: raw echo of message %llu differs", c->id, (unsigned long long)c->received);
    data += take;
    length -= take;
    c->raw_offset += take;
    if (c->raw_offset == frame->length) {
      c->raw_offset = 0;
      on_echo(c);
    }
  }
}

static void on_echo(struct connection *c) {
  if (c->received >= c->allowed) die("connection %d: an echo of a message never sent", c->id);
  c->received++;
  echoes_verified++;
  outstanding--;
  if (is_handshakes) {
    /* The one message came back: now the Close. */
    c->state = CLOSING;
    c->extra.iov_base = close_frame.bytes;
    c->extra.iov_len = close_frame.length;
    c->extra_pending = 1;
    flush(c);
    return;
  }
  if (counting) echoes_counted++;
  if (sending) {
    /* The next message goes out with the others this read made due: one writev per read, not per echo. */
    c->allowed++;
    outstanding++;
    c->flush_due = 1;
  }
}

static void on_open(struct connection *c) {
  c->state = OPEN;
  open_count++;
  if (is_handshakes) {
    c->allowed = 1;
    outstanding++;
    flush(c);
  }
}

static void on_close_frame(struct connection *c) {
  /* handshakes: the server answered our Close; the cycle is complete. */
  epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  c->state = DONE;
  open_count--;
  if (counting) cycles_counted++;
  if (sending) start_connection(c);
  else live--;
}

static void on_event(struct connection *c, uint32_t events) {
  if (c->state == CONNECTING) {
    int error = 0;
    socklen_t size = sizeof error;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &error, &size);
    if (error != 0) die("connect to %s:%d: %s", options.host, options.port, strerror(error));
    struct sockaddr_in peer;
    socklen_t peer_size = sizeof peer;
    /* Not connected yet (an event left over from this slot's previous socket): wait for ours. */
    if (getpeername(c->fd, (struct sockaddr *)&peer, &peer_size) != 0) return;
    if (options.raw) {
      c->state = OPEN;
      open_count++;
      watch_fd(c, EPOLL_CTL_MOD, EPOLLIN);
    } else send_request(c);
    return;
  }
  if (events & EPOLLOUT) flush(c);
  if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR))) return;
  if (c->state == UPGRADING) {
    ssize_t got = read(c->fd, c->head + c->head_length, sizeof c->head - 1 - c->head_length);
    if (got == 0) die("connection %d: closed during the upgrade", c->id);
    if (got < 0) {
      if (errno == EAGAIN) return;
      die("read: %s", strerror(errno));
    }
    c->head_length += (size_t)got;
    c->head[c->head_length] = 0;
    size_t offset;
    size_t rest = check_response(c, &offset);
    if (rest == (size_t)-1) return;
    on_open(c);
    if (rest > 0) receive_frames(c, (uint8_t *)c->head + offset, rest);
    if (c->flush_due && c->state == OPEN) {
      c->flush_due = 0;
      flush(c);
    }
    return;
  }
  int fd = c->fd;
  for (int round = 0; round < 4 && c->fd == fd && c->state != DONE && c->state != CONNECTING; round++) {
    ssize_t got = read(c->fd, read_buffer, READ_BUFFER);
    if (got < 0) {
      if (errno == EAGAIN) return;
      die("connection %d: read: %s", c->id, strerror(errno));
    }
    if (got == 0) {
      if (is_handshakes && c->state == CLOSING) die("connection %d: closed without a Close frame", c->id);
      die("connection %d: the server closed the connection", c->id);
    }
    if (is_hold) continue; /* hold: discard */
    if (options.raw) receive_raw(c, read_buffer, (size_t)got);
    else receive_frames(c, read_buffer, (size_t)got);
    if (c->flush_due) {
      c->flush_due = 0;
      flush(c);
    }
    if ((size_t)got < READ_BUFFER) return;
  }
}

static void run_events(double deadline_seconds) {
  struct epoll_event events[256];
  int timeout = (int)(deadline_seconds * 1000);
  if (timeout < 0) timeout = 0;
  int count = epoll_wait(epoll_fd, events, 256, timeout > 50 ? 50 : timeout);
  if (count < 0 && errno != EINTR) die("epoll_wait: %s", strerror(errno));
  for (int i = 0; i < count; i++) {
    if (events[i].data.ptr == NULL) continue;
    on_event(events[i].data.ptr, events[i].events);
  }
}

static void client_main(void) {
  int hold = is_hold;
  int handshakes = is_handshakes;
  int count = handshakes ? options.concurrency : options.connections;
  build_frames();
  read_buffer = malloc(READ_BUFFER);
  connections = calloc((size_t)count, sizeof *connections);
  if (!read_buffer || !connections) die("out of memory");
  epoll_fd = epoll_create1(0);
  for (int i = 0; i < count; i++) connections[i].id = i;

  /* Open the connections, at most 256 upgrades at a time (a listen backlog is finite). */
  double started = now();
  int next = 0;
  if (handshakes) {
    for (; next < count; next++) start_connection(&connections[next]);
    live = count;
  }
  while (!handshakes && open_count < count) {
    int pending = next - open_count;
    while (next < count && pending < 256) start_connection(&connections[next++]), pending++;
    run_events(1.0);
    if (now() - started > CONNECT_TIMEOUT) die("only %d of %d connections opened in %.0f s", open_count, count, CONNECT_TIMEOUT);
  }
  double opened = now() - started;

  if (hold) {
    printf("{\"type\":\"ready\",\"connections\":%d,\"openSeconds\":%.3f}\n", count, opened);
    fflush(stdout);
    struct epoll_event event = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, 0, &event);
    for (;;) {
      struct epoll_event events[256];
      int n = epoll_wait(epoll_fd, events, 256, -1);
      for (int i = 0; i < n; i++) {
        if (events[i].data.ptr == NULL) {
          char scrap[256];
          if (read(0, scrap, sizeof scrap) <= 0) exit(0);
        } else on_event(events[i].data.ptr, events[i].events);
      }
    }
  }

  if (!handshakes) {
    for (int i = 0; i < count; i++) {
      connections[i].allowed = (uint64_t)options.inflight;
      outstanding += (uint64_t)options.inflight;
      flush(&connections[i]);
    }
  }
  double start = now();
  while (now() - start < options.warmup) run_events(options.warmup - (now() - start));
  counting = 1;
  double window_start = now(), cpu_start = own_cpu(), watched_start = watched_cpu();
  while (now() - window_start < options.duration) run_events(options.duration - (now() - window_start));
  double window = now() - window_start, cpu = own_cpu() - cpu_start, watched = watched_cpu() - watched_start;
  counting = 0;
  sending = 0;
  uint64_t counted = handshakes ? cycles_counted : echoes_counted;
  double drain_start = now();
  while (handshakes ? live > 0 : outstanding > 0) {
    run_events(1.0);
    if (now() - drain_start > DRAIN_TIMEOUT)
      die("%llu messages still in flight %.0f s after the window", (unsigned long long)outstanding, DRAIN_TIMEOUT);
  }
  uint64_t sent = 0;
  for (int i = 0; i < count; i++) sent += connections[i].allowed;
  if (!handshakes && sent != echoes_verified) die("sent %llu, verified %llu", (unsigned long long)sent, (unsigned long long)echoes_verified);
  printf("{\"type\":\"result\",\"result\":{\"mode\":\"%s\",\"connections\":%d,\"size\":%zu,\"inflight\":%d,"
         "\"text\":%s,\"raw\":%s,\"counted\":%llu,\"seconds\":%.6f,\"rate\":%.3f,\"verified\":%llu,\"sent\":%llu,"
         "\"loadCpuSeconds\":%.6f,\"loadCpuShare\":%.4f,\"serverCpuSeconds\":%.6f,\"serverCpuShare\":%.4f,"
         "\"watched\":%d,\"openSeconds\":%.3f}}\n",
         handshakes ? "handshakes" : "load", count, options.size, options.inflight, options.text ? "true" : "false",
         options.raw ? "true" : "false", (unsigned long long)counted, window, (double)counted / window,
         (unsigned long long)echoes_verified, (unsigned long long)(handshakes ? echoes_verified : sent), cpu, cpu / window,
         watched, watched / window, options.watch_count, opened);
  fflush(stdout);
}

/* ---- the server side: a minimal echo server ---- */

struct peer {
  int fd;
  int upgraded;
  int closing;
  int reading;
  char head[8192];
  size_t head_length;
  /* the frame being echoed */
  uint8_t header[14];
  int header_length;
  int in_payload;
  uint8_t mask[4];
  uint64_t frame_left;
  uint64_t frame_offset;
  /* output not yet written */
  uint8_t *out;
  size_t out_length, out_capacity, out_start;
};

static void append(struct peer *p, const void *data, size_t length) {
  if (p->out_start > 0 && p->out_start == p->out_length) p->out_start = p->out_length = 0;
  if (p->out_length + length > p->out_capacity) {
    if (p->out_start > 0) {
      memmove(p->out, p->out + p->out_start, p->out_length - p->out_start);
      p->out_length -= p->out_start;
      p->out_start = 0;
    }
    if (p->out_length + length > p->out_capacity) {
      size_t capacity = p->out_capacity ? p->out_capacity : 16384;
      while (capacity < p->out_length + length) capacity *= 2;
      p->out = realloc(p->out, capacity);
      if (!p->out) die("out of memory");
      p->out_capacity = capacity;
    }
  }
  memcpy(p->out + p->out_length, data, length);
  p->out_length += length;
}

static void drop(struct peer *p) {
  epoll_ctl(epoll_fd, EPOLL_CTL_DEL, p->fd, NULL);
  close(p->fd);
  free(p->out);
  free(p);
}

/* Writes what is buffered; reads pause while the socket is full. Returns 0 if `p` was freed. */
static int server_flush(struct peer *p) {
  while (p->out_start < p->out_length) {
    ssize_t written = write(p->fd, p->out + p->out_start, p->out_length - p->out_start);
    if (written < 0) {
      if (errno == EAGAIN) break;
      drop(p);
      return 0;
    }
    p->out_start += (size_t)written;
  }
  int pending = p->out_start < p->out_length;
  if (!pending && p->out_capacity > 1024 * 1024) {
    free(p->out);
    p->out = NULL;
    p->out_capacity = p->out_length = p->out_start = 0;
  }
  if (!pending && p->closing) {
    drop(p);
    return 0;
  }
  int reading = !pending;
  if (reading != p->reading || pending) {
    struct epoll_event event = {.events = pending ? EPOLLOUT : EPOLLIN, .data.ptr = p};
    epoll_ctl(epoll_fd, EPOLL_CTL_MOD, p->fd, &event);
    p->reading = reading;
  }
  return 1;
}

/*
 * XORs `length` bytes with the 4-byte `mask`, the first byte with mask[phase]: eight bytes at a time
 * (the neutral server unmasks every byte the clients send; byte by byte it used most of its core on
 * 64 KiB and 1 MiB messages).
 */
static void unmask(uint8_t *data, size_t length, const uint8_t mask[4], size_t phase) {
  uint8_t rotated[8];
  for (int i = 0; i < 8; i++) rotated[i] = mask[(phase + (size_t)i) & 3];
  uint64_t word_mask;
  memcpy(&word_mask, rotated, 8);
  size_t i = 0;
  for (; i + 8 <= length; i += 8) {
    uint64_t word;
    memcpy(&word, data + i, 8);
    word ^= word_mask;
    memcpy(data + i, &word, 8);
  }
  for (; i < length; i++) data[i] ^= rotated[i & 7];
}

static void echo_frames(struct peer *p, uint8_t *data, size_t length) {
  while (length > 0 && !p->closing) {
    if (!p->in_payload) {
      p->header[p->header_length++] = *data++;
      length--;
      if (p->header_length < 2) continue;
      int size_code = p->header[1] & 0x7F;
      int needed = (size_code < 126 ? 2 : size_code == 126 ? 4 : 10) + 4;
      if (p->header_length < needed) continue;
      if (!(p->header[1] & 0x80)) {
        p->closing = 1; /* an unmasked frame from a client: drop the connection */
        return;
      }
      uint64_t size = (uint64_t)size_code;
      if (size_code == 126) size = ((uint64_t)p->header[2] << 8) | p->header[3];
      else if (size_code == 127) {
        size = 0;
        for (int i = 0; i < 8; i++) size = (size << 8) | p->header[2 + i];
      }
      memcpy(p->mask, p->header + needed - 4, 4);
      int opcode = p->header[0] & 0x0F;
      uint8_t out[10];
      out[0] = (uint8_t)((p->header[0] & 0xF0) | (opcode == 9 ? 10 : opcode));
      out[1] = p->header[1] & 0x7F;
      memcpy(out + 2, p->header + 2, (size_t)needed - 6);
      append(p, out, (size_t)needed - 4);
      if (opcode == 8) p->closing = 2; /* closed once the Close is echoed */
      p->frame_left = size;
      p->frame_offset = 0;
      p->header_length = 0;
      p->in_payload = 1;
    }
    size_t take = p->frame_left < length ? (size_t)p->frame_left : length;
    unmask(data, take, p->mask, (size_t)(p->frame_offset & 3));
    append(p, data, take);
    data += take;
    length -= take;
    p->frame_left -= take;
    p->frame_offset += take;
    if (p->frame_left == 0) {
      p->in_payload = 0;
      if (p->closing == 2) return;
    }
  }
}

static int upgrade(struct peer *p) {
  char *end = memmem(p->head, p->head_length, "\r\n\r\n", 4);
  if (end == NULL) return p->head_length < sizeof p->head - 1 ? 0 : -1;
  end[2] = 0; /* keep the last header line's CRLF */
  char key[64], accept[29];
  if (strncmp(p->head, "GET ", 4) != 0 || !header_value(p->head, "Sec-WebSocket-Key", key, sizeof key)) {
    static const char refusal[] = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
    append(p, refusal, sizeof refusal - 1);
    p->closing = 1;
    return 1;
  }
  accept_for(key, accept);
  char response[256];
  int length = snprintf(response, sizeof response,
                        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Accept: %s\r\n\r\n",
                        accept);
  append(p, response, (size_t)length);
  p->upgraded = 1;
  size_t rest = p->head_length - (size_t)(end + 4 - p->head);
  if (rest > 0) echo_frames(p, (uint8_t *)end + 4, rest);
  return 1;
}

static void server_main(void) {
  signal(SIGPIPE, SIG_IGN);
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)options.port)};
  inet_pton(AF_INET, options.host, &address.sin_addr);
  if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0) die("bind: %s", strerror(errno));
  if (listen(listener, 4096) != 0) die("listen: %s", strerror(errno));
  socklen_t size = sizeof address;
  getsockname(listener, (struct sockaddr *)&address, &size);
  read_buffer = malloc(READ_BUFFER);
  epoll_fd = epoll_create1(0);
  static int listener_tag, stdin_tag;
  struct epoll_event event = {.events = EPOLLIN, .data.ptr = &listener_tag};
  epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listener, &event);
  event.data.ptr = &stdin_tag;
  epoll_ctl(epoll_fd, EPOLL_CTL_ADD, 0, &event);
  printf("{\"type\":\"ready\",\"port\":%d}\n", ntohs(address.sin_port));
  fflush(stdout);
  for (;;) {
    struct epoll_event events[256];
    int count = epoll_wait(epoll_fd, events, 256, -1);
    for (int i = 0; i < count; i++) {
      void *tag = events[i].data.ptr;
      if (tag == &stdin_tag) {
        char scrap[256];
        if (read(0, scrap, sizeof scrap) <= 0) exit(0);
        continue;
      }
      if (tag == &listener_tag) {
        for (;;) {
          int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK);
          if (fd < 0) break;
          setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          struct peer *p = calloc(1, sizeof *p);
          if (!p) die("out of memory");
          p->fd = fd;
          p->reading = 1;
          struct epoll_event added = {.events = EPOLLIN, .data.ptr = p};
          epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &added);
        }
        continue;
      }
      struct peer *p = tag;
      if (events[i].events & EPOLLOUT) {
        if (!server_flush(p)) continue;
        if (!p->reading) continue;
      }
      if (p->upgraded) {
        ssize_t got = read(p->fd, read_buffer, READ_BUFFER);
        if (got <= 0) {
          if (got < 0 && errno == EAGAIN) continue;
          drop(p);
          continue;
        }
        echo_frames(p, read_buffer, (size_t)got);
      } else {
        ssize_t got = read(p->fd, p->head + p->head_length, sizeof p->head - 1 - p->head_length);
        if (got <= 0) {
          if (got < 0 && errno == EAGAIN) continue;
          drop(p);
          continue;
        }
        p->head_length += (size_t)got;
        p->head[p->head_length] = 0;
        int done = upgrade(p);
        if (done < 0) {
          drop(p);
          continue;
        }
        if (done == 0) continue;
      }
      if (p->closing == 1 && p->out_length == p->out_start) {
        drop(p);
        continue;
      }
      server_flush(p);
    }
  }
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  parse_options(argc, argv);
  setvbuf(stdout, NULL, _IOLBF, 0);
  is_handshakes = strcmp(options.mode, "handshakes") == 0;
  is_hold = strcmp(options.mode, "hold") == 0;
  if (strcmp(options.mode, "server") == 0) server_main();
  else if (strcmp(options.mode, "load") == 0 || strcmp(options.mode, "handshakes") == 0 ||
           strcmp(options.mode, "hold") == 0)
    client_main();
  else die("unknown mode %s", options.mode);
  return 0;
}
