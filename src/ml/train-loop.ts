/**
 * The training core: batches, Adam (with decoupled weight decay), gradient-norm clipping, a
 * plateau or cosine learning-rate schedule, early stopping on the validation loss, truncated
 * BPTT for recurrent models, per-epoch progress, checkpoints and resume. The returned model
 * always holds the best-on-validation weights (`bestEpoch`), early stopping or not.
 * Deterministic on the cpu backend: the only randomness is the seeded segment shuffling (our
 * Rng) and the seeded initial weights.
 *
 * TBPTT (recurrent models): each batch of segments first runs `warmup` samples forward
 * without gradients to settle the state; then every `update_every` samples one optimizer
 * step is taken on that chunk, starting from the state the previous chunk left. The state
 * enters each step as a plain input tensor, so gradients never flow into earlier chunks
 * (the state is carried but detached). This is Wright et al.'s scheme (1000/200 there).
 * The loss of a chunk is computed on that chunk only.
 *
 * Convolutional models see whole segments; the first min(receptiveField − 1, segment / 2)
 * output samples, which depend on the zero padding, are left out of the loss.
 */
import type * as tfTypes from "@tensorflow/tfjs"
import type { Tf } from "./backend.js"
import { Rng } from "../params/rng.js"
import { type AudioModel, type Tensor } from "./model.js"
import type { Loss } from "./losses/loss.js"
import { assignWeights, decodeWeights, serializeModel } from "./model-files.js"
import { ModelError } from "../errors/audioml-error.js"

/** Paired audio, one entry per clip; `condition` holds each clip's normalised labels. */
export interface AudioData {
  readonly input: ReadonlyArray<Float32Array>
  readonly target: ReadonlyArray<Float32Array>
  readonly condition?: ReadonlyArray<ArrayLike<number>>
}

/** Fixed-shape examples (feature frames or vectors → normalised targets). */
export interface ExampleData {
  readonly x: ReadonlyArray<Float32Array>
  readonly y: ReadonlyArray<Float32Array>
  /** Shape of one x: [frames, features] or [features]. */
  readonly xShape: ReadonlyArray<number>
  /** Shape of one y: [targets] usually. */
  readonly yShape: ReadonlyArray<number>
}

export type TrainData =
  | { readonly kind: "audio"; readonly train: AudioData; readonly validation?: AudioData }
  | { readonly kind: "examples"; readonly train: ExampleData; readonly validation?: ExampleData }

/** One epoch done: what {@link TrainOptions.onEpoch} receives and the history holds. */
export interface EpochReport {
  /** The epoch, 1-based. */
  readonly epoch: number
  readonly epochs: number
  /** Mean training loss over the epoch's batches. */
  readonly trainLoss: number
  /** Validation loss; NaN when this epoch did not validate (`valEvery`). */
  readonly valLoss: number
  /** The learning rate of the epoch's last batch. */
  readonly lr: number
  /** Wall-clock seconds of the epoch (not in any artifact). */
  readonly seconds: number
  /** This epoch's validation loss is the best so far: the weights kept are this epoch's. */
  readonly best?: boolean
}

/** One training batch done: what {@link TrainOptions.onStep} receives. */
export interface StepReport {
  /** The epoch, 1-based. */
  readonly epoch: number
  /** The batch within the epoch, 1-based. */
  readonly step: number
  readonly stepsPerEpoch: number
  /** The batch's training loss. */
  readonly loss: number
}

