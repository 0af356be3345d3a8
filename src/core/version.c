/* version.c — what was built. LOWP_VERSION and LOWP_COMMIT come from CMake. */
#include "lowp/lowp.h"

#ifndef LOWP_VERSION
#define LOWP_VERSION "0.0.0"
#endif
#ifndef LOWP_COMMIT
#define LOWP_COMMIT "unknown"
#endif

const char *lowp_version(void) { return LOWP_VERSION; }
const char *lowp_build_commit(void) { return LOWP_COMMIT; }
