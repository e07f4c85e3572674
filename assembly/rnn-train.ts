/**
 * LSTM and GRU (reset-after) training passes over a TBPTT window in WebAssembly SIMD (f32x4):
 * the forward pass that keeps what backpropagation needs, and backpropagation through time with
 * the weight gradients. Compiled by AssemblyScript into wasm/rnn-train.wasm (`npm run build:wasm`).
 *
 * The memory is imported and shared, so several threads run one call on disjoint ranges of
 * the batch [b0, b1) at once (src/ml/kernels/wasm/rnn-train-wasm.ts). Nothing is allocated
 * here; the JavaScript side lays every array out and describes it in a table of i32 words.
 * Layouts are tfjs's, so nothing is transposed: x [B][T][I]; W [I][G]; U [H][G]; bias [G],
 * G = 4H with the gate blocks i, f, g (cell), o, each H wide; one f32x4 spans four columns.
 *
 * desc (i32 words; pointers are byte offsets of f32 arrays):
 *   0 B  1 T  2 I  3 H
 *   4 x [B][T][I]   5 W [I][G]   6 U [H][G]   7 bias [G]   8 h0 [B][H]   9 c0 [B][H]
 *   10 gates [T][B][G]: the activations i, f, g, o of every step (forward writes them)
 *   11 hs [T+1][B][H], 12 cs [T+1][B][H]: h and c before and after every step
 *   13 out [B·T + 2B][H]: h_t for every (b, t) b-major, then h_T, then c_T (tfjs op output)
 *   14 dy: the gradient of out   15 dx [B][T][I]
 *   16 dh [B][H], 17 dc [B][H]: the running gradients of h and c; dh0, dc0 at the end
 * Per call: `scratch` [3G]; backward's `grads` = dW [I][G], dU [H][G], db [G] of this range.
 *
 * The GRU (reset-after: PyTorch's, RTNeural's, Keras reset_after=True) uses the same table with
 * G = 3H, gate blocks z, r, n: 7 bias [2][G] (input-side, then recurrent-side), 10 gates holds
 * z, r, n; 12 holds s_n = h·U_n + b_hn [T+1][B][H] (the term r multiplies) instead of c;
 * 13 out [B·T + B][H]; 9 and 17 are unused; grads' db is [2][G].
 */
import { accumulate, sigmoidV, tanhV } from "./simd-math"

/** First free byte after this module's static data: the caller lays its buffers out above it. */
export function heapBase(): usize {
  return __heap_base
}

// @ts-ignore: decorator
@inline function word(desc: usize, i: i32): usize {
  return <usize>load<i32>(desc + (<usize>i << 2))
}

// @ts-ignore: decorator
@inline function at(base: usize, index: i32): usize {
  return base + (<usize>index << 2)
}

/**
 * For each of `rows` rows k: grad[k][..] += vec[k] · d[..] and back[k] = Σ_c mat[k][c] · d[c]
 * (a scalar tail past the last multiple of 4 columns: the GRU's G = 3H with H odd): a weight
 * gradient and the gradient passed back, in one pass.
 */
function outerAndBack(grad: usize, mat: usize, cols: i32, vec: usize, d: usize, back: usize, rows: i32): void {
  const rowBytes = <usize>cols << 2
  const cols4 = cols & ~3
  for (let k = 0; k < rows; k++) {
    const v = v128.load32_splat(at(vec, k))
    const g = grad + <usize>k * rowBytes
    const m = mat + <usize>k * rowBytes
    let acc = f32x4.splat(0.0)
    let c = 0
    for (; c < cols4; c += 4) {
      const o = <usize>c << 2
      const dv = v128.load(d + o)
      v128.store(g + o, f32x4.add(v128.load(g + o), f32x4.mul(v, dv)))
      acc = f32x4.add(acc, f32x4.mul(v128.load(m + o), dv))
    }
    let tail: f32 = 0
    const vs = f32x4.extract_lane(v, 0)
    for (; c < cols; c++) {
      const o = <usize>c << 2
      const dv = load<f32>(d + o)
      store<f32>(g + o, load<f32>(g + o) + vs * dv)
      tail += load<f32>(m + o) * dv
    }
    store<f32>(at(back, k), f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3) + tail)
  }
}

