/* hadamard_cpu.h — fast CPU path of the lowp Hadamard op: in-place radix-4
 * (plus one radix-2) butterflies in fp32, OpenMP over vectors/column tiles.
 * Same semantics and arguments as lowp_ref_hadamard. Its fp32 operation
 * order is the normative one of docs/hadamard.md §"Operation order", which
 * the OpenCL kernels follow too, so their fp32 results agree bit for bit. */
#ifndef LOWP_HADAMARD_CPU_H
#define LOWP_HADAMARD_CPU_H

#include "lowp/hadamard.h"

#ifdef __cplusplus
extern "C" {
#endif

lowp_status lowp_cpu_hadamard(const struct lowp_hadamard_desc *d, const void *x, void *y,
                              const uint32_t *sign_bits);

#ifdef __cplusplus
}
#endif
#endif
