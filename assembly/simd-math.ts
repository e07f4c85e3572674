/**
 * Vectorised activations on four f32 lanes, shared by the WebAssembly SIMD kernels.
 */

/**
 * e^x on four lanes: Cody–Waite range reduction x = n·ln2 + r and Cephes' expf polynomial
 * (relative error about 1e-7 over the clamped range), 2^n built in the exponent bits.
 */
// @ts-ignore: decorator
@inline export function expV(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(-87.0)), f32x4.splat(87.0))
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)))
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)))
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)))
  let p = f32x4.splat(1.9875691500e-4)
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3))
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3))
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2))
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1))
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1))
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1.0))
  const pow2n = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23)
  return f32x4.mul(p, pow2n)
}

/** 1 / (1 + e^−x) on four lanes. */
// @ts-ignore: decorator
@inline export function sigmoidV(x: v128): v128 {
  const one = f32x4.splat(1.0)
  return f32x4.div(one, f32x4.add(one, expV(f32x4.neg(x))))
}

/** tanh x = 1 − 2 / (e^{2x} + 1): exact limits ±1, absolute error about 1e-7 near 0. */
// @ts-ignore: decorator
@inline export function tanhV(x: v128): v128 {
  const one = f32x4.splat(1.0)
  const e = expV(f32x4.add(x, x))
  return f32x4.sub(one, f32x4.div(f32x4.splat(2.0), f32x4.add(e, one)))
}
