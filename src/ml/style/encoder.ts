/**
 * Mode B of style transfer: `model.style_encoder`, a network that maps (input, reference)
 * audio to the style chain's normalised parameters t ∈ [0, 1] in one forward pass, trained
 * on pairs made the DeepAFx-ST way (src/ml/style/style-pairs.ts) through the chain itself:
 *
 *   loss = J(chain(x_half; f(x_half, reference)), truth_half),   J = MR-STFT + loudness (objective.ts)
 *
 * with dJ/dt from autodiff through the differentiable twins (src/ml/differentiable) or from
 * SPSA on the DSP chain (src/ml/style/spsa.ts) for chains without twins; the network's own
 * gradient is dJ/dt chained through f by tfjs (the surrogate Σ t·stop_gradient(dJ/dt) has
 * exactly that gradient).
 *
 * The encoder: each clip is summarised by the content-independent statistics of the style
 * loss (src/ml/style/style-loss.ts: per mel band mean and spread of log-mel power, spectral
 * centroid and slope, crest factor, loudness); the features are the reference's statistics
 * minus the input's, and four of the input's own (centred on the training set's mean and
 * divided by fixed scales in the style distance's units), into an MLP (ReLU hidden layers, sigmoid output, one unit per free parameter).
 * `features` choose the per-band statistic (EncoderFeatures: the mean of the dB, or the
 * long-term power, optionally with the input's own long-term spectrum). An optional warm
 * start regresses given coordinates first (the known ones, or the EQ teacher's of
 * src/ml/style/teacher.ts, which style.train computes).
 * DeepAFx-ST's encoder is a CNN over spectrograms of both clips; statistics + MLP keep
 * training within minutes on two CPU cores.
 */
import type { ChainItem } from "../../effects/chain.js"
import { Rng } from "../../params/rng.js"
import { integer, number, object, oneOf } from "../../params/schema.js"
import { Catalog } from "../../params/catalog.js"
import type { Tf } from "../backend.js"
import type { Tensor } from "../model.js"
import type { FreeParam } from "../differentiable/param-space.js"
import { renderAt } from "./render.js"
import { autodiffValueAndGrad, type GradientMethod } from "./match-style.js"
import { makeObjective, type Objective } from "./objective.js"
import { epsilonAt, spsaGradient, type SpsaOptions } from "./spsa.js"
import { STYLE_MEL_BANDS, styleStatistics, type StyleStatistics } from "./style-loss.js"

/**
 * What the encoder reads of each clip (see encoderFeatures):
 * - `mean_db`: per mel band the mean over frames of the log-mel power (dB) and its spread;
 * - `long_term`: per mel band the long-term power (mean power over frames, then dB) and the
 *   spread: a filter shifts it by its gain in that band whatever the notes, while the mean
 *   of the dB also counts the quiet frames between notes, which differ between two halves;
 * - `long_term_input`: `long_term`, plus the input's own long-term power per band (where
 *   its spectrum sits, not only how the reference's differs).
 */
export const ENCODER_FEATURES = ["mean_db", "long_term", "long_term_input"] as const
/** One of ENCODER_FEATURES. */
export type EncoderFeatures = (typeof ENCODER_FEATURES)[number]

/** The params of `model.style_encoder`. */
export interface StyleEncoderSpec {
  readonly uses: "model.style_encoder"
  /** Units per hidden layer (default 64). */
  readonly hidden: number
  /** Hidden layers (default 2). */
  readonly layers: number
  /** What the encoder reads of each clip (default `mean_db`). */
  readonly features?: EncoderFeatures | undefined
}

/** A style encoder kind: its `uses`, one line for the docs and its params schema. */
export interface StyleEncoderDefinition {
  readonly uses: string
  readonly description: string
  readonly schema: ReturnType<typeof object>
}

/** `model.style_encoder`: hidden (default 64) units in each of `layers` (default 2) hidden layers. */
export const styleEncoderModel: StyleEncoderDefinition = {
  uses: "model.style_encoder",
  description:
    "Style encoder (mode B): log-mel, centroid, slope, crest and loudness statistics of the input and the reference into an MLP " +
    "with a sigmoid output, one unit per searched parameter of the style chain; trained by style.train through the chain.",
  schema: object({
    hidden: integer({ description: "units per hidden layer", minimum: 1, maximum: 4096, default: 64, distribution: false }),
    layers: integer({ description: "hidden layers", minimum: 0, maximum: 8, default: 2, distribution: false }),
    features: oneOf([...ENCODER_FEATURES], {
      description:
        "per mel band statistics of each clip: mean_db (mean of the log-mel dB and its spread), long_term (long-term power in dB and the spread), " +
        "long_term_input (long_term plus the input's own long-term power per band)",
      default: "mean_db"
    })
  })
}

