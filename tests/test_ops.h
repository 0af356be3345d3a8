/* test_ops.h — the portability matrix: one table of cases per op family
 * (tests/test_ops_<family>.c), all run by tests/test_ops.c. */
#ifndef LOWP_TEST_OPS_H
#define LOWP_TEST_OPS_H

#include "harness.h"

extern const struct th_case th_basic_cases[];
extern const size_t th_basic_case_count;
extern const struct th_case th_optim_cases[];
extern const size_t th_optim_case_count;

extern const struct th_case th_matmul_cases[];
extern const size_t th_matmul_case_count;
extern const struct th_case th_qmatmul_cases[];
extern const size_t th_qmatmul_case_count;
extern const struct th_case th_formats_cases[];
extern const size_t th_formats_case_count;
extern const struct th_case th_pqt_cases[];
extern const size_t th_pqt_case_count;
extern const struct th_case th_hadamard_cases[];
extern const size_t th_hadamard_case_count;
extern const struct th_case th_hadamard_quant_cases[];
extern const size_t th_hadamard_quant_case_count;
extern const struct th_case th_model_cases[];
extern const size_t th_model_case_count;

#endif