export interface TrainOptions {
  readonly model: AudioModel
  readonly loss: Loss
  readonly data: TrainData
  readonly optimizer?: { readonly lr?: number; readonly weight_decay?: number }
  readonly batch?: number
  readonly epochs: number
  /** Samples per training segment (audio data). */
  readonly segment?: number
  /**
   * Learning-rate schedule. Plateau (no `uses`, or "plateau"): multiply the lr by `factor`
   * after `patience` validations without an improvement, down to `minLr`. Cosine: see
   * {@link cosineLr}; a function of the batch's position, so a resumed run follows it exactly.
   */
  readonly lrSchedule?:
    | { readonly uses?: "plateau"; readonly factor: number; readonly patience: number; readonly minLr?: number }
    | { readonly uses: "cosine"; readonly warmupEpochs?: number; readonly minLr?: number }
  /**
   * Clip the gradients of every optimizer step to this global L2 norm (over all variables
   * together), as torch.nn.utils.clip_grad_norm_. Undefined: no clipping.
   */
  readonly clipGradNorm?: number
  /** Stop after `patience` epochs without a validation improvement; the best weights are kept. */
  readonly earlyStopping?: { readonly patience: number }
  /** Validate every N epochs (and after the last); patience counts validations. Default 1. */
  readonly valEvery?: number
  /** Fraction of segments/examples held out when no validation data is given. */
  readonly valSplit?: number
  readonly tbptt?: { readonly warmup: number; readonly updateEvery: number }
  readonly seed: number
  readonly onEpoch?: (report: EpochReport) => void | Promise<void>
  /**
   * Called after every training batch, so a long epoch shows progress: the epoch (1-based),
   * the batch within it (1-based), the batches per epoch and the batch's loss.
   */
  readonly onStep?: (report: StepReport) => void
  /**
   * Called every `checkpointEvery` epochs with files to store; pass them back as `resume`.
   * They hold everything the rest of training depends on (weights, the best weights so far,
   * Adam's moments and bias-correction powers, schedule and early-stopping state, the seed the
   * data order derives from), so a resumed run ends with the same bytes as an uninterrupted one.
   */
  readonly checkpoint?: (epoch: number, files: ReadonlyMap<string, Uint8Array>) => void | Promise<void>
  readonly checkpointEvery?: number
  /** Time budget: once this many seconds have passed, the current epoch ends after its batch and training stops. */
  readonly maxSeconds?: number
  /** Files from a `checkpoint` call: training continues exactly where it stopped. */
  readonly resume?: ReadonlyMap<string, Uint8Array>
}

export interface TrainResult {
  readonly history: ReadonlyArray<EpochReport>
  readonly bestEpoch: number
  readonly bestValLoss: number
  readonly stoppedEarly: boolean
  /** The epoch training resumed after (0 when it started fresh). */
  readonly resumedFrom: number
}

const TRAIN_STATE = "train-state.json"
/** Adam's first and second moments, then the best weights: float32, in `variables` order. */
const OPTIMIZER_BIN = "optimizer.bin"
const BEST_BIN = "best-weights.bin"

interface ScheduleState {
  epoch: number
  lr: number
  bestValLoss: number
  bestEpoch: number
  sinceBest: number
  sinceLrChange: number
  history: EpochReport[]
}

/** What a checkpoint adds to the schedule state to continue bit-exactly. */
interface ResumeState extends ScheduleState {
  /** The seed every epoch's data order derives from (rng.fork(`epoch-N`)): a checkpoint of another seed is refused. */
  readonly seed: number
  /** Variable names and sizes, in the order of optimizer.bin and best-weights.bin. */
  readonly variables: ReadonlyArray<{ readonly name: string; readonly size: number }>
  /** Adam's step count and bias-correction powers beta1^t, beta2^t (float32 values, exact in JSON). */
  readonly adam: { readonly iterations: number; readonly accBeta1: number; readonly accBeta2: number; readonly hasMoments: boolean }
}

/** tfjs's Adam keeps its bias-correction powers in private variables; we read and restore them exactly. */
interface AdamInternals {
  readonly accBeta1: tfTypes.Variable
  readonly accBeta2: tfTypes.Variable
}

const concatFloat32 = (parts: ReadonlyArray<Float32Array>): Uint8Array => {
  const total = parts.reduce((n, p) => n + p.length, 0)
  const out = new Float32Array(total)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return new Uint8Array(out.buffer)
}

const splitFloat32 = (bytes: Uint8Array, sizes: ReadonlyArray<number>, what: string): Float32Array[] => {
  const total = sizes.reduce((a, b) => a + b, 0)
  if (bytes.byteLength !== total * 4) throw new ModelError({ message: `checkpoint ${what}: ${bytes.byteLength} bytes, expected ${total * 4}` })
  const all = new Float32Array(bytes.slice().buffer)
  const out: Float32Array[] = []
  let offset = 0
  for (const n of sizes) {
    out.push(all.slice(offset, offset + n))
    offset += n
  }
  return out
}

/**
 * One batch as plain arrays; `window(start, length)` makes the [x, y] tensors of a time range
 * (audio) or of the whole batch (examples). The caller disposes them. Cutting time windows
 * here, rather than with tf.slice, avoids tfjs-cpu's element-by-element strided slices.
 */
