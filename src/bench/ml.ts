/**
 * ML benchmarks.
 * - `npm run bench -- ml`: our per-sample LSTM/GRU kernels vs tfjs LayersModel.predict on 1 s
 *   of 44.1 kHz audio (samples per second; real-time factor).
 * - `AUDIOML_BENCH_TRAIN_SECONDS=120 npm run bench -- ml`: also train a small LSTM and a small
 *   TCN on guitar-like plucks through a tanh overdrive for that many seconds each, on
 *   the cpu and the wasm backend, and print the held-out ESR: this decides the training config.
 */
import { loadBackend, type BackendName } from "../ml/backend.js"
import { buildModel, modelDefinition } from "../ml/models/index.js"
import { newRnnParams, rnnLayersModel } from "../ml/models/rnn.js"
import { fastKernelOf } from "../ml/kernels/index.js"
import { buildLoss } from "../ml/losses/index.js"
import { train } from "../ml/train-loop.js"
import { Rng } from "../params/rng.js"

const SR = 44100

const time = (f: () => void, minSeconds = 1): number => {
  let runs = 0
  const t0 = performance.now()
  do {
    f()
    runs++
  } while (performance.now() - t0 < minSeconds * 1000)
  return (performance.now() - t0) / 1000 / runs
}

export const kernelBench = async (): Promise<void> => {
  const { tf, name } = await loadBackend(process.env["AUDIOML_BACKEND"] || undefined)
  const rng = new Rng(1)
  const dry = Float32Array.from({ length: SR }, (_, t) => 0.5 * Math.sin((2 * Math.PI * 110 * t) / SR) + rng.uniform(-0.05, 0.05))
  for (const cell of ["lstm", "gru"]) {
    for (const hidden of [16, 32]) {
      // as a newly trained model.rnn has it (a GRU: the reset-after cell)
      const model = buildModel(tf, { uses: "model.rnn", params: newRnnParams({ cell, hidden, layers: 1, skip: true, condition: [] }), inputSize: 1, seed: 1 })
      const kernel = fastKernelOf(model).kernel
      const out = new Float32Array(SR)
      const kSec = time(() => {
        kernel.reset()
        kernel.process(dry, out)
      })
      const layers = rnnLayersModel(model)
      const x = tf.tensor3d(dry, [1, SR, 1])
      const tSec = time(() => {
        const y = layers.predict(x) as ReturnType<typeof tf.tensor>
        y.dataSync()
        y.dispose()
      }, 0)
      x.dispose()
      model.dispose()
      console.log(
        `${cell.toUpperCase()} hidden ${hidden}: kernel ${(SR / kSec / 1e6).toFixed(2)} M samples/s (${(1 / kSec).toFixed(1)}× real time), ` +
          `tfjs predict [${name}] ${(SR / tSec / 1e3).toFixed(1)} k samples/s (${(1 / tSec).toFixed(2)}× real time) → kernel ${(tSec / kSec).toFixed(0)}× faster`
      )
    }
  }
}

/** Karplus–Strong plucks: guitar-like decaying strings at random pitches and levels. */
const plucks = (rng: Rng, seconds: number): Float32Array => {
  const out = new Float32Array(Math.round(seconds * SR))
  let t = 0
  while (t < out.length) {
    const f0 = 82 * 2 ** (rng.int(0, 24) / 12)
    const period = Math.round(SR / f0)
    const buf = Float32Array.from({ length: period }, () => rng.uniform(-1, 1))
    const level = rng.uniform(0.2, 0.9)
    const len = Math.min(out.length - t, Math.round(rng.uniform(0.3, 0.8) * SR))
    for (let i = 0; i < len; i++) {
      const j = i % period
      const v = buf[j]!
      buf[j] = 0.996 * 0.5 * (v + buf[(j + 1) % period]!)
      out[t + i] += level * v
    }
    t += len
  }
  return out
}

const overdrive = (x: Float32Array): Float32Array => x.map((v) => Math.tanh(6 * v) / Math.tanh(6))

const esr = (y: Float32Array, yhat: Float32Array, skip: number): number => {
  let num = 0
  let den = 0
  for (let i = skip; i < y.length; i++) {
    num += (y[i]! - yhat[i]!) ** 2
    den += y[i]! ** 2
  }
  return num / (den + 1e-8)
}

export const trainBench = async (): Promise<void> => {
  const seconds = Number(process.env["AUDIOML_BENCH_TRAIN_SECONDS"] ?? 120)
  const rng = new Rng(7)
  const input = Array.from({ length: 12 }, () => plucks(rng, 2))
  const target = input.map(overdrive)
  const testIn = plucks(new Rng(99), 4)
  const testOut = overdrive(testIn)
  const configs = [
    { label: "LSTM 12", uses: "model.rnn", params: { cell: "lstm", hidden: 12, layers: 1, skip: true, condition: [] }, segment: 2200, batch: 16, lr: 0.01 },
    { label: "TCN 4×8 k5 g4", uses: "model.tcn", params: { blocks: 4, kernel: 5, dilation_growth: 4, channels: 8, causal: true, condition: [] }, segment: 8192, batch: 8, lr: 0.005 }
  ]
  for (const backend of ["cpu", "wasm"] as BackendName[]) {
    const { tf } = await loadBackend(backend)
    for (const c of configs) {
      // AUDIOML_BENCH_TRAIN_ONLY=TCN runs only the configs whose label contains it.
      if (!c.label.includes(process.env["AUDIOML_BENCH_TRAIN_ONLY"] ?? "")) continue
      const model = buildModel(tf, { uses: c.uses, params: c.params, inputSize: 1, sampleRate: SR, seed: 1 })
      const loss = buildLoss(tf, { uses: "loss.esr", pre_emphasis: 0.85 }, { sampleRate: SR })
      const t0 = performance.now()
      const r = await train(tf, {
        model,
        loss,
        data: { kind: "audio", train: { input, target } },
        segment: c.segment,
        batch: c.batch,
        epochs: 10_000,
        maxSeconds: seconds,
        optimizer: { lr: c.lr },
        lrSchedule: { factor: 0.5, patience: 3 },
        tbptt: { warmup: 1000, updateEvery: 200 },
        valSplit: 0.15,
        seed: 1
      })
      const trainSec = (performance.now() - t0) / 1000
      let pred: Float32Array
      if (modelDefinition(c.uses).fastKernel !== undefined) {
        pred = new Float32Array(testIn.length)
        fastKernelOf(model).kernel.process(testIn, pred)
      } else pred = tf.tidy(() => model.apply(tf.tensor3d(testIn, [1, testIn.length, 1])).y.dataSync() as Float32Array)
      const heldOut = esr(testOut, pred, 2048)
      console.log(
        `${c.label} on ${backend}: ${r.history.length} epochs in ${trainSec.toFixed(0)} s (${(trainSec / r.history.length).toFixed(1)} s/epoch), ` +
          `val loss ${r.bestValLoss.toFixed(4)} (ESR, pre-emphasis 0.85), held-out ESR ${heldOut.toFixed(4)}`
      )
      model.dispose()
      loss.dispose()
    }
  }
}

export const run = async (): Promise<void> => {
  await kernelBench()
  if (process.env["AUDIOML_BENCH_TRAIN_SECONDS"] !== undefined) await trainBench()
}