function zero(p: usize, n: i32): void {
  for (let c = 0; c < n; c++) store<f32>(at(p, c), 0)
}

function copy(dst: usize, src: usize, n: i32): void {
  for (let c = 0; c < n; c++) store<f32>(at(dst, c), load<f32>(at(src, c)))
}

function sigmoid(x: f32): f32 {
  return 1.0 / (1.0 + Mathf.exp(-x))
}

/** The forward pass of batch rows [b0, b1) over all T steps; fills gates, hs, cs and out. */
export function lstmForward(desc: usize, b0: i32, b1: i32, z: usize): void {
  const B = load<i32>(desc)
  const T = load<i32>(desc + 4)
  const I = load<i32>(desc + 8)
  const H = load<i32>(desc + 12)
  const G = 4 * H
  const H4 = H & ~3
  const x = word(desc, 4), W = word(desc, 5), U = word(desc, 6), bias = word(desc, 7)
  const gates = word(desc, 10), hs = word(desc, 11), cs = word(desc, 12), out = word(desc, 13)
  const gate = <usize>H << 2
  for (let b = b0; b < b1; b++) {
    copy(at(hs, b * H), at(word(desc, 8), b * H), H)
    copy(at(cs, b * H), at(word(desc, 9), b * H), H)
  }
  for (let t = 0; t < T; t++) {
    for (let b = b0; b < b1; b++) {
      const hPrev = at(hs, (t * B + b) * H)
      const cPrev = at(cs, (t * B + b) * H)
      const hNext = at(hs, ((t + 1) * B + b) * H)
      const cNext = at(cs, ((t + 1) * B + b) * H)
      const g = at(gates, (t * B + b) * G)
      const o = at(out, (b * T + t) * H)
      memory.copy(z, bias, <usize>G << 2)
      accumulate(z, W, G, G, at(x, (b * T + t) * I), I)
      accumulate(z, U, G, G, hPrev, H)
      let k = 0
      for (; k < H4; k += 4) {
        const q = <usize>k << 2
        const ig = sigmoidV(v128.load(z + q))
        const fg = sigmoidV(v128.load(z + gate + q))
        const gg = tanhV(v128.load(z + 2 * gate + q))
        const og = sigmoidV(v128.load(z + 3 * gate + q))
        v128.store(g + q, ig)
        v128.store(g + gate + q, fg)
        v128.store(g + 2 * gate + q, gg)
        v128.store(g + 3 * gate + q, og)
        const c = f32x4.add(f32x4.mul(fg, v128.load(cPrev + q)), f32x4.mul(ig, gg))
        const h = f32x4.mul(og, tanhV(c))
        v128.store(cNext + q, c)
        v128.store(hNext + q, h)
        v128.store(o + q, h)
      }
      for (; k < H; k++) {
        const q = <usize>k << 2
        const ig = sigmoid(load<f32>(z + q))
        const fg = sigmoid(load<f32>(z + gate + q))
        const gg = Mathf.tanh(load<f32>(z + 2 * gate + q))
        const og = sigmoid(load<f32>(z + 3 * gate + q))
        store<f32>(g + q, ig)
        store<f32>(g + gate + q, fg)
        store<f32>(g + 2 * gate + q, gg)
        store<f32>(g + 3 * gate + q, og)
        const c = fg * load<f32>(cPrev + q) + ig * gg
        const h = og * Mathf.tanh(c)
        store<f32>(cNext + q, c)
        store<f32>(hNext + q, h)
        store<f32>(o + q, h)
      }
    }
  }
  for (let b = b0; b < b1; b++) {
    copy(at(out, (B * T + b) * H), at(hs, (T * B + b) * H), H)
    copy(at(out, (B * T + B + b) * H), at(cs, (T * B + b) * H), H)
  }
}

