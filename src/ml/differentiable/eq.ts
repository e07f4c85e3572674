/**
 * Differentiable EQ by frequency sampling (as DeepAFx-ST): each band's biquad is evaluated
 * on the FFT grid, H_k = B(e^{jω_k}) / A(e^{jω_k}) — the FFTs of the zero-padded b and a —
 * the bands' responses are multiplied, and the signal is filtered as
 * irfft(H · rfft(x)). The coefficients come from the same RBJ cookbook design as the DSP
 * effects (src/effects/eq/filters.ts → src/dsp/biquad.ts), called, not re-derived; their
 * derivatives with respect to frequency, Q and gain are taken by central differences of that
 * design in double precision (a 5×3 Jacobian per band and step).
 *
 * The FFT is long enough (at least twice the signal, a power of two) that the filter's
 * impulse response, truncated there, matches the recursive filter's steady state: the
 * circular wrap-around falls on the zero padding, and only a tail decaying past n samples is
 * lost.
 */
import type { BiquadCoefficients } from "../../dsp/biquad.js"
import { nextPow2 } from "../../dsp/fft.js"
import { bandCoefficients, singleBandUses } from "../../effects/eq/filters.js"
import { effectCatalog } from "../../effects/registry.js"
import type { Tf } from "../backend.js"
import type { Tensor } from "../model.js"
import type { DifferentiableEffect, ParamReader } from "./effect.js"
import { complexDivide, complexMultiply, irfft, padTo, rfft } from "./spectral-ops.js"

const coefficientVector = (c: BiquadCoefficients): number[] => [c.b0, c.b1, c.b2, c.a1, c.a2]

/**
 * [b0, b1, b2, a1, a2] of one `uses` band (eq.peaking, eq.lowshelf, ...) for scalar tensors
 * freq (Hz), q and gain_db, differentiable through central differences of the DSP design.
 */
export const bandCoefficientsTensor = (tf: Tf, uses: string, sampleRate: number, freq: Tensor, q: Tensor, gainDb: Tensor): Tensor => {
  const design = (f: number, qq: number, g: number): number[] => coefficientVector(bandCoefficients(uses, { freq: f, q: qq, gain_db: g }, sampleRate))
  const op = tf.customGrad((...inputs) => {
    const args = inputs[0] as Tensor
    const [f, qq, g] = Array.from(args.dataSync())
    const value = design(f!, qq!, g!)
    return {
      value: tf.tensor1d(value),
      gradFunc: (dy: Tensor) => {
        const gy = Array.from(dy.dataSync())
        const point = [f!, qq!, g!]
        const grad = point.map((v, j) => {
          // steps inside the valid design domain: relative for freq and q, absolute for gain
          const h = j === 2 ? 1e-4 : Math.abs(v) * 1e-6
          const up = point.slice()
          const down = point.slice()
          up[j] = v + h
          down[j] = v - h
          const a = design(up[0]!, up[1]!, up[2]!)
          const b = design(down[0]!, down[1]!, down[2]!)
          let s = 0
          for (let i = 0; i < 5; i++) s += gy[i]! * ((a[i]! - b[i]!) / (2 * h))
          return s
        })
        return tf.tensor1d(grad)
      }
    }
  })
  return op(tf.stack([freq, q, gainDb]))
}

const gridCache = new Map<string, { cos: Float32Array; sin: Float32Array }>()

/** [1, cos ω, cos 2ω] and [0, sin ω, sin 2ω] on the n-point FFT grid, as [3, n/2 + 1] rows. */
const grid = (n: number): { cos: Float32Array; sin: Float32Array } => {
  const key = String(n)
  let g = gridCache.get(key)
  if (g === undefined) {
    const bins = n / 2 + 1
    const cos = new Float32Array(3 * bins)
    const sin = new Float32Array(3 * bins)
    for (let k = 0; k < bins; k++) {
      const w = (2 * Math.PI * k) / n
      cos[k] = 1
      cos[bins + k] = Math.cos(w)
      cos[2 * bins + k] = Math.cos(2 * w)
      sin[bins + k] = Math.sin(w)
      sin[2 * bins + k] = Math.sin(2 * w)
    }
    if (gridCache.size > 8) gridCache.clear()
    g = { cos, sin }
    gridCache.set(key, g)
  }
  return g
}

/** The complex response [2, n/2 + 1] of a section with coefficients [b0, b1, b2, a1, a2]: FFT(b) / FFT(a). */
export const sectionResponse = (tf: Tf, coefficients: Tensor, n: number): Tensor => {
  const bins = n / 2 + 1
  const { cos, sin } = grid(n)
  const c = tf.tensor2d(cos, [3, bins])
  const s = tf.tensor2d(sin, [3, bins])
  const b = tf.reshape(tf.slice(coefficients, 0, 3), [1, 3])
  const a = tf.reshape(tf.concat([tf.ones([1]), tf.slice(coefficients, 3, 2)]), [1, 3])
  const spectrumOf = (p: Tensor): Tensor => tf.concat([tf.matMul(p, c), tf.neg(tf.matMul(p, s))]) // e^{-jω}: minus sine
  return complexDivide(tf, spectrumOf(b), spectrumOf(a))
}

/** Does the DSP band take a gain (peaking, shelves)? Read from its schema. */
const hasGain = (uses: string): boolean => {
  const props = (effectCatalog.get(uses)?.params["properties"] ?? {}) as Record<string, unknown>
  return "gain_db" in props
}

/** A band as the DSP chain writes it: its `uses` and where its params are. */
interface Band {
  readonly uses: string
  readonly prefix: string
}

/** Filter `x` by the cascade of `bands` (each read from `param`), by frequency sampling. */
export const filterBands = (tf: Tf, x: Tensor, bands: ReadonlyArray<Band>, param: ParamReader, sampleRate: number): Tensor => {
  const length = x.shape[0]!
  if (bands.length === 0) return x
  const n = nextPow2(2 * Math.max(length, 2))
  let h: Tensor | undefined
  for (const band of bands) {
    const gain = hasGain(band.uses) ? param(`${band.prefix}gain_db`) : tf.scalar(0)
    const coefficients = bandCoefficientsTensor(tf, band.uses, sampleRate, param(`${band.prefix}freq`), param(`${band.prefix}q`), gain)
    const r = sectionResponse(tf, coefficients, n)
    h = h === undefined ? r : complexMultiply(tf, h, r)
  }
  const y = irfft(tf, complexMultiply(tf, rfft(tf, padTo(tf, x, n)), h!))
  return tf.slice(y, 0, length)
}

/** eq.peaking, eq.lowshelf, ... (one band each) and eq.parametric (a list of them). */
export const differentiableEqs: ReadonlyArray<DifferentiableEffect> = [
  ...singleBandUses.map(
    (uses): DifferentiableEffect => ({
      uses,
      apply: (x, param, _params, ctx) => filterBands(ctx.tf, x, [{ uses, prefix: "" }], param, ctx.sampleRate)
    })
  ),
  {
    uses: "eq.parametric",
    apply: (x, param, params, ctx) => {
      const bands = (params["bands"] as ReadonlyArray<{ uses: string }>).map((b, i) => ({ uses: b.uses, prefix: `bands[${i}].` }))
      return filterBands(ctx.tf, x, bands, param, ctx.sampleRate)
    }
  }
]
