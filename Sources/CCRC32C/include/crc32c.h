#ifndef SIJIL_CRC32C_H
#define SIJIL_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/// 1 when this processor has the CRC-32C instruction `sijil_crc32c_update` uses, else 0.
int sijil_crc32c_hardware(void);

/// Continues a CRC-32C register `crc` (already inverted, as the table algorithm keeps it) over
/// `size` bytes with the processor's CRC-32C instruction. Call it only when
/// `sijil_crc32c_hardware()` is 1; `bytes` may be NULL when `size` is 0.
uint32_t sijil_crc32c_update(uint32_t crc, const uint8_t *bytes, size_t size);

#endif
