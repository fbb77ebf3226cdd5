// Thin C glue around ICU for Swift. System ICU symbols carry a version suffix (u_strlen_72),
// so Swift never calls ICU by name: it calls these wrappers. No logic beyond that.
#ifndef KREISHAUS_CICU_H
#define KREISHAUS_CICU_H

#include <stdint.h>

/// UTF-16 code unit, as ICU's UChar.
typedef uint16_t kh_uchar;

/// NFKC with full case folding (ICU's NFKC_Casefold). Returns the length written (or the
/// length needed when capacity is too small), or -1 on an ICU error.
int32_t kh_icu_nfkc_casefold(const kh_uchar *source, int32_t length, kh_uchar *destination, int32_t capacity);

/// The ICU version as text, e.g. "72.1".
void kh_icu_version(char *buffer, int32_t capacity);

#endif
