// Thin C glue for the C library calls Swift's Glibc module does not expose. No logic.
#ifndef KREISHAUS_CSYSTEM_H
#define KREISHAUS_CSYSTEM_H

/// Returns freed heap memory to the system where the C library supports it (glibc's
/// malloc_trim); a no-op elsewhere.
void kh_release_free_memory(void);

/// Fills `buffer` with `length` bytes from the kernel's CSPRNG (getrandom). Returns 0, or
/// -1 when the kernel could not deliver them all.
int kh_random_bytes(void *buffer, unsigned long length);

#endif
