/*
 * The import's floor: what storing and indexing imported acts costs on this machine when
 * nothing but the libraries the design requires does the work.
 *
 *   floor rocks DIR N   N acts into RocksDB as a replica must store them at least: per batch
 *                       of 256, the log entries in one synced write, then the acts into the
 *                       state and the applied log entries deleted, in a write without the WAL
 *                       (the state can be rebuilt from the log). No compression.
 *   floor rocks-sync DIR N
 *                       N single acts, each in its own synced RocksDB write (the WAL fsynced),
 *                       one after the other: the latency one client's registration waits for
 *                       on every replica. Prints the median and 99th percentile.
 *   floor fts DIR N     N acts into an SQLite FTS5 index of their names and nothing else
 *                       (12 terms per act: three people's given and family names in two
 *                       scripts, drawn from 25,000 names; contentless, no positions, the act's
 *                       number as the row id, no journal, no sync), 256 acts per transaction.
 *
 * Both are the cheapest configurations found: LZ4 and a logged state write cost RocksDB more
 * CPU, and a row per act or a write-ahead journal cost SQLite more.
 *
 * The acts' bytes and names are made before the clock starts (a pool of 1,024 acts, each copy
 * stamped with its own number), so only storing and indexing are timed.
 * Each mode prints one line: the process's CPU time (user + system, every thread, RocksDB's
 * flushes and compactions included) per act, and the acts per second of wall time.
 * Build: cc -O2 -o floor floor.c -lrocksdb -lsqlite3
 */
#include <rocksdb/c.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

enum { BATCH = 256, ACT_BYTES = 1536, LOG_BYTES = 1600, POOL = 1024 };

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

static double cpu_seconds(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}
static double wall_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}
static void die(const char *what, char *err) {
    fprintf(stderr, "floor: %s: %s\n", what, err ? err : "failed");
    exit(1);
}

/* An act's bytes: field names and values like a birth act's, varied per act so that
   compression sees text, not one repeated block. */
static void fill_act(unsigned char *buf, size_t size, uint64_t n) {
    static const char *words[] = {"\"given_name\":", "\"family_name\":", "\"birth_place\":",
        "Mohammed", "Fatima", "Alaoui", "Bennani", "Rabat", "Sale", "Kenitra", "1987-04-12",
        "\"office\":", "\"father\":", "\"mother\":", "\"nationality\":\"MA\"", "\"mention\":"};
    size_t at = 0;
    while (at < size) {
        uint64_t r = next() ^ n;
        const char *w = words[r % 16];
        size_t len = strlen(w);
        if (at + len + 9 > size) break;
        memcpy(buf + at, w, len);
        at += len;
        at += (size_t)snprintf((char *)buf + at, 9, "%07u,", (unsigned)(r >> 20) % 10000000u);
    }
    while (at < size) buf[at++] = ' ';
}

static void be64(unsigned char *out, uint64_t v) {
    for (int i = 7; i >= 0; i--) { out[i] = (unsigned char)v; v >>= 8; }
}

static void rocks(const char *dir, long n) {
    char *err = NULL;
    rocksdb_options_t *opt = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(opt, 1);
    rocksdb_options_set_create_missing_column_families(opt, 1);
    rocksdb_options_set_max_background_jobs(opt, 4);
    rocksdb_options_set_write_buffer_size(opt, 64 << 20);
    rocksdb_options_set_compression(opt, rocksdb_no_compression);
    const char *names[] = {"default", "log", "state"};
    const rocksdb_options_t *opts[] = {opt, opt, opt};
    rocksdb_column_family_handle_t *cf[3];
    rocksdb_t *db = rocksdb_open_column_families(opt, dir, 3, names, opts, cf, &err);
    if (err) die("open", err);
    rocksdb_writeoptions_t *synced = rocksdb_writeoptions_create();
    rocksdb_writeoptions_set_sync(synced, 1);
    rocksdb_writeoptions_t *unlogged = rocksdb_writeoptions_create();
    rocksdb_writeoptions_disable_WAL(unlogged, 1);
    unsigned char *pool = malloc((size_t)POOL * LOG_BYTES), value[LOG_BYTES];
    for (int p = 0; p < POOL; p++) fill_act(pool + (size_t)p * LOG_BYTES, LOG_BYTES, (uint64_t)p);
    unsigned char key[24], from[8], to[8];
    double c0 = cpu_seconds(), w0 = wall_seconds();
    for (long first = 0; first < n; first += BATCH) {
        rocksdb_writebatch_t *log = rocksdb_writebatch_create();
        for (long i = first; i < first + BATCH; i++) {
            memcpy(value, pool + (size_t)(i % POOL) * LOG_BYTES, LOG_BYTES);
            be64(value, (uint64_t)i);
            be64(key, (uint64_t)i);
            rocksdb_writebatch_put_cf(log, cf[1], (char *)key, 8, (char *)value, LOG_BYTES);
        }
        rocksdb_write(db, synced, log, &err);
        if (err) die("log write", err);
        rocksdb_writebatch_destroy(log);
        rocksdb_writebatch_t *state = rocksdb_writebatch_create();
        for (long i = first; i < first + BATCH; i++) {
            memcpy(value, pool + (size_t)(i % POOL) * LOG_BYTES, ACT_BYTES);
            be64(value, (uint64_t)i);
            memcpy(key, "act/0101/1987/B/", 16);
            be64(key + 16, (uint64_t)i);
            rocksdb_writebatch_put_cf(state, cf[2], (char *)key, 24, (char *)value, ACT_BYTES);
        }
        be64(from, 0);
        be64(to, (uint64_t)first);
        rocksdb_writebatch_delete_range_cf(state, cf[1], (char *)from, 8, (char *)to, 8);
        rocksdb_write(db, unlogged, state, &err);
        if (err) die("state write", err);
        rocksdb_writebatch_destroy(state);
    }
    double c1 = cpu_seconds(), w1 = wall_seconds();
    printf("rocks acts=%ld cpu_us_per_act=%.2f acts_per_s=%.0f\n", n, (c1 - c0) / n * 1e6, n / (w1 - w0));
    for (int i = 0; i < 3; i++) rocksdb_column_family_handle_destroy(cf[i]);
    rocksdb_close(db);
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void rocks_sync(const char *dir, long n) {
    char *err = NULL;
    rocksdb_options_t *opt = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(opt, 1);
    rocksdb_options_set_compression(opt, rocksdb_no_compression);
    rocksdb_t *db = rocksdb_open(opt, dir, &err);
    if (err) die("open", err);
    rocksdb_writeoptions_t *synced = rocksdb_writeoptions_create();
    rocksdb_writeoptions_set_sync(synced, 1);
    unsigned char value[LOG_BYTES], key[8];
    fill_act(value, LOG_BYTES, 1);
    double *took = malloc(sizeof(double) * (size_t)n);
    for (long i = 0; i < n; i++) {
        be64(key, (uint64_t)i);
        double w0 = wall_seconds();
        rocksdb_put(db, synced, (char *)key, 8, (char *)value, LOG_BYTES, &err);
        took[i] = wall_seconds() - w0;
        if (err) die("synced write", err);
    }
    qsort(took, (size_t)n, sizeof(double), by_value);
    printf("rocks-sync writes=%ld p50_ms=%.3f p99_ms=%.3f\n", n, took[n / 2] * 1e3, took[n * 99 / 100] * 1e3);
    rocksdb_close(db);
}

static void exec(sqlite3 *db, const char *sql) {
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) die(sql, err);
}

