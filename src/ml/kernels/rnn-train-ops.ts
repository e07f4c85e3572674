/**
 * Whole-sequence LSTM and GRU layers as single tf ops (tf.customGrad) whose forward pass and
 * backpropagation-through-time run as plain loops over Float32Arrays.
 *
 * Why: tfjs-layers runs an RNN as ~15 small tf ops per time step, and on the cpu/wasm
 * backends that costs ~1–2 ms per step however small the layer is; a hidden-16 LSTM on
 * audio needs hundreds of thousands of steps per epoch. Here one op covers a whole TBPTT
 * chunk; the weights stay the tfjs layers' variables (same layout and gate order), so the
 * optimizer, the losses, predict and save are unchanged. Gradients are checked against
 * tf.grad through the tfjs layers in test/ml/rnn-train-ops.test.ts.
 *
 * Layouts (tfjs): x [B, T, I]; kernel [I, G·H]; recurrent [H, G·H]; bias [G·H];
 * LSTM gate blocks i, f, c, o (G = 4); GRU blocks z, r, h (G = 3, reset before the matmul:
 * gruSequenceOp, tfjs's GRUCell); reset-after GRU blocks z, r, n with bias [2, G]
 * (gruResetAfterSequenceOp, PyTorch's cell). The LSTM and the reset-after GRU run the
 * WebAssembly SIMD passes (wasm/rnn-train-wasm.ts) when they load.
 * Output, 2-D so that every part is a contiguous row block (tfjs-cpu slices anything else
 * element by element): LSTM [B·T + 2B, H] = h_t for every (b, t) (b-major), then h_T (B rows),
 * then c_T (B rows); GRU [B·T + B, H] = h_t rows, then h_T.
 */
import type { Tf } from "../backend.js"
import type { Tensor } from "../model.js"
import { rnnTrainKernel } from "./wasm/rnn-train-wasm.js"

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v))

const data = (t: Tensor): Float32Array => t.dataSync() as Float32Array

/**
 * One step of backpropagation through the product v·M, M [n][stride] with columns [0, cols)
 * used and v = vec[vo, vo + n): dM[k][g] += v[k]·dz[g], and back[k] = Σ_g M[k][g]·dz[g] (the
 * gradient that reaches v). Shared by the TypeScript passes of every cell.
 */
const backThroughProduct = (
  M: Float32Array, dM: Float64Array, stride: number, cols: number,
  vec: Float32Array, vo: number, n: number, dz: Float64Array, back: Float64Array
): void => {
  for (let k = 0; k < n; k++) {
    const v = vec[vo + k]!
    const row = k * stride
    let s = 0
    for (let g = 0; g < cols; g++) {
      dM[row + g] += v * dz[g]!
      s += M[row + g]! * dz[g]!
    }
    back[k] = s
  }
}