interface Batch {
  readonly size: number
  readonly window: (start?: number, length?: number) => [Tensor, Tensor]
}

interface Batches {
  readonly trainCount: number
  readonly valCount: number
  readonly makeTrain: (indices: ReadonlyArray<number>) => Batch
  readonly makeVal: (indices: ReadonlyArray<number>) => Batch
}

/** Cut clips into segments and stack them into [B, T, 1 + conditions] inputs and [B, T, 1] targets. */
const audioBatches = (tf: Tf, data: { train: AudioData; validation?: AudioData }, segment: number, valSplit: number, rng: Rng, inputSize: number): Batches => {
  interface Seg {
    readonly input: Float32Array
    readonly target: Float32Array
    readonly cond: ArrayLike<number>
    readonly start: number
  }
  const cut = (d: AudioData, what: string): Seg[] => {
    if (d.input.length !== d.target.length) throw new ModelError({ message: `${what}: ${d.input.length} inputs but ${d.target.length} targets` })
    const out: Seg[] = []
    d.input.forEach((input, i) => {
      const target = d.target[i]!
      if (input.length !== target.length) throw new ModelError({ message: `${what} clip ${i}: input has ${input.length} samples, target ${target.length}` })
      const cond = d.condition?.[i] ?? []
      if (cond.length !== inputSize - 1) throw new ModelError({ message: `${what} clip ${i}: ${cond.length} conditioning values, the model expects ${inputSize - 1}` })
      for (let s = 0; s + segment <= input.length; s += segment) out.push({ input, target, cond, start: s })
    })
    return out
  }
  let train = cut(data.train, "training data")
  let val: Seg[]
  if (data.validation !== undefined) val = cut(data.validation, "validation data")
  else {
    const order = rng.fork("val-split").shuffle(train.map((_, i) => i))
    const nVal = Math.max(1, Math.round(valSplit * train.length))
    const valSet = new Set(order.slice(0, nVal))
    val = train.filter((_, i) => valSet.has(i))
    train = train.filter((_, i) => !valSet.has(i))
  }
  if (train.length === 0) throw new ModelError({ message: `no training segments: every clip is shorter than segment = ${segment} samples, or too few clips for the validation split` })
  if (val.length === 0) throw new ModelError({ message: "no validation segments" })
  const make = (segs: Seg[]) => (indices: ReadonlyArray<number>): Batch => ({
    size: indices.length,
    window: (start = 0, length = segment) => {
      const b = indices.length
      const x = new Float32Array(b * length * inputSize)
      const y = new Float32Array(b * length)
      indices.forEach((idx, bi) => {
        const s = segs[idx]!
        const from = s.start + start
        const base = bi * length
        if (inputSize === 1) x.set(s.input.subarray(from, from + length), base)
        else {
          for (let t = 0; t < length; t++) {
            const o = (base + t) * inputSize
            x[o] = s.input[from + t]!
            for (let c = 1; c < inputSize; c++) x[o + c] = s.cond[c - 1]!
          }
        }
        y.set(s.target.subarray(from, from + length), base)
      })
      return [tf.tensor3d(x, [b, length, inputSize]), tf.tensor3d(y, [b, length, 1])]
    }
  })
  return { trainCount: train.length, valCount: val.length, makeTrain: make(train), makeVal: make(val) }
}

const exampleBatches = (tf: Tf, data: { train: ExampleData; validation?: ExampleData }, valSplit: number, rng: Rng): Batches => {
  const xSize = data.train.xShape.reduce((a, b) => a * b, 1)
  const ySize = data.train.yShape.reduce((a, b) => a * b, 1)
  const all = data.train.x.map((x, i) => ({ x, y: data.train.y[i]! }))
  let train = all
  let val: typeof all
  if (data.validation !== undefined) val = data.validation.x.map((x, i) => ({ x, y: data.validation!.y[i]! }))
  else {
    const order = rng.fork("val-split").shuffle(all.map((_, i) => i))
    const nVal = Math.max(1, Math.round(valSplit * all.length))
    const valSet = new Set(order.slice(0, nVal))
    val = all.filter((_, i) => valSet.has(i))
    train = all.filter((_, i) => !valSet.has(i))
  }
  for (const [i, e] of [...train, ...val].entries()) {
    if (e.x.length !== xSize || e.y.length !== ySize) throw new ModelError({ message: `example ${i}: expected ${xSize} inputs and ${ySize} targets, got ${e.x.length} and ${e.y.length}` })
  }
  if (train.length === 0 || val.length === 0) throw new ModelError({ message: `too few examples (${all.length}) for a training and a validation set` })
  const make = (set: typeof all) => (indices: ReadonlyArray<number>): Batch => ({
    size: indices.length,
    window: () => {
      const x = new Float32Array(indices.length * xSize)
      const y = new Float32Array(indices.length * ySize)
      indices.forEach((idx, bi) => {
        x.set(set[idx]!.x, bi * xSize)
        y.set(set[idx]!.y, bi * ySize)
      })
      return [tf.tensor(x, [indices.length, ...data.train.xShape]), tf.tensor(y, [indices.length, ...data.train.yShape])]
    }
  })
  return { trainCount: train.length, valCount: val.length, makeTrain: make(train), makeVal: make(val) }
}

