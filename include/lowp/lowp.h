/* lowp/lowp.h — the one header users include.
 *
 *   lowp_context *ctx;
 *   if (lowp_context_open(NULL, &ctx) != LOWP_OK)      // $LOWP_DEVICE or the best device
 *       fprintf(stderr, "%s\n", lowp_last_error());
 *
 * See docs/architecture.md for the life of an op call. */
#ifndef LOWP_LOWP_H
#define LOWP_LOWP_H

#include "lowp/status.h"
#include "lowp/device.h"
#include "lowp/context.h"
#include "lowp/basic.h"
#include "lowp/optim.h"
#include "lowp/train.h"
#include "lowp/matmul.h"
#include "lowp/formats.h"
#include "lowp/hadamard.h"
#include "lowp/model.h"
#include "lowp/pqt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "MAJOR.MINOR.PATCH" of the library that is linked. */
LOWP_API const char *lowp_version(void);
/* The git commit the library was built from ("unknown" outside a checkout). */
LOWP_API const char *lowp_build_commit(void);

#ifdef __cplusplus
}
#endif
#endif