/** The style encoders a `style.train` stage's `model` may name (one kind today). */
export const styleEncoderCatalog: Catalog<StyleEncoderDefinition> = new Catalog([styleEncoderModel], { kind: "style encoder", schemaOf: (d) => d.schema })

const statsVector = (s: StyleStatistics, features: EncoderFeatures): number[] => [
  ...(features === "mean_db" ? s.melMeanDb : s.longTermDb),
  ...s.melStdDb,
  s.centroidLog2Hz,
  s.slopeDbPerOctave,
  s.crestDb,
  s.lufs
]

/**
 * The encoder's raw features for one (input, reference): every statistic of the reference
 * minus the input's (84: per mel band the mean dB or long-term dB, and the spread; centroid,
 * slope, crest, loudness), then the input's own centroid, slope, crest factor and loudness
 * (4: where the input sits, which a compressor's threshold depends on), and with
 * `long_term_input` the input's own long-term dB per band (40). Otherwise the input's
 * per-band statistics are left out: they describe its notes more than its style, and a
 * small training set overfits to them.
 */
export const encoderFeatures = (input: Float32Array, reference: Float32Array, sampleRate: number, features: EncoderFeatures = "mean_db"): Float32Array => {
  const sa = styleStatistics(input, sampleRate)
  const a = statsVector(sa, features)
  const b = statsVector(styleStatistics(reference, sampleRate), features)
  return Float32Array.from([...b.map((v, i) => v - a[i]!), ...a.slice(-4), ...(features === "long_term_input" ? sa.longTermDb : [])])
}

/**
 * Fixed scales of the features, in the style distance's units (src/ml/style/style-loss.ts):
 * 10 dB for the log-mel statistics, 1 for log2 centroid, 3 dB/octave for slope, 6 dB for
 * crest and 6 LU for loudness. Fixed rather than the training set's spread, so a statistic
 * that barely varies (noise) stays small instead of being blown up to unit variance.
 */
const featureScale = (features: EncoderFeatures): number[] => {
  const bands = STYLE_MEL_BANDS
  const own = features === "long_term_input" ? bands : 0
  const scalars = [1, 3, 6, 6]
  return [...new Array<number>(2 * bands).fill(10), ...scalars, ...scalars, ...new Array<number>(own).fill(10)]
}

/** A trained encoder as stored (plain numbers: JSON in the StyleEncoder artifact). */
export interface StyleEncoderWeights {
  readonly uses: "model.style_encoder"
  readonly hidden: number
  readonly layers: number
  /** The free parameters' names, in output order: the chain it was trained for. */
  readonly params: ReadonlyArray<string>
  /** What the encoder reads (EncoderFeatures); absent in weights from before the option: `mean_db`. */
  readonly features?: EncoderFeatures | undefined
  readonly sampleRate: number
  /** Features are (raw − featureMean) / featureStd: the training set's mean, and the fixed scales of featureScale. */
  readonly featureMean: ReadonlyArray<number>
  readonly featureStd: ReadonlyArray<number>
  /** Dense layers in order: weights [in, out] row-major, bias [out]. */
  readonly dense: ReadonlyArray<{ readonly inputs: number; readonly outputs: number; readonly weights: ReadonlyArray<number>; readonly bias: ReadonlyArray<number> }>
  readonly gradient: GradientMethod
  /**
   * Mean training loss J per epoch, and the validation loss where there were validation
   * pairs; after a warm start, first an epoch 0 with the warm-started weights' validation
   * loss (train null: nothing went through the chain yet).
   */
  readonly history: ReadonlyArray<{ readonly epoch: number; readonly train: number | null; readonly val: number | null }>
}

/** Bad training input or weights that do not fit the chain. */
export class StyleEncoderError extends Error {
  readonly _tag = "StyleEncoderError"
}

interface Net {
  readonly vars: Array<{ w: Tensor; b: Tensor }>
  readonly forward: (x: Tensor) => Tensor
}

const makeNet = (tf: Tf, dense: StyleEncoderWeights["dense"], trainable: boolean): Net => {
  const vars = dense.map((d) => ({
    w: tf.variable(tf.tensor2d(Float32Array.from(d.weights), [d.inputs, d.outputs]), trainable),
    b: tf.variable(tf.tensor1d(Float32Array.from(d.bias)), trainable)
  }))
  const forward = (x: Tensor): Tensor => {
    let h = x
    vars.forEach((v, i) => {
      const z = tf.add(tf.matMul(h as never, v.w as never), v.b)
      h = i === vars.length - 1 ? tf.sigmoid(z) : tf.relu(z)
    })
    return h
  }
  return { vars, forward }
}

