#include "CICU.h"

#include <unicode/normalizer2.h>
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
