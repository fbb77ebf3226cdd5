// Thin C glue for the C library calls Swift's Glibc module does not expose. No logic.
#ifndef KREISHAUS_CSYSTEM_H
#define KREISHAUS_CSYSTEM_H

/// Returns freed heap memory to the system where the C library supports it (glibc's
/// malloc_trim); a no-op elsewhere.
void kh_release_free_memory(void);

#endif