/** Glorot-uniform weights, zero biases, from the seeded rng. */
const initDense = (sizes: ReadonlyArray<number>, rng: Rng): StyleEncoderWeights["dense"] =>
  sizes.slice(1).map((outputs, i) => {
    const inputs = sizes[i]!
    const limit = Math.sqrt(6 / (inputs + outputs))
    return { inputs, outputs, weights: Array.from({ length: inputs * outputs }, () => rng.uniform(-limit, limit)), bias: new Array<number>(outputs).fill(0) }
  })

const standardise = (f: Float32Array, mean: ReadonlyArray<number>, std: ReadonlyArray<number>): Float32Array => f.map((v, i) => (v - mean[i]!) / std[i]!)

/** A StyleEncoderError unless `weights` predict exactly `free`'s parameters, in order. */
const assertSameParams = (weights: StyleEncoderWeights, free: ReadonlyArray<FreeParam>, what: string): void => {
  const names = free.map((p) => p.name)
  if (names.join("\n") !== weights.params.join("\n")) {
    throw new StyleEncoderError(`${what} was trained for parameters [${weights.params.join(", ")}], the chain searches [${names.join(", ")}]`)
  }
}

/** A loaded encoder: `predict` is one forward pass. */
export const loadStyleEncoder = (
  tf: Tf,
  weights: StyleEncoderWeights,
  free: ReadonlyArray<FreeParam>
): { readonly predict: (input: Float32Array, reference: Float32Array) => Float64Array; readonly dispose: () => void } => {
  assertSameParams(weights, free, "the encoder")
  const net = makeNet(tf, weights.dense, false)
  return {
    predict: (input, reference) => {
      const f = standardise(encoderFeatures(input, reference, weights.sampleRate, weights.features ?? "mean_db"), weights.featureMean, weights.featureStd)
      const t = tf.tidy(() => net.forward(tf.tensor2d(f, [1, f.length])))
      const values = Float64Array.from(t.dataSync())
      t.dispose()
      return values
    },
    dispose: () => net.vars.forEach((v) => (v.w.dispose(), v.b.dispose()))
  }
}

/** One training example: the halves of a style pair (src/ml/style/halves.ts). */
export interface EncoderExample {
  readonly input: Float32Array
  readonly reference: Float32Array
  readonly truth: Float32Array
  /** The known coordinates that made the target (style.pairs labels), for the optional warm start. */
  readonly t?: ReadonlyArray<number> | undefined
}

/** Training settings: gradient source, epochs, batch size (pairs), Adam step, SPSA settings, seed. */
export interface TrainEncoderOptions {
  readonly spec: StyleEncoderSpec
  readonly gradient: GradientMethod
  readonly epochs: number
  readonly batch: number
  readonly learningRate: number
  /** Adam step size for the epochs through the chain after a warm start (default: learningRate). */
  readonly finetuneLearningRate?: number | undefined
  /** Weight of the loudness term of the training loss, per LU (default LOUDNESS_WEIGHT, 0.1; src/ml/style/objective.ts). */
  readonly loudnessWeight?: number | undefined
  /**
   * Epochs of warm start before training through the chain (default 0): L1 regression of
   * the known coordinates, which needs no chain evaluation and so costs next to nothing.
   * The known coordinates are only near the best correction (the input carries the
   * corrupting EQ), so the chain's loss has the last word.
   */
  readonly pretrainEpochs?: number | undefined
  /**
   * Start from these trained weights instead of a fresh network (fine-tuning, e.g. an encoder
   * trained on many synthetic pairs, then on a few real ones). They must be for the same
   * parameters, features, sample rate, hidden units and layers; their feature
   * standardisation is kept, so the first layer reads what it was trained on. Their
   * validation loss on `val` is epoch 0 and competes with the epochs that follow, as after a
   * warm start; `finetuneLearningRate` applies.
   */
  readonly init?: StyleEncoderWeights | undefined
  readonly spsa: SpsaOptions
  readonly seed: number
  readonly baseDir?: string | undefined
  /** Called after every epoch, and with epoch 0 and train null after a warm start. */
  readonly onEpoch?: ((epoch: number, train: number | null, val: number | null) => void) | undefined
}