/**
 * Backpropagation through time for batch rows [b0, b1): dx of those rows, dh0/dc0 (left in dh,
 * dc), and this range's share of dW, dU, db in `grads` (overwritten). `dz` is scratch [G].
 */
export function lstmBackward(desc: usize, b0: i32, b1: i32, grads: usize, dz: usize): void {
  const B = load<i32>(desc)
  const T = load<i32>(desc + 4)
  const I = load<i32>(desc + 8)
  const H = load<i32>(desc + 12)
  const G = 4 * H
  const H4 = H & ~3
  const x = word(desc, 4), W = word(desc, 5), U = word(desc, 6)
  const gates = word(desc, 10), hs = word(desc, 11), cs = word(desc, 12)
  const dy = word(desc, 14), dx = word(desc, 15), dh = word(desc, 16), dc = word(desc, 17)
  const dW = grads
  const dU = at(grads, I * G)
  const db = at(grads, (I + H) * G)
  zero(grads, (I + H + 1) * G)
  const gate = <usize>H << 2
  const one = f32x4.splat(1.0)
  for (let b = b0; b < b1; b++) {
    copy(at(dh, b * H), at(dy, (B * T + b) * H), H)
    copy(at(dc, b * H), at(dy, (B * T + B + b) * H), H)
  }
  for (let t = T - 1; t >= 0; t--) {
    for (let b = b0; b < b1; b++) {
      const g = at(gates, (t * B + b) * G)
      const cPrev = at(cs, (t * B + b) * H)
      const cNow = at(cs, ((t + 1) * B + b) * H)
      const dyRow = at(dy, (b * T + t) * H)
      const dhb = at(dh, b * H)
      const dcb = at(dc, b * H)
      let k = 0
      for (; k < H4; k += 4) {
        const q = <usize>k << 2
        const dhk = f32x4.add(v128.load(dhb + q), v128.load(dyRow + q))
        const ig = v128.load(g + q)
        const fg = v128.load(g + gate + q)
        const gg = v128.load(g + 2 * gate + q)
        const og = v128.load(g + 3 * gate + q)
        const tc = tanhV(v128.load(cNow + q))
        const dck = f32x4.add(v128.load(dcb + q), f32x4.mul(f32x4.mul(dhk, og), f32x4.sub(one, f32x4.mul(tc, tc))))
        v128.store(dz + q, f32x4.mul(f32x4.mul(dck, gg), f32x4.mul(ig, f32x4.sub(one, ig))))
        v128.store(dz + gate + q, f32x4.mul(f32x4.mul(dck, v128.load(cPrev + q)), f32x4.mul(fg, f32x4.sub(one, fg))))
        v128.store(dz + 2 * gate + q, f32x4.mul(f32x4.mul(dck, ig), f32x4.sub(one, f32x4.mul(gg, gg))))
        v128.store(dz + 3 * gate + q, f32x4.mul(f32x4.mul(dhk, tc), f32x4.mul(og, f32x4.sub(one, og))))
        v128.store(dcb + q, f32x4.mul(dck, fg))
      }
      for (; k < H; k++) {
        const q = <usize>k << 2
        const dhk = load<f32>(dhb + q) + load<f32>(dyRow + q)
        const ig = load<f32>(g + q)
        const fg = load<f32>(g + gate + q)
        const gg = load<f32>(g + 2 * gate + q)
        const og = load<f32>(g + 3 * gate + q)
        const tc = Mathf.tanh(load<f32>(cNow + q))
        const dck = load<f32>(dcb + q) + dhk * og * (1 - tc * tc)
        store<f32>(dz + q, dck * gg * ig * (1 - ig))
        store<f32>(dz + gate + q, dck * load<f32>(cPrev + q) * fg * (1 - fg))
        store<f32>(dz + 2 * gate + q, dck * ig * (1 - gg * gg))
        store<f32>(dz + 3 * gate + q, dhk * tc * og * (1 - og))
        store<f32>(dcb + q, dck * fg)
      }
      for (let c = 0; c < G; c += 4) {
        const q = <usize>c << 2
        v128.store(db + q, f32x4.add(v128.load(db + q), v128.load(dz + q)))
      }
      outerAndBack(dW, W, G, at(x, (b * T + t) * I), dz, at(dx, (b * T + t) * I), I)
      // dz is complete, so dh of this row can be overwritten with the gradient of h_{t−1}
      outerAndBack(dU, U, G, at(hs, (t * B + b) * H), dz, dhb, H)
    }
  }
}

