/**
 * NAM's WaveNet (the trainer's `WaveNet` architecture, .nam version 0.5) as a streaming
 * per-sample kernel in plain TypeScript, with one ring buffer per dilated layer.
 *
 * A layer array (rechannel 1×1 without bias → layers → head rechannel 1×1) takes the
 * previous array's layer output (the audio for the first) and the audio as the condition.
 * A layer: z = dilated causal conv(x) + bias + mixer·c; a = act(z) (gated: act(z₁)·σ(z₂));
 * the head input accumulates a; x ← x + 1×1(a) + bias. The next array starts its head input
 * from this array's head rechannel output; the output is head_scale · the last head output.
 * The state before the first sample is that of endless silence (`reset` runs the receptive
 * field of zeros through), so output = the network on the input preceded by silence; or, with
 * `zeroHistory`, zeros in every ring (model.wavenet's zero-padded convolutions).
 *
 * The condition is the audio, then any extra values `process` gets (conditioning labels,
 * constant within a call): every layer's input mixer sees [audio, ...extra], and so does the
 * first array's rechannel (NAM files: the audio alone, condition size 1).
 *
 * FiLM (optional, per layer): z ← γ ⊙ z + β after the mixer, with γ = 1 + G·extra and
 * β = F·extra (G, F [mid][extra]), i.e. the conditioning values scale and shift every
 * pre-activation channel (Perez et al. 2018). The WebAssembly kernel folds it into the
 * layer's weights once per change of the values (wasm/wavenet-wasm.ts).
 */

/** One layer array's shape and weights, in the file's order (PyTorch Conv1d layouts). */
export interface NamWaveNetArray {
  /** The first array: its conditionSize (the condition vector is its input); later arrays: the previous array's channels. */
  readonly inputSize: number
  /** 1 + the extra conditioning values; the same for every array. */
  readonly conditionSize: number
  readonly headSize: number
  readonly channels: number
  readonly kernelSize: number
  readonly dilations: ReadonlyArray<number>
  readonly activation: NamActivation
  readonly gated: boolean
  readonly headBias: boolean
  /** [channels][inputSize] */
  readonly rechannel: Float32Array
  readonly layers: ReadonlyArray<{
    /** [mid][channels][kernelSize], mid = channels (×2 gated) */
    readonly conv: Float32Array
    readonly convBias: Float32Array
    /** [mid][conditionSize] */
    readonly mixer: Float32Array
    /** [channels][channels] */
    readonly oneByOne: Float32Array
    readonly oneByOneBias: Float32Array
    /** FiLM of the pre-activation by the extra conditioning values: γ = 1 + gamma·extra, β = beta·extra, each [mid][conditionSize − 1]. */
    readonly film?: { readonly gamma: Float32Array; readonly beta: Float32Array }
  }>
  /** [headSize][channels], and its bias (zeros when !headBias) */
  readonly headRechannel: Float32Array
  readonly headRechannelBias: Float32Array
}

export type NamActivation = "Tanh" | "ReLU" | "Hardtanh" | "Sigmoid"

export interface NamWaveNetWeights {
  readonly arrays: ReadonlyArray<NamWaveNetArray>
  readonly headScale: number
  /** Start (and `reset`) from zeros in every ring instead of endless silence; default false (NAM). */
  readonly zeroHistory?: boolean
}

const activate = (name: NamActivation, x: number): number => {
  switch (name) {
    case "Tanh":
      return Math.tanh(x)
    case "ReLU":
      return x > 0 ? x : 0
    case "Hardtanh":
      return x < -1 ? -1 : x > 1 ? 1 : x
    case "Sigmoid":
      return 1 / (1 + Math.exp(-x))
  }
}

/** Samples of past input a WaveNet output depends on, plus one. */
export const namWaveNetReceptiveField = (w: NamWaveNetWeights): number =>
  1 + w.arrays.reduce((s, a) => s + (a.kernelSize - 1) * a.dilations.reduce((p, d) => p + d, 0), 0)

export class NamWaveNetKernel {
  /** Which implementation runs. */
  readonly engine = "typed-array"
  /** Per array, per layer: the ring of past layer inputs [length][channels] and its write position. */
  private readonly rings: Float64Array[][]
  private readonly ringLength: number[][]
  private position = 0
  private readonly x: Float64Array[] // per array: the running layer input [channels]
  private readonly head: Float64Array[] // per array: head accumulator [channels]
  private readonly headOut: Float64Array[] // per array: head rechannel output [headSize]
  private readonly z: Float64Array
  private readonly a: Float64Array
  private readonly condition: Float64Array
  private readonly warm: Float32Array
  private readonly silence: Float64Array // the extra conditioning values during warm-up: zeros
  private readonly filmScale: Array<Array<Float64Array | undefined>> // per array, per layer: γ [mid] for the current extra values (FiLM layers)
  private readonly filmShift: Array<Array<Float64Array | undefined>> // β [mid]

