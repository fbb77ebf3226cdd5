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

/// NFKC with full case folding, then canonical decomposition with every non-spacing mark
/// removed ("Führerschein" -> "fuhrerschein", "Café" -> "cafe"). Same return convention.
int32_t kh_icu_fold_without_marks(const kh_uchar *source, int32_t length, kh_uchar *destination, int32_t capacity);

/// Word boundaries by ICU's word break rules (German locale): writes [start, end) pairs, in
/// UTF-16 offsets, of the segments that are words or numbers (not spaces or punctuation)
/// into `bounds`. Returns the number of int32 values written, or -1 on an ICU error.
/// `capacity` of 2 * length always suffices.
int32_t kh_icu_word_bounds(const kh_uchar *text, int32_t length, int32_t *bounds, int32_t capacity);

/// The ICU version as text, e.g. "72.1".
void kh_icu_version(char *buffer, int32_t capacity);

#endif
