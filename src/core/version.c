/* version.c — what was built. LOWP_VERSION comes from CMake; LOWP_COMMIT
 * from generated/lowp_commit.h, stamped at every build. */
#include "lowp/lowp.h"

#if defined(__has_include)
#if __has_include("lowp_commit.h")
#include "lowp_commit.h"
#endif
#endif

#ifndef LOWP_VERSION
#define LOWP_VERSION "0.0.0"
#endif
#ifndef LOWP_COMMIT
#define LOWP_COMMIT "unknown"
#endif

const char *lowp_version(void) { return LOWP_VERSION; }
const char *lowp_build_commit(void) { return LOWP_COMMIT; }