  constructor(private readonly weights: NamWaveNetWeights) {
    this.rings = weights.arrays.map((arr) => arr.dilations.map((d) => new Float64Array(((arr.kernelSize - 1) * d + 1) * arr.channels)))
    this.ringLength = weights.arrays.map((arr) => arr.dilations.map((d) => (arr.kernelSize - 1) * d + 1))
    this.x = weights.arrays.map((arr) => new Float64Array(arr.channels))
    this.head = weights.arrays.map((arr) => new Float64Array(arr.channels))
    this.headOut = weights.arrays.map((arr) => new Float64Array(arr.headSize))
    const maxMid = Math.max(...weights.arrays.map((arr) => (arr.gated ? 2 : 1) * arr.channels))
    this.z = new Float64Array(maxMid)
    this.a = new Float64Array(maxMid)
    this.condition = new Float64Array(Math.max(...weights.arrays.map((arr) => arr.conditionSize)))
    this.warm = new Float32Array(weights.zeroHistory === true ? 0 : namWaveNetReceptiveField(weights) - 1)
    this.silence = new Float64Array(this.condition.length - 1)
    const perLayer = () => weights.arrays.map((arr) => arr.layers.map((l) => (l.film !== undefined ? new Float64Array((arr.gated ? 2 : 1) * arr.channels) : undefined)))
    this.filmScale = perLayer()
    this.filmShift = perLayer()
    this.reset()
  }

  /** Back to the state of endless silence. */
  reset(): void {
    for (const rs of this.rings) for (const r of rs) r.fill(0)
    this.position = 0
    if (this.warm.length > 0) this.process(this.warm, new Float32Array(this.warm.length), this.silence)
  }

  /** input → output (may be the same array); `condition`: the extra conditioning values (conditionSize − 1; none for NAM files). */
  process(input: Float32Array, output: Float32Array, condition: ArrayLike<number> = []): void {
    const extra = this.condition.length - 1
    if (condition.length !== extra) throw new Error(`NAM WaveNet: takes ${extra} conditioning values, got ${condition.length}`)
    for (let j = 0; j < extra; j++) this.condition[1 + j] = condition[j]!
    // FiLM: γ and β are constant within a call
    this.weights.arrays.forEach((arr, ai) =>
      arr.layers.forEach((layer, li) => {
        if (layer.film === undefined) return
        const g = this.filmScale[ai]![li]!
        const b = this.filmShift[ai]![li]!
        for (let m = 0; m < g.length; m++) {
          let sg = 1
          let sb = 0
          for (let j = 0; j < extra; j++) {
            sg += layer.film.gamma[m * extra + j]! * this.condition[1 + j]!
            sb += layer.film.beta[m * extra + j]! * this.condition[1 + j]!
          }
          g[m] = sg
          b[m] = sb
        }
      })
    )
    const { z, a } = this
    for (let t = 0; t < input.length; t++) {
      const sample = input[t]!
      this.condition[0] = sample
      let below: Float64Array | undefined
      let headIn: Float64Array | undefined
      for (let ai = 0; ai < this.weights.arrays.length; ai++) {
        const arr = this.weights.arrays[ai]!
        const C = arr.channels
        const mid = (arr.gated ? 2 : 1) * C
        const x = this.x[ai]!
        // rechannel: the audio for the first array, the previous array's layer output after.
        for (let c = 0; c < C; c++) {
          let s = 0
          for (let i = 0; i < arr.inputSize; i++) s += arr.rechannel[c * arr.inputSize + i]! * (below === undefined ? this.condition[i]! : below[i]!)
          x[c] = s
        }
        const head = this.head[ai]!
        if (headIn === undefined) head.fill(0)
        else for (let c = 0; c < C; c++) head[c] = headIn[c]!
        for (let li = 0; li < arr.layers.length; li++) {
          const layer = arr.layers[li]!
          const ring = this.rings[ai]![li]!
          const len = this.ringLength[ai]![li]!
          const d = arr.dilations[li]!
          const K = arr.kernelSize
          const now = this.position % len
          for (let c = 0; c < C; c++) ring[now * C + c] = x[c]!
          for (let m = 0; m < mid; m++) {
            let s = layer.convBias[m]!
            for (let k = 0; k < K; k++) {
              // tap k reads the input (K − 1 − k)·d samples ago
              const slot = (((this.position - (K - 1 - k) * d) % len) + len) % len
              const w = m * C * K
              for (let c = 0; c < C; c++) s += layer.conv[w + c * K + k]! * ring[slot * C + c]!
            }
            for (let j = 0; j < arr.conditionSize; j++) s += layer.mixer[m * arr.conditionSize + j]! * this.condition[j]!
            z[m] = s
          }
          const gamma = this.filmScale[ai]![li]
          if (gamma !== undefined) {
            const beta = this.filmShift[ai]![li]!
            for (let m = 0; m < mid; m++) z[m] = gamma[m]! * z[m]! + beta[m]!
          }
          for (let c = 0; c < C; c++) a[c] = arr.gated ? activate(arr.activation, z[c]!) * (1 / (1 + Math.exp(-z[C + c]!))) : activate(arr.activation, z[c]!)
          for (let c = 0; c < C; c++) head[c] += a[c]!
          for (let c = 0; c < C; c++) {
            let s = layer.oneByOneBias[c]!
            for (let j = 0; j < C; j++) s += layer.oneByOne[c * C + j]! * a[j]!
            x[c] += s
          }
        }
        const out = this.headOut[ai]!
        for (let h = 0; h < arr.headSize; h++) {
          let s = arr.headRechannelBias[h]!
          for (let c = 0; c < C; c++) s += arr.headRechannel[h * C + c]! * head[c]!
          out[h] = s
        }
        below = x
        headIn = out
      }
      output[t] = this.weights.headScale * headIn![0]!
      this.position++
    }
  }
}
