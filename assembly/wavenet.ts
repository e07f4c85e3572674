/**
 * NAM's WaveNet (dilated causal convolutions, one ring buffer per layer) over a block of
 * samples in WebAssembly SIMD (f32x4), compiled by AssemblyScript into wasm/wavenet.wasm
 * (`npm run build:wasm`, run by `prepare` during `npm ci`). The network and its state are
 * those of the TypeScript kernel (src/ml/kernels/nam-wavenet.ts), which documents them.
 *
 * No allocation here: the JavaScript side (src/ml/kernels/wasm/wavenet-wasm.ts) lays weights,
 * rings and the sample buffer out in this instance's linear memory and describes them in a
 * table of i32 words (`desc`); `process(desc, n)` then runs n samples with no crossing per sample.
 * `processTcn` (at the end) runs a causal model.tcn on the same ring-buffer dilated convolution.
 *
 * Channels are padded to Cp = a multiple of 4 with zero weights and biases, so a padded
 * channel of the layer input x stays exactly 0, and whatever a padded activation holds
 * (σ(0) = ½ for Sigmoid or gated layers) meets only zero weights. Every matrix is stored
 * input-row-major, [inputs][outputs padded], so one f32x4 holds four output channels; the
 * conv is K such matrices, one per tap, [K][Cp][midP], where midP = Cp (2·Cp gated: the
 * activation half, then the gate half).
 *
 * desc (i32 words):
 *   0 layer arrays   1 io buffer (f32[n], in: dry, out: wet, in place)   2 head scale (f32 bits)
 *   3 scratch z (f32[max midP])   4 scratch a (f32[max Cp])
 *   16 + 16·i: layer array i:
 *     0 Cp   1 inP (input rows: 1 for the audio, else the previous array's Cp)   2 head Hp
 *     3 kernel size K   4 gated (0/1)   5 activation: 0 Tanh, 1 ReLU, 2 Hardtanh, 3 Sigmoid
 *     6 layers   7 rechannel [inP][Cp]   8 head rechannel [Cp][Hp]   9 its bias [Hp]
 *     10 x [Cp]   11 head accumulator [Cp]   12 head output [Hp]   13 layer table
 *     14 rechannel bias [Cp] (first array: the extra conditioning values' part, folded by the
 *        caller; the rechannel matrix then holds only the audio's row)
 *   layer table, 12 words per layer:
 *     0 ring [len][Cp]   1 len = (K − 1)·d + 1   2 write position (updated)   3 dilation d
 *     4 conv [K][Cp][midP]   5 conv bias [midP] (with the mixer's extra conditioning values
 *     folded in by the caller)   6 mixer [midP] (the audio's column)
 *     7 1×1 [Cp][Cp]   8 1×1 bias [Cp]
 */
import { accumulate, sigmoidV, tanhV } from "./simd-math"

/** First free byte after this module's static data: the caller lays its buffers out above it. */
export function heapBase(): usize {
  return __heap_base
}

// @ts-ignore: decorator
@inline function word(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2))
}

// @ts-ignore: decorator
@inline function ptr(p: usize, i: i32): usize {
  return <usize>load<i32>(p + (<usize>i << 2))
}

/** The layer activation on four lanes (codes as in the desc table). */
// @ts-ignore: decorator
@inline function activate(code: i32, v: v128): v128 {
  if (code == 0) return tanhV(v)
  if (code == 1) return f32x4.max(v, f32x4.splat(0.0))
  if (code == 2) return f32x4.min(f32x4.max(v, f32x4.splat(-1.0)), f32x4.splat(1.0))
  return sigmoidV(v)
}

