// CRC-32C with the processor's own instruction: SSE 4.2 `crc32` on x86-64, the ARMv8 CRC
// extension on AArch64. Elsewhere `sijil_crc32c_hardware` answers 0 and NodeCore uses its table.
#include "crc32c.h"

#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <nmmintrin.h>

int sijil_crc32c_hardware(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    return (ecx & bit_SSE4_2) != 0;
}

__attribute__((target("sse4.2")))
uint32_t sijil_crc32c_update(uint32_t crc, const uint8_t *bytes, size_t size) {
    uint64_t wide = crc;
    while (size >= 8) {
        uint64_t word;
        memcpy(&word, bytes, 8);
        wide = _mm_crc32_u64(wide, word);
        bytes += 8;
        size -= 8;
    }
    uint32_t narrow = (uint32_t)wide;
    while (size > 0) {
        narrow = _mm_crc32_u8(narrow, *bytes);
        bytes += 1;
        size -= 1;
    }
    return narrow;
}

#elif defined(__aarch64__) && defined(__ARM_FEATURE_CRC32)
#include <arm_acle.h>

int sijil_crc32c_hardware(void) { return 1; }

uint32_t sijil_crc32c_update(uint32_t crc, const uint8_t *bytes, size_t size) {
    while (size >= 8) {
        uint64_t word;
        memcpy(&word, bytes, 8);
        crc = __crc32cd(crc, word);
        bytes += 8;
        size -= 8;
    }
    while (size > 0) {
        crc = __crc32cb(crc, *bytes);
        bytes += 1;
        size -= 1;
    }
    return crc;
}

#else

int sijil_crc32c_hardware(void) { return 0; }

uint32_t sijil_crc32c_update(uint32_t crc, const uint8_t *bytes, size_t size) {
    (void)bytes;
    (void)size;
    return crc;
}

#endif
