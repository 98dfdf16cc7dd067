import CRocksDB

extension RocksOptions {
    /// Builds RocksDB's options object for these settings, used for the database and for every
    /// column family. The caller destroys it with `rocksdb_options_destroy`; RocksDB copies
    /// what it needs when the database opens, so that can happen right after opening.
    func makeEngineOptions() -> OpaquePointer {
        let options = rocksdb_options_create()!
        rocksdb_options_set_create_if_missing(options, createIfMissing ? 1 : 0)
        // Column families the caller names that do not exist yet are created on open.
        rocksdb_options_set_create_missing_column_families(options, 1)
        // Verify files and consistency at open and stop writes on any background error, so
        // damage is reported instead of spread by compaction.
        rocksdb_options_set_paranoid_checks(options, 1)
        rocksdb_options_set_wal_recovery_mode(options, walRecoveryMode)
        rocksdb_options_set_max_background_jobs(options, Int32(clamping: maxBackgroundJobs))
        rocksdb_options_set_write_buffer_size(options, writeBufferSizeBytes)
        rocksdb_options_set_max_write_buffer_number(options, Int32(clamping: maxWriteBufferCount))
        rocksdb_options_set_max_total_wal_size(options, maxTotalWALSizeBytes)
        rocksdb_options_set_bytes_per_sync(options, bytesPerSync)
        // Sizes each level from the size of the last one: bounds space amplification at about
        // 1.1x for a store that grows steadily, as the register does.
        rocksdb_options_set_level_compaction_dynamic_level_bytes(options, 1)
        rocksdb_options_set_compression(options, compressionType)
        rocksdb_options_set_max_open_files(options, Int32(clamping: maxOpenFiles))
        if memtableBloomRatio > 0 {
            // Whole keys, not prefixes: the state is read by exact key.
            rocksdb_options_set_memtable_prefix_bloom_size_ratio(options, memtableBloomRatio)
            rocksdb_options_set_memtable_whole_key_filtering(options, 1)
        }
        rocksdb_options_set_keep_log_file_num(options, infoLogFileCountMax)
        rocksdb_options_set_max_log_file_size(options, infoLogFileSizeBytesMax)

        let table = rocksdb_block_based_options_create()!
        rocksdb_block_based_options_set_block_size(table, blockSizeBytes)
        // The options keep their own reference to the cache; this wrapper is released at once.
        let cache = rocksdb_cache_create_lru(blockCacheSizeBytes)!
        rocksdb_block_based_options_set_block_cache(table, cache)
        rocksdb_cache_destroy(cache)
        if bloomFilterBitsPerKey > 0 {
            // The table options take ownership of the filter policy.
            rocksdb_block_based_options_set_filter_policy(
                table, rocksdb_filterpolicy_create_bloom_full(bloomFilterBitsPerKey))
        }
        // The factory copies the table options, which are then no longer needed.
        rocksdb_options_set_block_based_table_factory(options, table)
        rocksdb_block_based_options_destroy(table)
        return options
    }

    private var compressionType: Int32 {
        switch compression {
        case .none: Int32(rocksdb_no_compression)
        case .lz4: Int32(rocksdb_lz4_compression)
        }
    }

    private var walRecoveryMode: Int32 {
        switch walRecovery {
        case .tolerateCorruptedTail: Int32(rocksdb_tolerate_corrupted_tail_records_recovery)
        case .absoluteConsistency: Int32(rocksdb_absolute_consistency_recovery)
        case .pointInTime: Int32(rocksdb_point_in_time_recovery)
        }
    }
}