const chunksOf = (indices: ReadonlyArray<number>, size: number): number[][] => {
  const out: number[][] = []
  for (let i = 0; i < indices.length; i += size) out.push(indices.slice(i, i + size))
  return out
}

/**
 * [B, T, C] → [B, length, C] from `start`. Through time-major transposes, so that the slice
 * is a contiguous block (tfjs-cpu slices anything else element by element).
 */
const timeSlice = (tf: Tf, x: Tensor, start: number, length: number): Tensor => {
  if (start === 0 && length === x.shape[1]) return x
  const tm = tf.transpose(x, [1, 0, 2])
  return tf.transpose(tf.slice(tm, [start, 0, 0], [length, -1, -1]), [1, 0, 2])
}

/**
 * The cosine learning rate at batch `step` (0-based, counted over the whole run) of
 * `total`: a linear warm-up from lr0/warmup to lr0 over the first `warmup` batches, then
 * minLr + (lr0 − minLr)·(1 + cos(π·k/K))/2 with k the batch after the warm-up and K the
 * batches left (torch's CosineAnnealingLR, stepped every batch, T_max = K).
 *
 * @example cosineLr(0.01, 1e-4, 0, 100, 50) // 0.00505: half way, the mean of lr0 and minLr
 */
export const cosineLr = (lr0: number, minLr: number, warmup: number, total: number, step: number): number => {
  if (step < warmup) return (lr0 * (step + 1)) / warmup
  const k = step - warmup
  const span = Math.max(1, total - warmup)
  return minLr + ((lr0 - minLr) * (1 + Math.cos((Math.PI * Math.min(k, span)) / span))) / 2
}

/**
 * Scale gradients so that their global L2 norm (over every tensor together) is at most
 * `maxNorm`, as torch.nn.utils.clip_grad_norm_: each is multiplied by maxNorm / (norm + 1e-6)
 * when that is below 1, else left as is. Returns the (possibly new) gradients and the norm
 * before clipping; the caller disposes both maps' tensors.
 */
export const clipByGlobalNorm = (
  tf: Tf,
  grads: Readonly<Record<string, Tensor>>,
  maxNorm: number
): { readonly grads: Record<string, Tensor>; readonly norm: number } => {
  const names = Object.keys(grads)
  // float64 sum of float32 squares: the norm does not depend on the variables' order
  let sq = 0
  for (const n of names) {
    const v = tf.tidy(() => tf.sum(tf.square(grads[n]!)).dataSync()[0]!)
    sq += v
  }
  const norm = Math.sqrt(sq)
  const coef = maxNorm / (norm + 1e-6)
  if (coef >= 1) return { grads: { ...grads }, norm }
  const out: Record<string, Tensor> = {}
  for (const n of names) out[n] = tf.mul(grads[n]!, coef)
  return { grads: out, norm }
}

