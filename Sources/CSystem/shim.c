#include "CSystem.h"
#include <errno.h>
#include <sys/random.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

void kh_release_free_memory(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

int kh_random_bytes(void *buffer, unsigned long length) {
    unsigned char *cursor = buffer;
    while (length > 0) {
        ssize_t got = getrandom(cursor, length, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        cursor += got;
        length -= (unsigned long)got;
    }
    return 0;
}
