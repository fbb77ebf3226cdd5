// Snowball stemmers (Debian libstemmer-dev) for Swift; no glue needed beyond the header.
#ifndef KREISHAUS_CSTEMMER_H
#define KREISHAUS_CSTEMMER_H
#include <libstemmer.h>
#endif
