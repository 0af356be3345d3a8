/* test_ops.c — `test_ops --device SELECTOR [--case NAME]`: every op family's
 * cases on every matching device, compared with the CPU reference. */
#include <stdlib.h>
#include <string.h>

#include "test_ops.h"

int main(int argc, char **argv)
{
    const struct {
        const struct th_case *cases;
        size_t count;
    } families[] = {
        {th_basic_cases, th_basic_case_count},
        {th_optim_cases, th_optim_case_count},
        {th_matmul_cases, th_matmul_case_count},
        {th_qmatmul_cases, th_qmatmul_case_count},
        {th_formats_cases, th_formats_case_count},
        {th_hadamard_cases, th_hadamard_case_count},
        {th_hadamard_quant_cases, th_hadamard_quant_case_count},
        {th_model_cases, th_model_case_count},
        {th_pqt_cases, th_pqt_case_count},
    };
    size_t total = 0;
    for (size_t f = 0; f < sizeof families / sizeof families[0]; ++f)
        total += families[f].count;
    struct th_case *all = malloc(total * sizeof *all);
    if (all == NULL)
        return 1;
    size_t n = 0;
    for (size_t f = 0; f < sizeof families / sizeof families[0]; ++f)
        for (size_t i = 0; i < families[f].count; ++i)
            all[n++] = families[f].cases[i];
    int rc = th_main(argc, argv, all, n);
    free(all);
    return rc;
}