/** Throws a StyleEncoderError naming what differs unless `init` can be fine-tuned as `spec` for `free` on `sampleRate` Hz pairs. */
export const assertFineTunable = (init: StyleEncoderWeights, spec: StyleEncoderSpec, free: ReadonlyArray<FreeParam>, sampleRate: number): void => {
  assertSameParams(init, free, "the initial encoder")
  const want = { hidden: spec.hidden, layers: spec.layers, features: spec.features ?? "mean_db" }
  const have = { hidden: init.hidden, layers: init.layers, features: init.features ?? "mean_db" }
  if (want.hidden !== have.hidden || want.layers !== have.layers || want.features !== have.features) {
    throw new StyleEncoderError(
      `the initial encoder is hidden = ${have.hidden}, layers = ${have.layers}, features = "${have.features}"; the model asks for hidden = ${want.hidden}, layers = ${want.layers}, features = "${want.features}": make them the same`
    )
  }
  if (init.sampleRate !== sampleRate) throw new StyleEncoderError(`the initial encoder reads ${init.sampleRate} Hz audio, these pairs are ${sampleRate} Hz`)
}

const mean = (xs: ReadonlyArray<number>): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)

/**
 * Train an encoder for `chain`'s free parameters on `train` (validation loss on `val` after
 * every epoch; the weights of the best validation epoch are kept, the last epoch's without
 * validation pairs). Deterministic for a seed. `tf` is needed for both gradient methods
 * (the network is tfjs); autodiff also needs the chain's twins.
 */
