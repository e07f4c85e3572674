/**
 * LSTM / GRU inference over a block of samples in WebAssembly SIMD (f32x4), compiled by
 * AssemblyScript into wasm/rnn.wasm (`npm run build:wasm`, run by `prepare` during `npm ci`).
 *
 * No allocation here: the JavaScript side (src/ml/kernels/wasm/) lays weights, state and
 * the sample buffer out in this instance's linear memory and describes them in a table of
 * i32 words (`desc`); `process(desc, n)` then runs n samples with no crossing per sample.
 *
 * Units are padded to Hp = a multiple of 4 with zero weights and bias, which keeps padded
 * state at exactly zero for both cells (LSTM: c = ½·0 + ½·tanh 0 = 0; GRU: h = ½·0 + ½·0).
 * Every gate matrix is stored input-row-major, [rows][G] with G = gates·Hp and each gate a
 * contiguous block of Hp units, so one f32x4 holds four units of one gate and the
 * activations vectorise.
 *
 * desc (i32 words):
 *   0 cell: 0 LSTM (i, f, g, o), 1 GRU with the reset gate before the recurrent product
 *     (tfjs/Keras reset_after=false; gates z, r, h), 2 GRU reset-after (PyTorch, RTNeural,
 *     Keras reset_after=true; gates z, r, h, a second recurrent bias)
 *   1 layers   2 Hp   3 output: 0 the head, 1 the head + the dry sample (skip), 2 the gain head:
 *     x·exp(gain head) + head (model.rnn output = "gain")   4 io buffer (f32[n], in: dry, out: wet, in place)
 *   5 head kernel (f32[Hp])   6 head bias (f32 bits)   7 scratch (f32[4·Hp])   8 scratch (f32[4·Hp])
 *   9 gain head kernel (f32[Hp], output 2 only)   10 gain head bias (f32 bits)
 *   11 μ of the μ-law input channel (f32 bits; 0: none)   12 the layer-0 input pair (f32[4]: x, μ-law(x))
 *   16 + 8·l: layer l's  [input weights, recurrent weights, bias, h, c]
 *     input weights: layer 0 one row (the audio channel; conditioning is folded into the
 *     bias by the caller), two with a μ-law channel (x, then μ-law(x)), deeper layers Hp rows; recurrent: Hp rows; bias: G (+ G for
 *     reset-after: the recurrent bias).
 */
import { accumulate, sigmoidV, tanhV } from "./simd-math"

/** First free byte after this module's static data: the caller lays its buffers out above it. */
export function heapBase(): usize {
  return __heap_base
}

/** dst[0..n) = src[0..n), n a multiple of 4. */
function copy(dst: usize, src: usize, n: i32): void {
  for (let c = 0; c < n; c += 4) v128.store(dst + (<usize>c << 2), v128.load(src + (<usize>c << 2)))
}

/** Σ a[k]·b[k] over n (a multiple of 4) floats. */
function dot(a: usize, b: usize, n: i32): f32 {
  let acc = f32x4.splat(0.0)
  for (let c = 0; c < n; c += 4) {
    const o = <usize>c << 2
    acc = f32x4.add(acc, f32x4.mul(v128.load(a + o), v128.load(b + o)))
  }
  return f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3)
}

// ---- cells --------------------------------------------------------------------------------

// @ts-ignore: decorator
@inline function word(desc: usize, i: i32): i32 {
  return load<i32>(desc + (<usize>i << 2))
}

/** The gate pre-activations from the input side: z = bias + W·input. */
function inputSide(z: usize, l: i32, L: usize, G: i32, Hp: i32, x: usize, below: usize, rows0: i32): void {
  copy(z, <usize>load<i32>(L + 8), G)
  if (l == 0) accumulate(z, <usize>load<i32>(L), G, G, x, rows0)
  else accumulate(z, <usize>load<i32>(L), G, G, below, Hp)
}

function lstmStep(L: usize, l: i32, Hp: i32, z: usize, x: usize, below: usize, rows0: i32): void {
  const G = 4 * Hp
  const h = <usize>load<i32>(L + 12)
  const c = <usize>load<i32>(L + 16)
  inputSide(z, l, L, G, Hp, x, below, rows0)
  accumulate(z, <usize>load<i32>(L + 4), G, G, h, Hp)
  const gate = <usize>Hp << 2
  for (let j = 0; j < Hp; j += 4) {
    const o = <usize>j << 2
    const i = sigmoidV(v128.load(z + o))
    const f = sigmoidV(v128.load(z + gate + o))
    const g = tanhV(v128.load(z + 2 * gate + o))
    const og = sigmoidV(v128.load(z + 3 * gate + o))
    const cn = f32x4.add(f32x4.mul(f, v128.load(c + o)), f32x4.mul(i, g))
    v128.store(c + o, cn)
    v128.store(h + o, f32x4.mul(og, tanhV(cn)))
  }
}