/** LSTM over a batch: returns a function of (x, kernel, recurrent, bias, h0, c0). */
export const lstmSequenceOp = (tf: Tf) =>
  tf.customGrad((...args) => {
    const [xT, kT, uT, bT, h0T, c0T] = args as Tensor[]
    const [B, T, I] = xT!.shape as [number, number, number]
    const H = h0T!.shape[1]!
    const G = 4 * H
    const x = data(xT!)
    const W = data(kT!)
    const U = data(uT!)
    const bias = data(bT!)
    const h0 = data(h0T!)
    const c0 = data(c0T!)
    const kernel = rnnTrainKernel()
    const window = { cell: "lstm" as const, B, T, I, H, x, W, U, bias }
    if (kernel !== undefined && kernel.fits(window)) {
      // WebAssembly SIMD on both cores (wasm/rnn-train-wasm.ts); below, the TypeScript passes
      const { out, saved } = kernel.forward(window, h0, c0)
      const gradFunc = (dyT: Tensor): Tensor[] => {
        const g = kernel.backward(window, saved, data(dyT))
        return [
          tf.tensor3d(g.dx, [B, T, I]),
          tf.tensor2d(g.dW, [I, G]),
          tf.tensor2d(g.dU, [H, G]),
          tf.tensor1d(g.db),
          tf.tensor2d(g.dh0, [B, H]),
          tf.tensor2d(g.dc0, [B, H])
        ]
      }
      return { value: tf.tensor2d(out, [B * T + 2 * B, H]), gradFunc }
    }
    // Saved for the backward pass: gate activations and the h/c trajectories.
    const gates = new Float32Array(B * T * G)
    const hs = new Float32Array(B * (T + 1) * H)
    const cs = new Float32Array(B * (T + 1) * H)
    const z = new Float64Array(G)
    const out = new Float32Array((B * T + 2 * B) * H)
    for (let b = 0; b < B; b++) {
      const hb = b * (T + 1) * H
      for (let k = 0; k < H; k++) {
        hs[hb + k] = h0[b * H + k]!
        cs[hb + k] = c0[b * H + k]!
      }
      for (let t = 0; t < T; t++) {
        const xo = (b * T + t) * I
        const hp = hb + t * H
        for (let g = 0; g < G; g++) z[g] = bias[g]!
        for (let i = 0; i < I; i++) {
          const xv = x[xo + i]!
          if (xv === 0) continue
          const row = i * G
          for (let g = 0; g < G; g++) z[g] += xv * W[row + g]!
        }
        for (let k = 0; k < H; k++) {
          const hv = hs[hp + k]!
          if (hv === 0) continue
          const row = k * G
          for (let g = 0; g < G; g++) z[g] += hv * U[row + g]!
        }
        const go = (b * T + t) * G
        const hn = hp + H
        for (let k = 0; k < H; k++) {
          const ig = sigmoid(z[k]!)
          const fg = sigmoid(z[H + k]!)
          const gg = Math.tanh(z[2 * H + k]!)
          const og = sigmoid(z[3 * H + k]!)
          gates[go + k] = ig
          gates[go + H + k] = fg
          gates[go + 2 * H + k] = gg
          gates[go + 3 * H + k] = og
          const c = fg * cs[hp + k]! + ig * gg
          cs[hn + k] = c
          hs[hn + k] = og * Math.tanh(c)
        }
      }
      out.set(hs.subarray(hb + H, hb + (T + 1) * H), b * T * H)
      out.set(hs.subarray(hb + T * H, hb + (T + 1) * H), (B * T + b) * H)
      out.set(cs.subarray(hb + T * H, hb + (T + 1) * H), (B * T + B + b) * H)
    }
    const value = tf.tensor2d(out, [B * T + 2 * B, H])
    const gradFunc = (dyT: Tensor): Tensor[] => {
      const dy = data(dyT)
      const dx = new Float32Array(B * T * I)
      const dW = new Float64Array(I * G)
      const dU = new Float64Array(H * G)
      const db = new Float64Array(G)
      const dh0 = new Float32Array(B * H)
      const dc0 = new Float32Array(B * H)
      const dh = new Float64Array(H)
      const dc = new Float64Array(H)
      const dz = new Float64Array(G)
      const dxStep = new Float64Array(I)
      for (let b = 0; b < B; b++) {
        const hb = b * (T + 1) * H
        const ob = b * T * H
        for (let k = 0; k < H; k++) {
          dh[k] = dy[(B * T + b) * H + k]!
          dc[k] = dy[(B * T + B + b) * H + k]!
        }
        for (let t = T - 1; t >= 0; t--) {
          const go = (b * T + t) * G
          const hp = hb + t * H // h_{t-1}, c_{t-1}
          const hn = hp + H // c_t
          for (let k = 0; k < H; k++) {
            const dhk = dh[k]! + dy[ob + t * H + k]!
            const ig = gates[go + k]!
            const fg = gates[go + H + k]!
            const gg = gates[go + 2 * H + k]!
            const og = gates[go + 3 * H + k]!
            const tc = Math.tanh(cs[hn + k]!)
            const dck = dc[k]! + dhk * og * (1 - tc * tc)
            dz[k] = dck * gg * ig * (1 - ig)
            dz[H + k] = dck * cs[hp + k]! * fg * (1 - fg)
            dz[2 * H + k] = dck * ig * (1 - gg * gg)
            dz[3 * H + k] = dhk * tc * og * (1 - og)
            dc[k] = dck * fg
          }
          const xo = (b * T + t) * I
          for (let g = 0; g < G; g++) db[g] += dz[g]!
          backThroughProduct(W, dW, G, G, x, xo, I, dz, dxStep)
          for (let i = 0; i < I; i++) dx[xo + i] = dxStep[i]!
          backThroughProduct(U, dU, G, G, hs, hp, H, dz, dh)
        }
        for (let k = 0; k < H; k++) {
          dh0[b * H + k] = dh[k]!
          dc0[b * H + k] = dc[k]!
        }
      }
      return [
        tf.tensor3d(dx, [B, T, I]),
        tf.tensor2d(Float32Array.from(dW), [I, G]),
        tf.tensor2d(Float32Array.from(dU), [H, G]),
        tf.tensor1d(Float32Array.from(db)),
        tf.tensor2d(dh0, [B, H]),
        tf.tensor2d(dc0, [B, H])
      ]
    }
    return { value, gradFunc }
  })

