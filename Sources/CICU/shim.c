#include "CICU.h"

#include <stdlib.h>
#include <unicode/normalizer2.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/utf16.h>
#include <unicode/uversion.h>
#include <unicode/unorm2.h>

int32_t kh_icu_nfkc_casefold(const kh_uchar *source, int32_t length, kh_uchar *destination, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *normalizer = unorm2_getNFKCCasefoldInstance(&status);
    if (U_FAILURE(status)) {
        return -1;
    }
    int32_t written = unorm2_normalize(normalizer, (const UChar *)source, length, (UChar *)destination, capacity, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
        return written;
    }
    return U_FAILURE(status) ? -1 : written;
}

void kh_icu_version(char *buffer, int32_t capacity) {
    UVersionInfo version;
    u_getVersion(version);
    char text[U_MAX_VERSION_STRING_LENGTH];
    u_versionToString(version, text);
    int32_t i = 0;
    for (; i + 1 < capacity && text[i] != '\0'; i++) {
        buffer[i] = text[i];
    }
    if (capacity > 0) {
        buffer[i] = '\0';
    }
}

int32_t kh_icu_fold_without_marks(const kh_uchar *source, int32_t length, kh_uchar *destination, int32_t capacity) {
    /* ASCII text (most questions) needs no tables: NFKC case folding maps A-Z to a-z and
       leaves every other ASCII character as it is, and ASCII has no marks to drop. The
       result is ICU's (a test compares every ASCII character with ICU's folding). */
    int32_t ascii = 1;
    for (int32_t i = 0; i < length; i++) {
        if (source[i] >= 0x80) {
            ascii = 0;
            break;
        }
    }
    if (ascii) {
        if (length > capacity) {
            return length;
        }
        for (int32_t i = 0; i < length; i++) {
            kh_uchar c = source[i];
            destination[i] = (c >= 'A' && c <= 'Z') ? (kh_uchar)(c + ('a' - 'A')) : c;
        }
        return length;
    }
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *fold = unorm2_getNFKCCasefoldInstance(&status);
    const UNormalizer2 *decompose = unorm2_getNFDInstance(&status);
    if (U_FAILURE(status)) {
        return -1;
    }
    /* Case folding may grow the text (a ligature becomes several letters), decomposition too. */
    int32_t scratch_capacity = length * 4 + 16;
    UChar *folded = malloc(sizeof(UChar) * (size_t)scratch_capacity);
    UChar *decomposed = malloc(sizeof(UChar) * (size_t)scratch_capacity * 2);
    if (folded == NULL || decomposed == NULL) {
        free(folded);
        free(decomposed);
        return -1;
    }
    int32_t folded_length = unorm2_normalize(fold, (const UChar *)source, length, folded, scratch_capacity, &status);
    int32_t decomposed_length = U_SUCCESS(status)
        ? unorm2_normalize(decompose, folded, folded_length, decomposed, scratch_capacity * 2, &status) : 0;
    if (U_FAILURE(status)) {
        free(folded);
        free(decomposed);
        return -1;
    }
    int32_t written = 0;
    for (int32_t i = 0; i < decomposed_length;) {
        int32_t start = i;
        UChar32 c;
        U16_NEXT(decomposed, i, decomposed_length, c);
        if (u_charType(c) == U_NON_SPACING_MARK) {
            continue;
        }
        /* Typographic apostrophes are the plain one: "I’m" and "geht’s" meet "I'm" and
           "geht's" (word lists and examples are typed with the plain one). */
        if (c == 0x2019 || c == 0x02BC) {
            if (written < capacity) {
                destination[written] = 0x27;
            }
            written++;
            continue;
        }
        for (int32_t j = start; j < i; j++) {
            if (written < capacity) {
                destination[written] = decomposed[j];
            }
            written++;
        }
    }
    free(folded);
    free(decomposed);
    return written;
}

int32_t kh_icu_word_bounds(const kh_uchar *text, int32_t length, int32_t *bounds, int32_t capacity) {
    /* Opening a break iterator loads its rules; each thread keeps one and only resets the text. */
    static _Thread_local UBreakIterator *iterator = NULL;
    UErrorCode status = U_ZERO_ERROR;
    if (iterator == NULL) {
        iterator = ubrk_open(UBRK_WORD, "de", NULL, 0, &status);
        if (U_FAILURE(status)) {
            iterator = NULL;
            return -1;
        }
    }
    ubrk_setText(iterator, (const UChar *)text, length, &status);
    if (U_FAILURE(status)) {
        return -1;
    }
    int32_t written = 0;
    int32_t start = ubrk_first(iterator);
    for (int32_t end = ubrk_next(iterator); end != UBRK_DONE; start = end, end = ubrk_next(iterator)) {
        if (ubrk_getRuleStatus(iterator) >= UBRK_WORD_NONE_LIMIT && written + 2 <= capacity) {
            bounds[written++] = start;
            bounds[written++] = end;
        }
    }
    return written;
}
