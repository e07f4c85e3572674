/**
 * Vectorised activations and the matrix-vector accumulation on four f32 lanes, shared by the
 * WebAssembly SIMD kernels (rnn.ts, rnn-train.ts).
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

/**
 * z[0..cols) += Σ_k vec[k] · mat[k][0..cols), rows of `stride` floats: four columns per f32x4,
 * then a scalar tail when cols is not a multiple of 4 (training's GRU, G = 3H with H odd; the
 * inference kernels pad to multiples of 4 and never reach it).
 */
export function accumulate(z: usize, mat: usize, stride: i32, cols: i32, vec: usize, rows: i32): void {
  const rowBytes = <usize>stride << 2
  const cols4 = cols & ~3
  let k = 0
  // Four input rows per pass over z: a quarter of the loads and stores of z.
  for (; k + 4 <= rows; k += 4) {
    const v0 = v128.load32_splat(vec + (<usize>k << 2))
    const v1 = v128.load32_splat(vec + (<usize>(k + 1) << 2))
    const v2 = v128.load32_splat(vec + (<usize>(k + 2) << 2))
    const v3 = v128.load32_splat(vec + (<usize>(k + 3) << 2))
    const r0 = mat + <usize>k * rowBytes
    const r1 = r0 + rowBytes
    const r2 = r1 + rowBytes
    const r3 = r2 + rowBytes
    let c = 0
    for (; c < cols4; c += 4) {
      const o = <usize>c << 2
      let acc = v128.load(z + o)
      acc = f32x4.add(acc, f32x4.mul(v128.load(r0 + o), v0))
      acc = f32x4.add(acc, f32x4.mul(v128.load(r1 + o), v1))
      acc = f32x4.add(acc, f32x4.mul(v128.load(r2 + o), v2))
      acc = f32x4.add(acc, f32x4.mul(v128.load(r3 + o), v3))
      v128.store(z + o, acc)
    }
    for (; c < cols; c++) {
      const o = <usize>c << 2
      const s0 = f32x4.extract_lane(v0, 0) * load<f32>(r0 + o) + f32x4.extract_lane(v1, 0) * load<f32>(r1 + o)
      const s1 = f32x4.extract_lane(v2, 0) * load<f32>(r2 + o) + f32x4.extract_lane(v3, 0) * load<f32>(r3 + o)
      store<f32>(z + o, load<f32>(z + o) + s0 + s1)
    }
  }
  for (; k < rows; k++) {
    const v = v128.load32_splat(vec + (<usize>k << 2))
    const r = mat + <usize>k * rowBytes
    let c = 0
    for (; c < cols4; c += 4) {
      const o = <usize>c << 2
      v128.store(z + o, f32x4.add(v128.load(z + o), f32x4.mul(v128.load(r + o), v)))
    }
    for (; c < cols; c++) {
      const o = <usize>c << 2
      store<f32>(z + o, load<f32>(z + o) + load<f32>(r + o) * f32x4.extract_lane(v, 0))
    }
  }
}