/** One dilated layer for the current sample: ring ← x; z = conv + bias + mixer·sample; a = act(z); head += a; x += 1×1(a) + bias. */
function layer(Lp: usize, Cp: i32, K: i32, gated: bool, code: i32, x: usize, head: usize, z: usize, a: usize, sv: v128): void {
  const ring = ptr(Lp, 0)
  const len = word(Lp, 1)
  const pos = word(Lp, 2)
  const d = word(Lp, 3)
  const conv = ptr(Lp, 4)
  const bias = ptr(Lp, 5)
  const mixer = ptr(Lp, 6)
  const midP = gated ? 2 * Cp : Cp
  const slotBytes = <usize>Cp << 2
  const tapBytes = (<usize>(Cp * midP)) << 2
  const now = ring + <usize>pos * slotBytes
  for (let c = 0; c < Cp; c += 4) {
    const o = <usize>c << 2
    v128.store(now + o, v128.load(x + o))
  }
  for (let m = 0; m < midP; m += 4) {
    const o = <usize>m << 2
    v128.store(z + o, f32x4.add(v128.load(bias + o), f32x4.mul(v128.load(mixer + o), sv)))
  }
  for (let k = 0; k < K; k++) {
    // tap k reads the input (K − 1 − k)·d samples ago
    let slot = pos - (K - 1 - k) * d
    if (slot < 0) slot += len
    accumulate(z, conv + <usize>k * tapBytes, midP, midP, ring + <usize>slot * slotBytes, Cp)
  }
  const gate = <usize>Cp << 2
  for (let c = 0; c < Cp; c += 4) {
    const o = <usize>c << 2
    let av = activate(code, v128.load(z + o))
    if (gated) av = f32x4.mul(av, sigmoidV(v128.load(z + gate + o)))
    v128.store(a + o, av)
    v128.store(head + o, f32x4.add(v128.load(head + o), av))
  }
  const b1 = ptr(Lp, 8)
  for (let c = 0; c < Cp; c += 4) {
    const o = <usize>c << 2
    v128.store(x + o, f32x4.add(v128.load(x + o), v128.load(b1 + o)))
  }
  accumulate(x, ptr(Lp, 7), Cp, Cp, a, Cp)
  store<i32>(Lp + 8, pos + 1 == len ? 0 : pos + 1)
}

/** Runs n samples of the io buffer through the network described at `desc`, in place. */
export function process(desc: usize, n: i32): void {
  const arrays = word(desc, 0)
  const io = ptr(desc, 1)
  const headScale = load<f32>(desc + 8)
  const z = ptr(desc, 3)
  const a = ptr(desc, 4)
  for (let t = 0; t < n; t++) {
    const sp = io + (<usize>t << 2)
    const sv = f32x4.splat(load<f32>(sp))
    let below: usize = 0
    let headIn: usize = 0
    for (let ai = 0; ai < arrays; ai++) {
      const A = desc + 64 + (<usize>ai << 6)
      const Cp = word(A, 0)
      const Hp = word(A, 2)
      const x = ptr(A, 10)
      const head = ptr(A, 11)
      const out = ptr(A, 12)
      // rechannel: the audio for the first array, the previous array's layer output after
      const rechannel = ptr(A, 7)
      if (below == 0) {
        const rb = ptr(A, 14)
        for (let c = 0; c < Cp; c += 4) {
          const o = <usize>c << 2
          v128.store(x + o, f32x4.add(v128.load(rb + o), f32x4.mul(v128.load(rechannel + o), sv)))
        }
      } else {
        for (let c = 0; c < Cp; c += 4) v128.store(x + (<usize>c << 2), f32x4.splat(0.0))
        accumulate(x, rechannel, Cp, Cp, below, word(A, 1))
      }
      for (let c = 0; c < Cp; c += 4) {
        const o = <usize>c << 2
        v128.store(head + o, headIn == 0 ? f32x4.splat(0.0) : v128.load(headIn + o))
      }
      const K = word(A, 3)
      const gated = word(A, 4) != 0
      const code = word(A, 5)
      const layers = word(A, 6)
      const table = ptr(A, 13)
      for (let li = 0; li < layers; li++) layer(table + <usize>li * 48, Cp, K, gated, code, x, head, z, a, sv)
      const hb = ptr(A, 9)
      for (let h = 0; h < Hp; h += 4) {
        const o = <usize>h << 2
        v128.store(out + o, v128.load(hb + o))
      }
      accumulate(out, ptr(A, 8), Hp, Hp, head, Cp)
      below = x
      headIn = out
    }
    store<f32>(sp, headScale * load<f32>(headIn))
  }
}