export const trainStyleEncoder = async (
  tf: Tf,
  chain: ReadonlyArray<ChainItem>,
  free: ReadonlyArray<FreeParam>,
  train: ReadonlyArray<EncoderExample>,
  val: ReadonlyArray<EncoderExample>,
  sampleRate: number,
  o: TrainEncoderOptions
): Promise<StyleEncoderWeights> => {
  if (train.length === 0) throw new StyleEncoderError("no training pairs")
  const pretrain = o.pretrainEpochs ?? 0
  const labelled = train.flatMap((e, i) => (e.t !== undefined && e.t.length === free.length ? [i] : []))
  if (pretrain > 0 && labelled.length === 0) throw new StyleEncoderError("the warm start needs the known parameters of the training pairs (labels style_t.<param>)")
  const rng = new Rng(o.seed)
  const features = o.spec.features ?? "mean_db"
  if (o.init !== undefined) assertFineTunable(o.init, o.spec, free, sampleRate)
  const rawTrain = train.map((e) => encoderFeatures(e.input, e.reference, sampleRate, features))
  const dims = rawTrain[0]!.length
  const featureMean = o.init?.featureMean ?? Array.from({ length: dims }, (_, d) => mean(rawTrain.map((f) => f[d]!)))
  const featureStd = o.init?.featureStd ?? featureScale(features)
  const xs = rawTrain.map((f) => standardise(f, featureMean, featureStd))
  const valXs = val.map((e) => standardise(encoderFeatures(e.input, e.reference, sampleRate, features), featureMean, featureStd))
  const sizes = [dims, ...new Array<number>(o.spec.layers).fill(o.spec.hidden), free.length]
  const net = makeNet(tf, o.init?.dense ?? initDense(sizes, rng.fork("init")), true)
  const warmStarted = pretrain > 0 || o.init !== undefined
  const optimizer = tf.train.adam(o.learningRate)
  // the epochs through the chain: a fresh Adam after a warm start when given its own step
  const chainOptimizer = warmStarted && o.finetuneLearningRate !== undefined ? tf.train.adam(o.finetuneLearningRate) : optimizer
  // a training example's objective is made when its gradient is needed, not kept: the
  // spectrograms of 3,154 targets kept configs/style-transfer.toml at 18.9 GB max RSS
  const objectiveOf = (i: number): Objective => makeObjective(train[i]!.truth, sampleRate, "match", o.loudnessWeight)
  const valObjectives: Objective[] = val.map((e) => makeObjective(e.truth, sampleRate, "match", o.loudnessWeight))
  const inputs = o.gradient === "autodiff" ? train.map((e) => tf.tensor1d(e.input)) : []
  const spsaRng = rng.fork("spsa")
  const history: Array<{ epoch: number; train: number | null; val: number | null }> = []
  const snapshot = () => net.vars.map((v, i) => ({ inputs: sizes[i]!, outputs: sizes[i + 1]!, weights: Array.from(v.w.dataSync()), bias: Array.from(v.b.dataSync()) }))
  let best = { val: Infinity, dense: snapshot() }
  const predict = (x: Float32Array): Float64Array => {
    const t = tf.tidy(() => net.forward(tf.tensor2d(x, [1, dims])))
    const values = Float64Array.from(t.dataSync())
    t.dispose()
    return values
  }
  // J and dJ/dt at t for training example i: autodiff through the twins, or SPSA on the DSP chain
  const chainGradient = async (i: number, t: Float64Array, step: number, steps: number): Promise<{ value: number; grad: Float64Array }> => {
    const objective = objectiveOf(i)
    if (o.gradient === "autodiff") return autodiffValueAndGrad(tf, chain, free, inputs[i]!, objective, t, sampleRate, o.seed)
    // in this thread: one example's 2k + 1 renders are short next to a pool's start-up
    const e = train[i]!
    const at = (p: Float64Array): number => objective.value(renderAt(chain, free, p, { sampleRate, channels: [e.input] }, o.seed, o.baseDir).channels[0]!)
    let value = NaN
    const grad = await spsaGradient(
      async (points) => {
        value = at(t)
        return points.map(at)
      },
      t,
      o.spsa.perturbations,
      epsilonAt(o.spsa, step, steps),
      spsaRng
    )
    return { value, grad }
  }
  const valLoss = (): number | null =>
    val.length === 0 ? null : mean(val.map((e, i) => valObjectives[i]!.value(renderAt(chain, free, predict(valXs[i]!), { sampleRate, channels: [e.input] }, o.seed, o.baseDir).channels[0]!)))
  const steps = o.epochs * Math.ceil(train.length / o.batch)
  let step = 0
  try {
    for (let epoch = 0; epoch < pretrain; epoch++) {
      const order = rng.fork(`pretrain${epoch}`).shuffle(labelled)
      for (let start = 0; start < order.length; start += o.batch) {
        const batch = order.slice(start, start + o.batch)
        const x = tf.tensor2d(Float32Array.from(batch.flatMap((i) => Array.from(xs[i]!))), [batch.length, dims])
        const y = tf.tensor2d(Float32Array.from(batch.flatMap((i) => Array.from(train[i]!.t!))), [batch.length, free.length])
        optimizer.minimize(() => tf.mean(tf.abs(tf.sub(net.forward(x), y))) as never, false, net.vars.flatMap((v) => [v.w, v.b]) as never)
        x.dispose()
        y.dispose()
      }
    }
    if (warmStarted) {
      // the warm-started (or given) weights compete with the epochs through the chain
      const v = valLoss()
      history.push({ epoch: 0, train: null, val: v })
      o.onEpoch?.(0, null, v)
      best = { val: v ?? Infinity, dense: snapshot() }
    }
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const order = rng.fork(`epoch${epoch}`).shuffle(Array.from(train, (_, i) => i))
      const losses: number[] = []
      for (let start = 0; start < order.length; start += o.batch) {
        const batch = order.slice(start, start + o.batch)
        const x = tf.tensor2d(Float32Array.from(batch.flatMap((i) => Array.from(xs[i]!))), [batch.length, dims])
        const t = net.forward(x)
        const tValues = t.dataSync()
        t.dispose()
        const g = new Float32Array(batch.length * free.length)
        for (const [j, i] of batch.entries()) {
          const r = await chainGradient(i, Float64Array.from(tValues.subarray(j * free.length, (j + 1) * free.length)), step, steps)
          losses.push(r.value)
          g.set(Float32Array.from(r.grad), j * free.length)
        }
        const gTensor = tf.tensor2d(g, [batch.length, free.length])
        chainOptimizer.minimize(() => tf.div(tf.sum(tf.mul(net.forward(x), gTensor)), batch.length) as never, false, net.vars.flatMap((v) => [v.w, v.b]) as never)
        gTensor.dispose()
        x.dispose()
        step++
      }
      const v = valLoss()
      history.push({ epoch: epoch + 1, train: mean(losses), val: v })
      o.onEpoch?.(epoch + 1, mean(losses), v)
      // the first epoch always counts (a non-finite validation loss then still keeps trained weights)
      if (v === null || (epoch === 0 && !warmStarted) || v < best.val) best = { val: v ?? Infinity, dense: snapshot() }
    }
  } finally {
    inputs.forEach((x) => x.dispose())
    net.vars.forEach((v) => (v.w.dispose(), v.b.dispose()))
    optimizer.dispose()
    if (chainOptimizer !== optimizer) chainOptimizer.dispose()
  }
  return {
    uses: "model.style_encoder",
    hidden: o.spec.hidden,
    layers: o.spec.layers,
    params: free.map((p) => p.name),
    ...(features === "mean_db" ? {} : { features }),
    sampleRate,
    featureMean,
    featureStd,
    dense: best.dense,
    gradient: o.gradient,
    history
  }
}
