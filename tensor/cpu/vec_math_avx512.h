#pragma once

// vec_math.h's functions on 16 float32 lanes at once, for kernels written with AVX-512
// intrinsics: the same formulas, so that short rows need no scalar remainder loop.
#ifdef __AVX512F__
#include <immintrin.h>

#include <cstdint>

// GCC 12's intrinsics start some results from a vector initialised from itself, which its
// -Wuninitialized and -Wmaybe-uninitialized report where they are inlined: code written
// with them sits between these two.
#if defined(__GNUC__) && !defined(__clang__)
#define KILN_AVX512_CODE_BEGIN                                                         \
  _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wuninitialized\"") \
      _Pragma("GCC diagnostic ignored \"-Wmaybe-uninitialized\"")
#define KILN_AVX512_CODE_END _Pragma("GCC diagnostic pop")
#else
#define KILN_AVX512_CODE_BEGIN
#define KILN_AVX512_CODE_END
#endif

namespace kiln::cpu {

KILN_AVX512_CODE_BEGIN

// The first `count` of 16 lanes (none for count <= 0).
inline __mmask16 first_lanes(int64_t count) {
  if (count >= 16) return 0xFFFF;
  return count <= 0 ? 0 : static_cast<__mmask16>((1u << count) - 1);
}

// exp_nonpositive_f32 on each lane: exp(x) for x <= 0 (or NaN), 0 below log(FLT_MIN).
inline __m512 exp_nonpositive_x16(__m512 x) {
  const __m512 lowest = _mm512_set1_ps(-87.33654475f);
  const __m512 clamped = _mm512_max_ps(x, lowest);  // NaN lanes become `lowest`
  const __m512 n =
      _mm512_roundscale_ps(_mm512_mul_ps(clamped, _mm512_set1_ps(1.44269504088896341f)),
                           _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), clamped);
  r = _mm512_fmadd_ps(n, _mm512_set1_ps(2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  p = _mm512_add_ps(_mm512_fmadd_ps(_mm512_mul_ps(p, r), r, r), _mm512_set1_ps(1.0f));
  const __m512i exponent = _mm512_slli_epi32(_mm512_cvtps_epi32(n), 23);
  const __m512 scaled = _mm512_castsi512_ps(_mm512_add_epi32(_mm512_castps_si512(p), exponent));
  const __mmask16 underflow = _mm512_cmp_ps_mask(x, lowest, _CMP_LT_OQ);
  const __mmask16 nan = _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
  return _mm512_mask_blend_ps(nan, _mm512_mask_blend_ps(underflow, scaled, _mm512_setzero_ps()), x);
}

KILN_AVX512_CODE_END

}  // namespace kiln::cpu
#endif
