#include "CSystem.h"
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

void kh_release_free_memory(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

void kh_map_large_allocations(void) {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
}

static __thread unsigned char pool[4096];
static __thread unsigned long pool_used = sizeof pool;

kh_random128 kh_random_128(void) {
    kh_random128 value = {0, 0, 0};
    if (pool_used + 16 > sizeof pool) {
        unsigned long filled = 0;
        while (filled < sizeof pool) {
            ssize_t got = getrandom(pool + filled, sizeof pool - filled, 0);
            if (got < 0) {
                if (errno == EINTR) continue;
                return value;
            }
            filled += (unsigned long)got;
        }
        pool_used = 0;
    }
    memcpy(&value.high, pool + pool_used, 8);
    memcpy(&value.low, pool + pool_used + 8, 8);
    memset(pool + pool_used, 0, 16);  // handed out once
    pool_used += 16;
    value.ok = 1;
    return value;
}