export const train = async (tf: Tf, options: TrainOptions): Promise<TrainResult> => {
  const { model, loss } = options
  const batchSize = options.batch ?? 16
  const lr0 = options.optimizer?.lr ?? 1e-3
  const weightDecay = options.optimizer?.weight_decay ?? 0
  const rng = new Rng(options.seed)
  const recurrent = model.kind === "recurrent"
  const audio = options.data.kind === "audio"
  if (audio && model.kind !== "recurrent" && model.kind !== "convolutional") throw new ModelError({ message: `${model.spec.uses} takes feature examples, not audio` })
  if (!audio && (model.kind === "recurrent" || model.kind === "convolutional")) throw new ModelError({ message: `${model.spec.uses} takes audio, not feature examples` })

  const segment = options.segment ?? 8192
  const tbptt = options.tbptt ?? { warmup: 1000, updateEvery: 200 }
  if (audio && recurrent && tbptt.warmup + tbptt.updateEvery > segment) {
    throw new ModelError({ message: `tbptt.warmup (${tbptt.warmup}) + tbptt.update_every (${tbptt.updateEvery}) exceed segment (${segment} samples)` })
  }
  const trim = audio && !recurrent ? Math.min((model.receptiveField ?? 1) - 1, Math.floor(segment / 2)) : 0

  const batches =
    options.data.kind === "audio"
      ? audioBatches(tf, options.data, segment, options.valSplit ?? 0.2, rng, model.spec.inputSize)
      : exampleBatches(tf, options.data, options.valSplit ?? 0.2, rng)

  const state: ScheduleState = { epoch: 0, lr: lr0, bestValLoss: Infinity, bestEpoch: 0, sinceBest: 0, sinceLrChange: 0, history: [] }
  const optimizer = tf.train.adam(lr0)
  const setLr = (lr: number) => {
    ;(optimizer as unknown as { learningRate: number }).learningRate = lr
  }
  const varEntries = [...model.variables]
  const vars = varEntries.map(([, v]) => v)
  const snapshot = () => new Map(varEntries.map(([n, v]) => [n, (v.dataSync() as Float32Array).slice()]))
  let best: Map<string, Float32Array> = snapshot()
  let steps = 0
  if (options.resume !== undefined) {
    const { weights } = decodeWeights(tf, options.resume)
    assignWeights(tf, model, weights)
    const saved = options.resume.get(TRAIN_STATE)
    if (saved === undefined) throw new ModelError({ message: `a checkpoint needs ${TRAIN_STATE}` })
    const resumed = JSON.parse(new TextDecoder().decode(saved)) as ResumeState
    if (resumed.seed !== options.seed) throw new ModelError({ message: `the checkpoint was made with seed ${resumed.seed}, this run has seed ${options.seed}` })
    const names = varEntries.map(([n, v]) => ({ name: n, size: v.size }))
    if (JSON.stringify(resumed.variables) !== JSON.stringify(names)) throw new ModelError({ message: "the checkpoint's variables do not match the model" })
    const { seed: _seed, variables: _variables, adam, ...schedule } = resumed
    // JSON has no Infinity: "no validation yet" is stored as null
    Object.assign(state, schedule, { bestValLoss: schedule.bestValLoss ?? Infinity })
    const sizes = names.map((n) => n.size)
    const bestBytes = options.resume.get(BEST_BIN)
    if (bestBytes === undefined) throw new ModelError({ message: `a checkpoint needs ${BEST_BIN}` })
    best = new Map(splitFloat32(bestBytes, sizes, BEST_BIN).map((w, i) => [names[i]!.name, w]))
    if (adam.hasMoments) {
      const moments = options.resume.get(OPTIMIZER_BIN)
      if (moments === undefined) throw new ModelError({ message: `a checkpoint needs ${OPTIMIZER_BIN}` })
      const mv = splitFloat32(moments, [...sizes, ...sizes], OPTIMIZER_BIN)
      await optimizer.setWeights([
        { name: "iter", tensor: tf.scalar(adam.iterations, "int32") },
        ...mv.map((values, i) => {
          const v = vars[i % vars.length]!
          return { name: `${v.name}/${i < vars.length ? "m" : "v"}`, tensor: tf.tensor(values, v.shape) }
        })
      ])
    }
    // setWeights recomputes beta^t with pow(); restore the exact running products instead
    const internals = optimizer as unknown as AdamInternals
    internals.accBeta1.assign(tf.scalar(adam.accBeta1))
    internals.accBeta2.assign(tf.scalar(adam.accBeta2))
    steps = adam.iterations
    setLr(state.lr)
  }
  const resumedFrom = state.epoch

  /** Everything the remaining epochs depend on, as checkpoint files. */
  const checkpointFiles = async (): Promise<Map<string, Uint8Array>> => {
    const files = await serializeModel(tf, model)
    const optimizerWeights = await optimizer.getWeights()
    const moments = optimizerWeights.slice(1).map((w) => w.tensor.dataSync() as Float32Array)
    const internals = optimizer as unknown as AdamInternals
    const resume: ResumeState = {
      ...state,
      bestValLoss: Number.isFinite(state.bestValLoss) ? state.bestValLoss : (null as unknown as number),
      seed: options.seed,
      variables: varEntries.map(([n, v]) => ({ name: n, size: v.size })),
      adam: {
        iterations: steps,
        accBeta1: internals.accBeta1.dataSync()[0]!,
        accBeta2: internals.accBeta2.dataSync()[0]!,
        hasMoments: moments.length === 2 * vars.length
      }
    }
    files.set(TRAIN_STATE, new TextEncoder().encode(JSON.stringify(resume)))
    files.set(BEST_BIN, concatFloat32(varEntries.map(([n]) => best.get(n)!)))
    if (moments.length === 2 * vars.length) files.set(OPTIMIZER_BIN, concatFloat32(moments))
    return files
  }

  const clip = options.clipGradNorm
  if (clip !== undefined && !(clip > 0)) throw new ModelError({ message: `clip_grad_norm must be above 0, got ${clip}` })
  /** One optimizer step on the loss of closure(); returns the loss value. */
  const step = (closure: () => Tensor): number => {
    let cost: Tensor
    if (clip === undefined) cost = optimizer.minimize(closure as () => tfTypes.Scalar, true, vars as tfTypes.Variable[])!
    else {
      const { value, grads } = tf.variableGrads(closure as () => tfTypes.Scalar, vars as tfTypes.Variable[])
      const clipped = clipByGlobalNorm(tf, grads, clip)
      optimizer.applyGradients(clipped.grads as never)
      for (const n of Object.keys(grads)) {
        if (clipped.grads[n] !== grads[n]) clipped.grads[n]!.dispose()
        grads[n]!.dispose()
      }
      cost = value
    }
    steps++
    const value = cost.dataSync()[0]!
    cost.dispose()
    if (weightDecay > 0) {
      // Decoupled weight decay (AdamW): shrink weights toward zero by lr·wd each step.
      const factor = 1 - state.lr * weightDecay
      tf.tidy(() => {
        for (const v of vars) if (v.rank > 1) v.assign(tf.mul(v, factor))
      })
    }
    return value
  }

  /** Train on one batch; returns the mean loss over its optimizer steps. */
  const trainBatch = (batch: Batch): number => {
    if (!audio || !recurrent) {
      const [x, y] = batch.window()
      const value = !audio
        ? step(() => loss.fn(y, model.apply(x, undefined, true).y))
        : step(() => {
            const yhat = model.apply(x, undefined, true).y
            return loss.fn(timeSlice(tf, y, trim, segment - trim), timeSlice(tf, yhat, trim, segment - trim))
          })
      x.dispose()
      y.dispose()
      return value
    }
    const b = batch.size
    const [wx, wy] = batch.window(0, tbptt.warmup)
    let carried: Tensor[] = tf.tidy(() => model.apply(wx, model.zeroState!(b)).state!.map((t) => tf.keep(t)))
    wx.dispose()
    wy.dispose()
    // a loss normalised per item over its segment takes its denominators from the part of
    // the segment the loss covers
    let segmentTarget: Tensor | undefined
    if (loss.segmentNormalised === true) {
      const [sx, sy] = batch.window(tbptt.warmup, segment - tbptt.warmup)
      sx.dispose()
      segmentTarget = sy
    }
    let sum = 0
    let n = 0
    for (let start = tbptt.warmup; start + tbptt.updateEvery <= segment; start += tbptt.updateEvery) {
      const [x, y] = batch.window(start, tbptt.updateEvery)
      let next: Tensor[] = []
      sum += step(() => {
        const out = model.apply(x, carried, true)
        next = out.state!.map((s) => tf.keep(s))
        return loss.fn(y, out.y, segmentTarget)
      })
      x.dispose()
      y.dispose()
      carried.forEach((t) => t.dispose())
      carried = next
      n++
    }
    carried.forEach((t) => t.dispose())
    segmentTarget?.dispose()
    return sum / n
  }

  /**
   * Validation loss: whole segments from a zero state, the warm-up / padded region left out.
   * A pooled loss (loss.pooled: the pooled loss.esr) is pooled over the whole validation set,
   * Σ numerators / Σ denominators, as evaluate's esr_pooled; any other is averaged over the
   * batches, weighted by their size.
   */
  const validate = (): number => {
    let sum = 0
    let weight = 0
    let numerator = 0
    let denominator = 0
    let samples = 0
    const pooled = audio ? loss.pooled : undefined
    for (const idx of chunksOf(Array.from({ length: batches.valCount }, (_, i) => i), batchSize)) {
      const [x, y] = batches.makeVal(idx).window()
      tf.tidy(() => {
        const yhat = model.apply(x).y
        if (!audio) {
          sum += loss.fn(y, yhat).dataSync()[0]! * idx.length
          return
        }
        const skip = recurrent ? tbptt.warmup : trim
        const t = x.shape[1]! - skip
        const [ys, yhats] = [timeSlice(tf, y, skip, t), timeSlice(tf, yhat, skip, t)]
        if (pooled !== undefined) {
          const parts = pooled.sums(ys, yhats)
          numerator += parts.numerator.dataSync()[0]!
          denominator += parts.denominator.dataSync()[0]!
          samples += idx.length * t
        } else sum += loss.fn(ys, yhats).dataSync()[0]! * idx.length
      })
      x.dispose()
      y.dispose()
      weight += idx.length
    }
    return pooled !== undefined ? numerator / (denominator + samples * pooled.epsilon) : sum / weight
  }

  const schedule = options.lrSchedule
  const cosine = schedule?.uses === "cosine" ? schedule : undefined
  const plateau = schedule !== undefined && schedule.uses !== "cosine" ? schedule : undefined
  let stoppedEarly = false
  const started = performance.now()
  for (let epoch = state.epoch + 1; epoch <= options.epochs; epoch++) {
    const t0 = performance.now()
    const order = rng.fork(`epoch-${epoch}`).shuffle(Array.from({ length: batches.trainCount }, (_, i) => i))
    let sum = 0
    let count = 0
    const stepsPerEpoch = Math.ceil(order.length / batchSize)
    for (const idx of chunksOf(order, batchSize)) {
      // A time budget ends the epoch early (after at least one batch), then validates.
      if (count > 0 && options.maxSeconds !== undefined && (performance.now() - started) / 1000 >= options.maxSeconds) break
      if (cosine !== undefined) {
        state.lr = cosineLr(lr0, cosine.minLr ?? 0, Math.round((cosine.warmupEpochs ?? 0) * stepsPerEpoch), options.epochs * stepsPerEpoch, (epoch - 1) * stepsPerEpoch + count)
        setLr(state.lr)
      }
      const batchLoss = trainBatch(batches.makeTrain(idx))
      sum += batchLoss
      count++
      options.onStep?.({ epoch, step: count, stepsPerEpoch, loss: batchLoss })
    }
    const validating = epoch % Math.max(1, options.valEvery ?? 1) === 0 || epoch === options.epochs
    const valLoss = validating ? validate() : Number.NaN
    const improved = validating && valLoss < state.bestValLoss
    const report: EpochReport = { epoch, epochs: options.epochs, trainLoss: sum / count, valLoss, lr: state.lr, seconds: (performance.now() - t0) / 1000, ...(improved ? { best: true } : {}) }
    state.history.push(report)
    state.epoch = epoch
    if (improved) {
      state.bestValLoss = valLoss
      state.bestEpoch = epoch
      state.sinceBest = 0
      state.sinceLrChange = 0
      best = snapshot()
    } else if (validating) {
      state.sinceBest++
      state.sinceLrChange++
    }
    if (validating && plateau !== undefined && state.sinceLrChange >= plateau.patience) {
      state.lr = Math.max(plateau.minLr ?? 0, state.lr * plateau.factor)
      state.sinceLrChange = 0
      setLr(state.lr)
    }
    await options.onEpoch?.(report)
    const every = options.checkpointEvery ?? 1
    if (options.checkpoint !== undefined && epoch % every === 0 && epoch < options.epochs) await options.checkpoint(epoch, await checkpointFiles())
    if (options.maxSeconds !== undefined && (performance.now() - started) / 1000 >= options.maxSeconds) {
      stoppedEarly = epoch < options.epochs
      break
    }
    if (validating && options.earlyStopping !== undefined && state.sinceBest >= options.earlyStopping.patience) {
      stoppedEarly = epoch < options.epochs
      break
    }
  }
  assignWeights(tf, model, best)
  optimizer.dispose()
  return { history: state.history, bestEpoch: state.bestEpoch, bestValLoss: state.bestValLoss, stoppedEarly, resumedFrom }
}
