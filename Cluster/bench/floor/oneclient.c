/*
 * The one-client floor: the least a replicated registration can take on this machine, from
 * the client's request to its answer, when nothing but the required steps runs. Five
 * processes, each one thread with blocking calls (no event loop, no thread hop, no parsing
 * beyond finding the body):
 *
 *   client    sends an HTTP/1.1 POST with a 1,536-byte body over TLS and waits for the answer,
 *             one request at a time;
 *   leader    reads the request, sends it as a frame over TLS to the three followers, writes
 *             it to its own RocksDB log in a synced write, waits until two followers have
 *             acknowledged it, one of them the centre (a majority of four with its own copy,
 *             and the centre's copy, as `center` durability requires), and answers;
 *   follower  (three: two regional nodes and the centre) reads a frame, writes it to its
 *             RocksDB log in a synced write, and acknowledges it over TLS.
 *
 * What a registration also needs is left out, so the floor is lower than any real path:
 * validation, numbering, the hash chain, the audit record, the search index, applying the
 * act to the state, JSON and Raft's bookkeeping.
 *
 *   oneclient follower PORT DIR CERT KEY
 *   oneclient leader PORT DIR CERT KEY CA MODE F1 F2 F3
 *       MODE: full (as above), local (no followers: its own synced write only), https (no
 *       write and no followers: the HTTPS round trip only)
 *   oneclient client PORT CA WARMUP N
 *       prints: requests, mean, p50, p99 (ms) and requests per second
 *
 * Build: cc -O2 -o oneclient oneclient.c -lrocksdb -lssl -lcrypto
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <rocksdb/c.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* The answer's body: about what a registration's answer carries. */
#define ANSWER_BODY "{\"act\":\"1001/2026/birth/000000000001\",\"status\":\"registered\"}"

/* The third follower stands for the centre, whose copy every acknowledged write needs. */
enum { BODY_BYTES = 1536, FOLLOWERS = 3, QUORUM_ACKS = 2, CENTRE = 2, FRAME_MAX = 1 << 16 };

static void die(const char *what) {
    fprintf(stderr, "oneclient: %s\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void no_delay(int fd) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static int listen_on(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 4) != 0) die("cannot listen");
    return fd;
}

static int connect_to(int port) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    for (int attempt = 0; attempt < 500; attempt++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0) { no_delay(fd); return fd; }
        close(fd);
        usleep(10000); /* the peer is still starting: set-up only, never inside a measurement */
    }
    die("cannot connect");
    return -1;
}

static SSL *serve_tls(int listener, const char *cert, const char *key) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 || SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
        die("cannot load the certificate");
    int fd = accept(listener, NULL, NULL);
    no_delay(fd);
    SSL *ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) != 1) die("TLS accept failed");
    return ssl;
}

static SSL *dial_tls(int port, const char *ca) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) die("cannot load the CA");
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    SSL *ssl = SSL_new(ctx);
    SSL_set_fd(ssl, connect_to(port));
    if (SSL_connect(ssl) != 1) die("TLS connect failed");
    return ssl;
}

static void read_exactly(SSL *ssl, void *into, size_t n) {
    size_t got = 0, now;
    while (got < n) {
        if (SSL_read_ex(ssl, (char *)into + got, n - got, &now) != 1) die("read failed");
        got += now;
    }
}

static void write_all(SSL *ssl, const void *bytes, size_t n) {
    size_t done;
    if (SSL_write_ex(ssl, bytes, n, &done) != 1 || done != n) die("write failed");
}

static rocksdb_t *open_log(const char *dir) {
    rocksdb_options_t *options = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(options, 1);
    rocksdb_options_set_compression(options, rocksdb_no_compression);
    char *err = NULL;
    rocksdb_t *db = rocksdb_open(options, dir, &err);
    if (err) die(err);
    return db;
}

static void synced_put(rocksdb_t *db, uint64_t index, const char *value, size_t n) {
    static rocksdb_writeoptions_t *synced;
    if (!synced) { synced = rocksdb_writeoptions_create(); rocksdb_writeoptions_set_sync(synced, 1); }
    unsigned char key[8];
    for (int i = 0; i < 8; i++) key[i] = (unsigned char)(index >> (56 - 8 * i));
    char *err = NULL;
    rocksdb_put(db, synced, (char *)key, 8, value, n, &err);
    if (err) die(err);
}

/* Reads one HTTP/1.1 request with a Content-Length body into buf; returns the body's length. */
static size_t read_request(SSL *ssl, char *buf, size_t cap) {
    size_t have = 0, now;
    char *end = NULL;
    while (!end) {
        if (have == cap - 1 || SSL_read_ex(ssl, buf + have, cap - 1 - have, &now) != 1) return 0;
        have += now;
        buf[have] = 0;
        end = strstr(buf, "\r\n\r\n");
    }
    char *length = strcasestr(buf, "content-length:");
    size_t body = length ? strtoul(length + 15, NULL, 10) : 0, head = (size_t)(end + 4 - buf);
    if (head + body > cap) die("request too large");
    if (have < head + body) read_exactly(ssl, buf + have, head + body - have);
    memmove(buf, buf + head, body);
    return body;
}

