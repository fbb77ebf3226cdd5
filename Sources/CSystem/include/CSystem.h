// Thin C glue for the C library calls Swift's Glibc module does not expose. No logic.
#ifndef KREISHAUS_CSYSTEM_H
#define KREISHAUS_CSYSTEM_H

/// Returns freed heap memory to the system where the C library supports it (glibc's
/// malloc_trim); a no-op elsewhere.
void kh_release_free_memory(void);

/// Makes every heap block of 128 KiB or more a mapping of its own, returned to the system when
/// freed (glibc's M_MMAP_THRESHOLD, set once so that glibc stops raising it); a no-op elsewhere.
void kh_map_large_allocations(void);

#include <stdint.h>

/// 128 bits from the kernel's CSPRNG. `ok` is 0 when getrandom failed (then the bits are 0).
typedef struct {
    uint64_t high;
    uint64_t low;
    int ok;
} kh_random128;

/// 128 random bits, from a per-thread pool refilled by one getrandom call per 256 values
/// (Swift's generator makes one call per 8 bytes).
kh_random128 kh_random_128(void);

#endif