static void fts(const char *dir, long n) {
    char path[4096];
    snprintf(path, sizeof path, "%s/index.sqlite", dir);
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK) die("open", (char *)sqlite3_errmsg(db));
    exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;"
             "CREATE VIRTUAL TABLE names USING fts5(terms, content='', detail=none, tokenize='ascii');");
    sqlite3_stmt *doc;
    sqlite3_prepare_v2(db, "INSERT INTO names(rowid, terms) VALUES (?, ?)", -1, &doc, NULL);
    char(*names_pool)[256] = malloc((size_t)POOL * 16 * 256);
    int *lengths = malloc(sizeof(int) * POOL * 16);
    for (int p = 0; p < POOL * 16; p++) {
        int at = 0;
        for (int w = 0; w < 12; w++) {
            /* Given names from 5,000, family names from 20,000, skewed towards the first. */
            uint64_t r = next();
            unsigned pick = (w % 2 == 0) ? (unsigned)((r % 5000) * (r % 5000) / 5000)
                                         : (unsigned)((r % 20000) * ((r >> 32) % 20000) / 20000);
            /* A term as long as the index's own: a role, then a key in hexadecimal. */
            at += snprintf(names_pool[p] + at, 256 - at, "r%d%016llx ", 1 + w / 4,
                           (unsigned long long)(pick * 0x9E3779B97F4A7C15ull ^ (w % 2)));
        }
        lengths[p] = at;
    }
    double c0 = cpu_seconds(), w0 = wall_seconds();
    for (long first = 0; first < n; first += BATCH) {
        exec(db, "BEGIN");
        for (long i = first; i < first + BATCH; i++) {
            long p = i % (POOL * 16);
            sqlite3_bind_int64(doc, 1, i + 1);
            sqlite3_bind_text(doc, 2, names_pool[p], lengths[p], SQLITE_STATIC);
            if (sqlite3_step(doc) != SQLITE_DONE) die("names row", (char *)sqlite3_errmsg(db));
            sqlite3_reset(doc);
        }
        exec(db, "COMMIT");
    }
    double c1 = cpu_seconds(), w1 = wall_seconds();
    printf("fts acts=%ld cpu_us_per_act=%.2f acts_per_s=%.0f\n", n, (c1 - c0) / n * 1e6, n / (w1 - w0));
    sqlite3_finalize(doc);
    sqlite3_close(db);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: floor rocks|rocks-sync|fts DIR ACTS\n");
        return 2;
    }
    long n = atol(argv[3]);
    if (n <= 0 || n % BATCH != 0) {
        fprintf(stderr, "floor: ACTS must be a positive multiple of %d, got %s\n", BATCH, argv[3]);
        return 2;
    }
    if (strcmp(argv[1], "rocks") == 0) rocks(argv[2], n);
    else if (strcmp(argv[1], "rocks-sync") == 0) rocks_sync(argv[2], n);
    else if (strcmp(argv[1], "fts") == 0) fts(argv[2], n);
    else { fprintf(stderr, "floor: unknown mode %s\n", argv[1]); return 2; }
    return 0;
}
