/* reduce_order.h — the one reduction order every backend follows.
 *
 * A row of n values is reduced as:
 *   n <= BLOCK: block_reduce(row)
 *   n >  BLOCK: reduce([block_reduce(row[b*BLOCK .. b*BLOCK+BLOCK-1]) for each b])
 * where block_reduce of m <= BLOCK values uses LANES virtual lanes:
 *   lane[l] = fold over k = 0, 1, ... of v[l + LANES*k]   (starting from the identity)
 *   then for s = LANES/2, ..., 2, 1: lane[i] = op(lane[i], lane[i+s]) for i < s
 *   result = lane[0].
 * Only the first level maps x -> |x| (ABSMAX) or x*x (SUMSQ); later levels
 * combine partial results with + (SUM, SUMSQ) or max (ABSMAX). Because the
 * order is defined on virtual lanes, the OpenCL kernel gives the same bits
 * for any work-group size, and the CPU follows it exactly. */
#ifndef LOWP_CORE_REDUCE_ORDER_H
#define LOWP_CORE_REDUCE_ORDER_H

#define LOWP_REDUCE_LANES 256
#define LOWP_REDUCE_BLOCK 4096

#endif
