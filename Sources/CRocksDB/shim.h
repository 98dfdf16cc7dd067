// The C API of RocksDB (librocksdb-dev). Storage is the only module that imports it.
#ifndef SIJIL_CROCKSDB_SHIM_H
#define SIJIL_CROCKSDB_SHIM_H
#include <rocksdb/c.h>
#endif