/** Reset-before GRU over a batch (tfjs GRUCell equations; models stored before train stage 5): a function of (x, kernel, recurrent, bias, h0). */
export const gruSequenceOp = (tf: Tf) =>
  tf.customGrad((...args) => {
    const [xT, kT, uT, bT, h0T] = args as Tensor[]
    const [B, T, I] = xT!.shape as [number, number, number]
    const H = h0T!.shape[1]!
    const G = 3 * H
    const x = data(xT!)
    const W = data(kT!)
    const U = data(uT!)
    const bias = data(bT!)
    const h0 = data(h0T!)
    const gates = new Float32Array(B * T * G) // z, r, h̃
    const rh = new Float32Array(B * T * H) // r ⊙ h_{t−1}
    const hs = new Float32Array(B * (T + 1) * H)
    const a = new Float64Array(G)
    const out = new Float32Array((B * T + B) * H)
    for (let b = 0; b < B; b++) {
      const hb = b * (T + 1) * H
      for (let k = 0; k < H; k++) hs[hb + k] = h0[b * H + k]!
      for (let t = 0; t < T; t++) {
        const xo = (b * T + t) * I
        const hp = hb + t * H
        for (let g = 0; g < G; g++) a[g] = bias[g]!
        for (let i = 0; i < I; i++) {
          const xv = x[xo + i]!
          const row = i * G
          for (let g = 0; g < G; g++) a[g] += xv * W[row + g]!
        }
        // z and r see h_{t−1} through the first 2H columns of U.
        for (let k = 0; k < H; k++) {
          const hv = hs[hp + k]!
          const row = k * G
          for (let g = 0; g < 2 * H; g++) a[g] += hv * U[row + g]!
        }
        const go = (b * T + t) * G
        const ro = (b * T + t) * H
        for (let k = 0; k < H; k++) {
          gates[go + k] = sigmoid(a[k]!)
          const r = sigmoid(a[H + k]!)
          gates[go + H + k] = r
          rh[ro + k] = r * hs[hp + k]!
        }
        for (let k = 0; k < H; k++) {
          const rv = rh[ro + k]!
          const row = k * G + 2 * H
          for (let j = 0; j < H; j++) a[2 * H + j] += rv * U[row + j]!
        }
        for (let k = 0; k < H; k++) {
          const hh = Math.tanh(a[2 * H + k]!)
          gates[go + 2 * H + k] = hh
          const zg = gates[go + k]!
          const h = zg * hs[hp + k]! + (1 - zg) * hh
          hs[hp + H + k] = h
          out[(b * T + t) * H + k] = h
        }
      }
      out.set(hs.subarray(hb + T * H, hb + (T + 1) * H), (B * T + b) * H)
    }
    const value = tf.tensor2d(out, [B * T + B, H])
    const gradFunc = (dyT: Tensor): Tensor[] => {
      const dy = data(dyT)
      const dx = new Float32Array(B * T * I)
      const dW = new Float64Array(I * G)
      const dU = new Float64Array(H * G)
      const db = new Float64Array(G)
      const dh0 = new Float32Array(B * H)
      const dh = new Float64Array(H)
      const dhPrev = new Float64Array(H)
      const da = new Float64Array(G)
      const drh = new Float64Array(H)
      const dhStep = new Float64Array(H)
      const dxStep = new Float64Array(I)
      for (let b = 0; b < B; b++) {
        const hb = b * (T + 1) * H
        for (let k = 0; k < H; k++) dh[k] = dy[(B * T + b) * H + k]!
        for (let t = T - 1; t >= 0; t--) {
          const go = (b * T + t) * G
          const ro = (b * T + t) * H
          const hp = hb + t * H
          for (let k = 0; k < H; k++) {
            const dhk = dh[k]! + dy[(b * T + t) * H + k]!
            const zg = gates[go + k]!
            const hh = gates[go + 2 * H + k]!
            const hprev = hs[hp + k]!
            da[k] = dhk * (hprev - hh) * zg * (1 - zg)
            da[2 * H + k] = dhk * (1 - zg) * (1 - hh * hh)
            dhPrev[k] = dhk * zg
          }
          // Through (r ⊙ h)·U_h.
          for (let k = 0; k < H; k++) {
            const row = k * G + 2 * H
            let s = 0
            for (let j = 0; j < H; j++) s += U[row + j]! * da[2 * H + j]!
            drh[k] = s
            const rv = rh[ro + k]!
            for (let j = 0; j < H; j++) dU[row + j] += rv * da[2 * H + j]!
          }
          for (let k = 0; k < H; k++) {
            const r = gates[go + H + k]!
            const hprev = hs[hp + k]!
            da[H + k] = drh[k]! * hprev * r * (1 - r)
            dhPrev[k] += drh[k]! * r
          }
          // Through h_{t−1}·U_{z,r}.
          backThroughProduct(U, dU, G, 2 * H, hs, hp, H, da, dhStep)
          for (let k = 0; k < H; k++) dhPrev[k] += dhStep[k]!
          const xo = (b * T + t) * I
          for (let g = 0; g < G; g++) db[g] += da[g]!
          backThroughProduct(W, dW, G, G, x, xo, I, da, dxStep)
          for (let i = 0; i < I; i++) dx[xo + i] = dxStep[i]!
          dh.set(dhPrev)
        }
        for (let k = 0; k < H; k++) dh0[b * H + k] = dh[k]!
      }
      return [
        tf.tensor3d(dx, [B, T, I]),
        tf.tensor2d(Float32Array.from(dW), [I, G]),
        tf.tensor2d(Float32Array.from(dU), [H, G]),
        tf.tensor1d(Float32Array.from(db)),
        tf.tensor2d(dh0, [B, H])
      ]
    }
    return { value, gradFunc }
  })

