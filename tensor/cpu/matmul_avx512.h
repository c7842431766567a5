#pragma once

// Single-precision matrix products on AVX-512, kiln's own (matmul.cpp's float path).
#include <cstdint>

#include "tensor/matrix_layout.h"

namespace kiln::cpu {

// c (m x n, row stride ldc) = a (m x k) b (k x n), each operand read through its layout.
// False, with nothing computed, where the build has no AVX-512 or the product is one that
// OpenBLAS does faster: fewer than 16 columns, a depth under 16 or under 32,768
// multiply-adds.
bool matmul_avx512(const float* a, const float* b, float* c, int64_t m, int64_t n, int64_t k,
                   MatrixLayout la, MatrixLayout lb, int64_t ldc);

}  // namespace kiln::cpu