/** The reset-after GRU's forward pass of batch rows [b0, b1): fills gates (z, r, n), s_n, hs and out. */
export function gruForward(desc: usize, b0: i32, b1: i32, scratch: usize): void {
  const B = load<i32>(desc)
  const T = load<i32>(desc + 4)
  const I = load<i32>(desc + 8)
  const H = load<i32>(desc + 12)
  const G = 3 * H
  const H4 = H & ~3
  const x = word(desc, 4), W = word(desc, 5), U = word(desc, 6), bias = word(desc, 7)
  const gates = word(desc, 10), hs = word(desc, 11), sn = word(desc, 12), out = word(desc, 13)
  const a = scratch
  const s = at(scratch, G)
  const gate = <usize>H << 2
  const one = f32x4.splat(1.0)
  for (let b = b0; b < b1; b++) copy(at(hs, b * H), at(word(desc, 8), b * H), H)
  for (let t = 0; t < T; t++) {
    for (let b = b0; b < b1; b++) {
      const hPrev = at(hs, (t * B + b) * H)
      const hNext = at(hs, ((t + 1) * B + b) * H)
      const g = at(gates, (t * B + b) * G)
      const snRow = at(sn, (t * B + b) * H)
      const o = at(out, (b * T + t) * H)
      memory.copy(a, bias, <usize>G << 2)
      memory.copy(s, at(bias, G), <usize>G << 2)
      accumulate(a, W, G, G, at(x, (b * T + t) * I), I)
      accumulate(s, U, G, G, hPrev, H)
      let k = 0
      for (; k < H4; k += 4) {
        const q = <usize>k << 2
        const zg = sigmoidV(f32x4.add(v128.load(a + q), v128.load(s + q)))
        const r = sigmoidV(f32x4.add(v128.load(a + gate + q), v128.load(s + gate + q)))
        const sN = v128.load(s + 2 * gate + q)
        const n = tanhV(f32x4.add(v128.load(a + 2 * gate + q), f32x4.mul(r, sN)))
        v128.store(g + q, zg)
        v128.store(g + gate + q, r)
        v128.store(g + 2 * gate + q, n)
        v128.store(snRow + q, sN)
        const h = f32x4.add(f32x4.mul(zg, v128.load(hPrev + q)), f32x4.mul(f32x4.sub(one, zg), n))
        v128.store(hNext + q, h)
        v128.store(o + q, h)
      }
      for (; k < H; k++) {
        const q = <usize>k << 2
        const zg = sigmoid(load<f32>(a + q) + load<f32>(s + q))
        const r = sigmoid(load<f32>(a + gate + q) + load<f32>(s + gate + q))
        const sN = load<f32>(s + 2 * gate + q)
        const n = Mathf.tanh(load<f32>(a + 2 * gate + q) + r * sN)
        store<f32>(g + q, zg)
        store<f32>(g + gate + q, r)
        store<f32>(g + 2 * gate + q, n)
        store<f32>(snRow + q, sN)
        const h = zg * load<f32>(hPrev + q) + (1 - zg) * n
        store<f32>(hNext + q, h)
        store<f32>(o + q, h)
      }
    }
  }
  for (let b = b0; b < b1; b++) copy(at(out, (B * T + b) * H), at(hs, (T * B + b) * H), H)
}

/**
 * The reset-after GRU's backpropagation through time for batch rows [b0, b1): dx of those rows,
 * dh0 (left in dh), and this range's dW, dU, db ([2][G]) in `grads`. `scratch` is [3G].
 */