/**
 * A causal model.tcn over n samples of the io buffer, in place, on the same ring-buffer
 * dilated convolution: per block, ring ← h; z = conv(h) + bias (FiLM's γ and β folded into
 * the conv weights and bias by the caller); h ← PReLU_α(z) + R·h; output tanh(w·h + b).
 * Channels padded to Cp, each block's input to cinP (4 for the audio, Cp after), zero weights.
 *
 * desc (i32 words):
 *   0 blocks   1 io buffer   2 output bias (f32 bits)   3 Cp   4 kernel size K
 *   5 output kernel [Cp]   6 h [Cp]   7 scratch [Cp]
 *   16 + 12·i: block i: 0 ring [len][cinP]   1 len   2 write position (updated)   3 dilation
 *     4 conv [K][cinP][Cp]   5 bias [Cp]   6 PReLU α [Cp]   7 residual 1×1 [cinP][Cp]   8 cinP
 */
export function processTcn(desc: usize, n: i32): void {
  const blocks = word(desc, 0)
  const io = ptr(desc, 1)
  const outBias = load<f32>(desc + 8)
  const Cp = word(desc, 3)
  const K = word(desc, 4)
  const outKernel = ptr(desc, 5)
  const h = ptr(desc, 6)
  const next = ptr(desc, 7)
  const zero = f32x4.splat(0.0)
  for (let t = 0; t < n; t++) {
    const sp = io + (<usize>t << 2)
    v128.store(h, f32x4.replace_lane(zero, 0, load<f32>(sp)))
    for (let i = 0; i < blocks; i++) {
      const B = desc + 64 + <usize>i * 48
      const ring = ptr(B, 0)
      const len = word(B, 1)
      const pos = word(B, 2)
      const d = word(B, 3)
      const conv = ptr(B, 4)
      const bias = ptr(B, 5)
      const alpha = ptr(B, 6)
      const cinP = word(B, 8)
      const slotBytes = <usize>cinP << 2
      const now = ring + <usize>pos * slotBytes
      for (let c = 0; c < cinP; c += 4) {
        const o = <usize>c << 2
        v128.store(now + o, v128.load(h + o))
      }
      for (let m = 0; m < Cp; m += 4) {
        const o = <usize>m << 2
        v128.store(next + o, v128.load(bias + o))
      }
      const tapBytes = (<usize>(cinP * Cp)) << 2
      for (let k = 0; k < K; k++) {
        // tap k reads the input (K − 1 − k)·d samples ago
        let slot = pos - (K - 1 - k) * d
        if (slot < 0) slot += len
        accumulate(next, conv + <usize>k * tapBytes, Cp, Cp, ring + <usize>slot * slotBytes, cinP)
      }
      for (let m = 0; m < Cp; m += 4) {
        const o = <usize>m << 2
        const z = v128.load(next + o)
        v128.store(next + o, f32x4.add(f32x4.max(z, zero), f32x4.mul(v128.load(alpha + o), f32x4.min(z, zero))))
      }
      accumulate(next, ptr(B, 7), Cp, Cp, h, cinP)
      for (let m = 0; m < Cp; m += 4) {
        const o = <usize>m << 2
        v128.store(h + o, v128.load(next + o))
      }
      store<i32>(B + 8, pos + 1 == len ? 0 : pos + 1)
    }
    let acc = zero
    for (let m = 0; m < Cp; m += 4) {
      const o = <usize>m << 2
      acc = f32x4.add(acc, f32x4.mul(v128.load(outKernel + o), v128.load(h + o)))
    }
    const y = outBias + f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3)
    store<f32>(sp, f32x4.extract_lane(tanhV(f32x4.splat(y)), 0))
  }
}