/**
 * The reset-after GRU over a batch (PyTorch's and Keras reset_after=True's cell, see
 * models/gru-reset-after-layer.ts): a function of (x, kernel, recurrent, bias [2, 3H], h0).
 * Per step: a = b_i + x·W, s = b_h + h·U (gate blocks z, r, n), z = σ(a_z + s_z),
 * r = σ(a_r + s_r), n = tanh(a_n + r ⊙ s_n), h' = n + z ⊙ (h − n).
 * Runs the WebAssembly SIMD passes (wasm/rnn-train-wasm.ts) when they load, else the
 * TypeScript passes below, which keep the same things for the backward pass: gates z, r, n,
 * s_n and the h trajectory.
 */
export const gruResetAfterSequenceOp = (tf: Tf) =>
  tf.customGrad((...args) => {
    const [xT, kT, uT, bT, h0T] = args as Tensor[]
    const [B, T, I] = xT!.shape as [number, number, number]
    const H = h0T!.shape[1]!
    const G = 3 * H
    const x = data(xT!)
    const W = data(kT!)
    const U = data(uT!)
    const bias = data(bT!)
    const h0 = data(h0T!)
    const kernel = rnnTrainKernel()
    const window = { cell: "gru" as const, B, T, I, H, x, W, U, bias }
    if (kernel !== undefined && kernel.fits(window)) {
      const { out, saved } = kernel.forward(window, h0, undefined)
      const gradFunc = (dyT: Tensor): Tensor[] => {
        const g = kernel.backward(window, saved, data(dyT))
        return [tf.tensor3d(g.dx, [B, T, I]), tf.tensor2d(g.dW, [I, G]), tf.tensor2d(g.dU, [H, G]), tf.tensor2d(g.db, [2, G]), tf.tensor2d(g.dh0, [B, H])]
      }
      return { value: tf.tensor2d(out, [B * T + B, H]), gradFunc }
    }
    const gates = new Float32Array(B * T * G) // z, r, n
    const sn = new Float32Array(B * T * H) // s_n = b_hn + h_{t−1}·U_n
    const hs = new Float32Array(B * (T + 1) * H)
    const a = new Float64Array(G)
    const s = new Float64Array(G)
    const out = new Float32Array((B * T + B) * H)
    for (let b = 0; b < B; b++) {
      const hb = b * (T + 1) * H
      for (let k = 0; k < H; k++) hs[hb + k] = h0[b * H + k]!
      for (let t = 0; t < T; t++) {
        const xo = (b * T + t) * I
        const hp = hb + t * H
        for (let g = 0; g < G; g++) {
          a[g] = bias[g]!
          s[g] = bias[G + g]!
        }
        for (let i = 0; i < I; i++) {
          const xv = x[xo + i]!
          const row = i * G
          for (let g = 0; g < G; g++) a[g] += xv * W[row + g]!
        }
        for (let k = 0; k < H; k++) {
          const hv = hs[hp + k]!
          const row = k * G
          for (let g = 0; g < G; g++) s[g] += hv * U[row + g]!
        }
        const go = (b * T + t) * G
        const so = (b * T + t) * H
        for (let k = 0; k < H; k++) {
          const z = sigmoid(a[k]! + s[k]!)
          const r = sigmoid(a[H + k]! + s[H + k]!)
          const n = Math.tanh(a[2 * H + k]! + r * s[2 * H + k]!)
          gates[go + k] = z
          gates[go + H + k] = r
          gates[go + 2 * H + k] = n
          sn[so + k] = s[2 * H + k]!
          const h = n + z * (hs[hp + k]! - n)
          hs[hp + H + k] = h
          out[(b * T + t) * H + k] = h
        }
      }
      out.set(hs.subarray(hb + T * H, hb + (T + 1) * H), (B * T + b) * H)
    }
    const value = tf.tensor2d(out, [B * T + B, H])
    const gradFunc = (dyT: Tensor): Tensor[] => {
      const dy = data(dyT)
      const dx = new Float32Array(B * T * I)
      const dW = new Float64Array(I * G)
      const dU = new Float64Array(H * G)
      const db = new Float64Array(2 * G)
      const dh0 = new Float32Array(B * H)
      const dh = new Float64Array(H)
      const da = new Float64Array(G) // input-side pre-activations
      const ds = new Float64Array(G) // recurrent-side
      const dhStep = new Float64Array(H)
      const dxStep = new Float64Array(I)
      for (let b = 0; b < B; b++) {
        const hb = b * (T + 1) * H
        for (let k = 0; k < H; k++) dh[k] = dy[(B * T + b) * H + k]!
        for (let t = T - 1; t >= 0; t--) {
          const go = (b * T + t) * G
          const so = (b * T + t) * H
          const hp = hb + t * H
          for (let k = 0; k < H; k++) {
            const dhk = dh[k]! + dy[(b * T + t) * H + k]!
            const z = gates[go + k]!
            const r = gates[go + H + k]!
            const n = gates[go + 2 * H + k]!
            const dn = dhk * (1 - z) * (1 - n * n)
            const dz = dhk * (hs[hp + k]! - n) * z * (1 - z)
            const dr = dn * sn[so + k]! * r * (1 - r)
            da[k] = dz
            da[H + k] = dr
            da[2 * H + k] = dn
            ds[k] = dz
            ds[H + k] = dr
            ds[2 * H + k] = dn * r
            dh[k] = dhk * z
          }
          for (let g = 0; g < G; g++) {
            db[g] += da[g]!
            db[G + g] += ds[g]!
          }
          const xo = (b * T + t) * I
          backThroughProduct(W, dW, G, G, x, xo, I, da, dxStep)
          for (let i = 0; i < I; i++) dx[xo + i] = dxStep[i]!
          backThroughProduct(U, dU, G, G, hs, hp, H, ds, dhStep)
          for (let k = 0; k < H; k++) dh[k] += dhStep[k]!
        }
        for (let k = 0; k < H; k++) dh0[b * H + k] = dh[k]!
      }
      return [
        tf.tensor3d(dx, [B, T, I]),
        tf.tensor2d(Float32Array.from(dW), [I, G]),
        tf.tensor2d(Float32Array.from(dU), [H, G]),
        tf.tensor2d(Float32Array.from(db), [2, G]),
        tf.tensor2d(dh0, [B, H])
      ]
    }
    return { value, gradFunc }
  })