function gruStep(L: usize, l: i32, Hp: i32, z: usize, s: usize, x: usize, below: usize, resetAfter: bool, rows0: i32): void {
  const G = 3 * Hp
  const h = <usize>load<i32>(L + 12)
  const u = <usize>load<i32>(L + 4)
  inputSide(z, l, L, G, Hp, x, below, rows0)
  const gate = <usize>Hp << 2
  if (resetAfter) {
    // s = b_rec + U·h over all three gates; n = tanh(x-side + r ⊙ s_n).
    copy(s, <usize>load<i32>(L + 8) + (<usize>G << 2), G)
    accumulate(s, u, G, G, h, Hp)
    for (let j = 0; j < Hp; j += 4) {
      const o = <usize>j << 2
      const zg = sigmoidV(f32x4.add(v128.load(z + o), v128.load(s + o)))
      const r = sigmoidV(f32x4.add(v128.load(z + gate + o), v128.load(s + gate + o)))
      const n = tanhV(f32x4.add(v128.load(z + 2 * gate + o), f32x4.mul(r, v128.load(s + 2 * gate + o))))
      const hv = v128.load(h + o)
      v128.store(h + o, f32x4.add(n, f32x4.mul(zg, f32x4.sub(hv, n))))
    }
  } else {
    // z and r from U's first two blocks; then r ⊙ h (in s) times U's third block.
    accumulate(z, u, G, 2 * Hp, h, Hp)
    for (let j = 0; j < Hp; j += 4) {
      const o = <usize>j << 2
      const r = sigmoidV(v128.load(z + gate + o))
      v128.store(s + o, f32x4.mul(r, v128.load(h + o)))
    }
    accumulate(z + 2 * gate, u + 2 * gate, G, Hp, s, Hp)
    for (let j = 0; j < Hp; j += 4) {
      const o = <usize>j << 2
      const zg = sigmoidV(v128.load(z + o))
      const n = tanhV(v128.load(z + 2 * gate + o))
      const hv = v128.load(h + o)
      v128.store(h + o, f32x4.add(n, f32x4.mul(zg, f32x4.sub(hv, n))))
    }
  }
}

/** Runs n samples of the io buffer through the network described at `desc`, in place. */
export function process(desc: usize, n: i32): void {
  const cell = word(desc, 0)
  const layers = word(desc, 1)
  const Hp = word(desc, 2)
  const output = word(desc, 3)
  const gainHead = <usize>word(desc, 9)
  const gainBias = load<f32>(desc + 40)
  const mu = load<f32>(desc + 44)
  const pair = <usize>word(desc, 12)
  const rows0 = mu > 0 ? 2 : 1
  const muScale: f32 = mu > 0 ? <f32>1 / Mathf.log1p(mu) : <f32>0
  const io = <usize>word(desc, 4)
  const head = <usize>word(desc, 5)
  const headBias = load<f32>(desc + 24)
  const z = <usize>word(desc, 7)
  const s = <usize>word(desc, 8)
  const top = <usize>load<i32>(desc + 64 + (<usize>(layers - 1) << 5) + 12)
  for (let t = 0; t < n; t++) {
    const x = io + (<usize>t << 2)
    // layer 0 reads [x, μ-law(x)] from the pair buffer when there is a μ-law channel
    let in0 = x
    if (mu > 0) {
      const v = load<f32>(x)
      store<f32>(pair, v)
      store<f32>(pair + 4, (v < 0 ? <f32>-1 : <f32>1) * Mathf.log1p(mu * Mathf.abs(v)) * muScale)
      in0 = pair
    }
    let below: usize = 0
    for (let l = 0; l < layers; l++) {
      const L = desc + 64 + (<usize>l << 5)
      if (cell == 0) lstmStep(L, l, Hp, z, in0, below, rows0)
      else gruStep(L, l, Hp, z, s, in0, below, cell == 2, rows0)
      below = <usize>load<i32>(L + 12)
    }
    const y = headBias + dot(head, top, Hp)
    const dry = load<f32>(x)
    if (output == 2) store<f32>(x, dry * Mathf.exp(gainBias + dot(gainHead, top, Hp)) + y)
    else store<f32>(x, output == 1 ? y + dry : y)
  }
}