static void follower(int port, const char *dir, const char *cert, const char *key) {
    rocksdb_t *db = open_log(dir);
    SSL *leader = serve_tls(listen_on(port), cert, key);
    static char frame[FRAME_MAX];
    for (;;) {
        uint32_t length;
        size_t now;
        if (SSL_read_ex(leader, &length, 4, &now) != 1) break; /* the leader is gone: the run is over */
        if (now < 4) read_exactly(leader, (char *)&length + now, 4 - now);
        if (length < 8 || length > FRAME_MAX) die("bad frame");
        read_exactly(leader, frame, length);
        uint64_t index;
        memcpy(&index, frame, 8);
        synced_put(db, index, frame, length);
        write_all(leader, &index, 8);
    }
    rocksdb_close(db);
}

static void leader(int port, const char *dir, const char *cert, const char *key, const char *ca, const char *mode, int *peers) {
    int full = strcmp(mode, "full") == 0, local = strcmp(mode, "local") == 0;
    if (!full && !local && strcmp(mode, "https") != 0) die("MODE is full, local or https");
    rocksdb_t *db = full || local ? open_log(dir) : NULL;
    SSL *follower[FOLLOWERS] = {0};
    uint64_t acked[FOLLOWERS] = {0};
    for (int f = 0; full && f < FOLLOWERS; f++) follower[f] = dial_tls(peers[f], ca);
    SSL *client = serve_tls(listen_on(port), cert, key);
    static char request[FRAME_MAX], frame[FRAME_MAX + 12];
    char answer[256];
    snprintf(answer, sizeof answer, "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
             strlen(ANSWER_BODY), ANSWER_BODY);
    for (uint64_t index = 1;; index++) {
        size_t body = read_request(client, request, sizeof request);
        if (body == 0) break; /* the client is done */
        if (full) {
            uint32_t length = (uint32_t)(8 + body);
            memcpy(frame, &length, 4);
            memcpy(frame + 4, &index, 8);
            memcpy(frame + 12, request, body);
            for (int f = 0; f < FOLLOWERS; f++) write_all(follower[f], frame, 4 + length);
        }
        if (full || local) synced_put(db, index, request, body);
        for (int acks = 0; full;) {
            acks = 0;
            for (int f = 0; f < FOLLOWERS; f++) acks += acked[f] >= index;
            if (acks >= QUORUM_ACKS && acked[CENTRE] >= index) break;
            struct pollfd wait[FOLLOWERS];
            for (int f = 0; f < FOLLOWERS; f++) wait[f] = (struct pollfd){.fd = SSL_get_fd(follower[f]), .events = POLLIN};
            int buffered = 0;
            for (int f = 0; f < FOLLOWERS; f++) buffered |= SSL_pending(follower[f]) > 0;
            if (!buffered && poll(wait, FOLLOWERS, -1) < 0) die("poll failed");
            for (int f = 0; f < FOLLOWERS; f++)
                if (SSL_pending(follower[f]) > 0 || (wait[f].revents & POLLIN)) read_exactly(follower[f], &acked[f], 8);
        }
        write_all(client, answer, strlen(answer));
    }
    if (db) rocksdb_close(db);
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void client(int port, const char *ca, long warmup, long n) {
    SSL *leader = dial_tls(port, ca);
    static char request[FRAME_MAX], answer[4096];
    int head = snprintf(request, sizeof request,
                        "POST /v1/acts/births HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        "Authorization: Bearer 0123456789abcdef0123456789abcdef\r\nContent-Length: %d\r\n\r\n", BODY_BYTES);
    for (int i = 0; i < BODY_BYTES; i++) request[head + i] = "abcdefghijklmnopqrstuvwxyz \":,{}"[i % 32];
    double *took = malloc(sizeof(double) * n), sum = 0, started = 0;
    for (long i = 0; i < warmup + n; i++) {
        if (i == warmup) started = now_seconds();
        double t0 = now_seconds();
        write_all(leader, request, head + BODY_BYTES);
        size_t have = 0, now;
        char *end = NULL;
        while (!end || have < (size_t)(end + 4 - answer) + strlen(ANSWER_BODY)) {
            if (SSL_read_ex(leader, answer + have, sizeof answer - 1 - have, &now) != 1) die("no answer");
            have += now;
            answer[have] = 0;
            end = strstr(answer, "\r\n\r\n");
        }
        if (i >= warmup) { took[i - warmup] = now_seconds() - t0; sum += took[i - warmup]; }
    }
    double wall = now_seconds() - started;
    qsort(took, n, sizeof(double), by_value);
    printf("requests=%ld mean_ms=%.3f p50_ms=%.3f p99_ms=%.3f per_s=%.0f\n", n, sum / n * 1e3, took[n / 2] * 1e3,
           took[n * 99 / 100] * 1e3, n / wall);
    SSL_shutdown(leader);
}

int main(int argc, char **argv) {
    if (argc >= 6 && strcmp(argv[1], "follower") == 0) follower(atoi(argv[2]), argv[3], argv[4], argv[5]);
    else if (argc >= 11 && strcmp(argv[1], "leader") == 0) {
        int peers[FOLLOWERS] = {atoi(argv[8]), atoi(argv[9]), atoi(argv[10])};
        leader(atoi(argv[2]), argv[3], argv[4], argv[5], argv[6], argv[7], peers);
    } else if (argc >= 6 && strcmp(argv[1], "client") == 0) client(atoi(argv[2]), argv[3], atol(argv[4]), atol(argv[5]));
    else {
        fprintf(stderr, "usage: oneclient follower PORT DIR CERT KEY | leader PORT DIR CERT KEY CA MODE F1 F2 F3 | client PORT CA WARMUP N\n");
        return 2;
    }
    return 0;
}