export function gruBackward(desc: usize, b0: i32, b1: i32, grads: usize, scratch: usize): void {
  const B = load<i32>(desc)
  const T = load<i32>(desc + 4)
  const I = load<i32>(desc + 8)
  const H = load<i32>(desc + 12)
  const G = 3 * H
  const H4 = H & ~3
  const x = word(desc, 4), W = word(desc, 5), U = word(desc, 6)
  const gates = word(desc, 10), hs = word(desc, 11), sn = word(desc, 12)
  const dy = word(desc, 14), dx = word(desc, 15), dh = word(desc, 16)
  const dW = grads
  const dU = at(grads, I * G)
  const dbI = at(grads, (I + H) * G)
  const dbH = at(grads, (I + H + 1) * G)
  zero(grads, (I + H + 2) * G)
  const da = scratch
  const ds = at(scratch, G)
  const direct = at(scratch, 2 * G) // dh_t · z: the gradient reaching h_{t−1} directly
  const gate = <usize>H << 2
  const one = f32x4.splat(1.0)
  for (let b = b0; b < b1; b++) copy(at(dh, b * H), at(dy, (B * T + b) * H), H)
  for (let t = T - 1; t >= 0; t--) {
    for (let b = b0; b < b1; b++) {
      const g = at(gates, (t * B + b) * G)
      const snRow = at(sn, (t * B + b) * H)
      const hPrev = at(hs, (t * B + b) * H)
      const dyRow = at(dy, (b * T + t) * H)
      const dhb = at(dh, b * H)
      let k = 0
      for (; k < H4; k += 4) {
        const q = <usize>k << 2
        const dhk = f32x4.add(v128.load(dhb + q), v128.load(dyRow + q))
        const zg = v128.load(g + q)
        const r = v128.load(g + gate + q)
        const n = v128.load(g + 2 * gate + q)
        const dn = f32x4.mul(f32x4.mul(dhk, f32x4.sub(one, zg)), f32x4.sub(one, f32x4.mul(n, n)))
        const dz = f32x4.mul(f32x4.mul(dhk, f32x4.sub(v128.load(hPrev + q), n)), f32x4.mul(zg, f32x4.sub(one, zg)))
        const dr = f32x4.mul(f32x4.mul(dn, v128.load(snRow + q)), f32x4.mul(r, f32x4.sub(one, r)))
        v128.store(da + q, dz)
        v128.store(da + gate + q, dr)
        v128.store(da + 2 * gate + q, dn)
        v128.store(ds + q, dz)
        v128.store(ds + gate + q, dr)
        v128.store(ds + 2 * gate + q, f32x4.mul(dn, r))
        v128.store(direct + q, f32x4.mul(dhk, zg))
      }
      for (; k < H; k++) {
        const q = <usize>k << 2
        const dhk = load<f32>(dhb + q) + load<f32>(dyRow + q)
        const zg = load<f32>(g + q)
        const r = load<f32>(g + gate + q)
        const n = load<f32>(g + 2 * gate + q)
        const dn = dhk * (1 - zg) * (1 - n * n)
        const dz = dhk * (load<f32>(hPrev + q) - n) * zg * (1 - zg)
        const dr = dn * load<f32>(snRow + q) * r * (1 - r)
        store<f32>(da + q, dz)
        store<f32>(da + gate + q, dr)
        store<f32>(da + 2 * gate + q, dn)
        store<f32>(ds + q, dz)
        store<f32>(ds + gate + q, dr)
        store<f32>(ds + 2 * gate + q, dn * r)
        store<f32>(direct + q, dhk * zg)
      }
      // G = 3H need not be a multiple of 4
      for (let c = 0; c < G; c++) {
        store<f32>(at(dbI, c), load<f32>(at(dbI, c)) + load<f32>(at(da, c)))
        store<f32>(at(dbH, c), load<f32>(at(dbH, c)) + load<f32>(at(ds, c)))
      }
      outerAndBack(dW, W, G, at(x, (b * T + t) * I), da, at(dx, (b * T + t) * I), I)
      outerAndBack(dU, U, G, hPrev, ds, dhb, H)
      for (let j = 0; j < H; j++) store<f32>(at(dhb, j), load<f32>(at(dhb, j)) + load<f32>(at(direct, j)))
    }
  }
}
