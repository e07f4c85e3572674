/**
 * The training part of `npm run bench -- rnn`: LSTM-32 training steps (batch 16 of 1024-step
 * windows, MSE, Adam) through our model.rnn on the tfjs backend `train` gets (the ladder, or
 * AUDIOML_BACKEND), whose LSTM passes run in
 * the WebAssembly SIMD training kernel on both cores (src/ml/kernels/wasm/rnn-train-wasm.ts),
 * against PyTorch CPU with 2 threads (src/bench/rnn_train_torch.py) in the same run, when
 * `python3 -c "import torch"` works (AUDIOML_BENCH_PYTHON names the python). Also printed: our
 * TypeScript passes (AUDIOML_KERNELS=js), the speed before the kernel. Ours and the peer
 * alternate, 3 repetitions of STEPS timed steps each after a warm-up step; throughput in
 * training samples (batch × window) per wall-clock second, min and median.
 */
import { spawnSync } from "node:child_process"
import { loadavg } from "node:os"
import { fileURLToPath } from "node:url"
import { loadBackend } from "../ml/backend.js"
import { buildModel } from "../ml/models/index.js"
import { Rng } from "../params/rng.js"

const HIDDEN = 32
const BATCH = 16
const WINDOW = 1024
const STEPS = Number(process.env["AUDIOML_BENCH_TRAIN_STEPS"] ?? 4)
const REPS = 3
const python = process.env["AUDIOML_BENCH_PYTHON"] || "python3"
const torchScript = fileURLToPath(new URL("../../src/bench/rnn_train_torch.py", import.meta.url))

const median = (xs: number[]): number => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)]!
const rate = (secondsPerRun: number): number => (BATCH * WINDOW * STEPS) / secondsPerRun

export const run = async (): Promise<void> => {
  const { tf, name: backend } = await loadBackend()
  const rng = new Rng(3)
  const xs = Float32Array.from({ length: BATCH * WINDOW }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 110 * (i % WINDOW)) / 48000 + Math.floor(i / WINDOW)) + 0.05 * rng.normal())
  const x = tf.tensor3d(xs, [BATCH, WINDOW, 1])
  const target = tf.tanh(tf.mul(3, x))
  const model = buildModel(tf, { uses: "model.rnn", params: { cell: "lstm", hidden: HIDDEN, layers: 1, skip: false }, inputSize: 1, seed: 1 })
  const vars = [...model.variables.values()]
  const optimizer = tf.train.adam(1e-3)
  const step = () => {
    const cost = optimizer.minimize(() => tf.mean(tf.square(tf.sub(model.apply(x).y, target))) as ReturnType<typeof tf.scalar>, true, vars)
    cost?.dataSync()
    cost?.dispose()
  }
  /** Wall seconds of STEPS steps with AUDIOML_KERNELS = kernels. */
  const ours = (kernels: string): number => {
    const before = process.env["AUDIOML_KERNELS"]
    process.env["AUDIOML_KERNELS"] = kernels
    try {
      step()
      const t0 = performance.now()
      for (let s = 0; s < STEPS; s++) step()
      return (performance.now() - t0) / 1000
    } finally {
      if (before === undefined) delete process.env["AUDIOML_KERNELS"]
      else process.env["AUDIOML_KERNELS"] = before
    }
  }
  const hasTorch = spawnSync(python, ["-c", "import torch"]).status === 0
  const peer = (): number | undefined => {
    const r = spawnSync(python, [torchScript, String(HIDDEN), String(BATCH), String(WINDOW), String(STEPS), "2"], { encoding: "utf8" })
    const s = Number(r.stdout.trim())
    return r.status === 0 && Number.isFinite(s) ? s : undefined
  }
  const wasm: number[] = []
  const js: number[] = []
  const torch: number[] = []
  for (let rep = 0; rep < REPS; rep++) {
    wasm.push(rate(ours("auto")))
    if (hasTorch) {
      const s = peer()
      if (s !== undefined) torch.push(rate(s))
    }
    js.push(rate(ours("js")))
  }
  const k = (v: number) => `${(v / 1000).toFixed(1)}k`
  const line = (name: string, v: number[]) => `${name.padEnd(58)} min ${k(Math.min(...v))}  median ${k(median(v))} samples/s`
  console.log(`LSTM-${HIDDEN} training, batch ${BATCH} × ${WINDOW}-step windows, MSE + Adam, ${STEPS} steps per repetition, ${REPS} alternating; load ${loadavg().map((l) => l.toFixed(1)).join(" ")}`)
  console.log(line(`ours: WASM SIMD kernel, both cores (tfjs ${backend} backend)`, wasm))
  console.log(line("ours: TypeScript passes (AUDIOML_KERNELS=js)", js))
  if (torch.length > 0) {
    console.log(line("PyTorch CPU, 2 threads", torch))
    console.log(`ours (WASM) / PyTorch: ${(median(wasm) / median(torch)).toFixed(2)}× by the medians, ${(Math.min(...wasm) / Math.min(...torch)).toFixed(2)}× by the mins`)
  } else console.log(`PyTorch: none (${python} -c 'import torch' fails; apt-get install python3-torch)`)
  x.dispose()
  target.dispose()
  model.dispose()
}
