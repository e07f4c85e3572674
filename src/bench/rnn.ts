/**
 * `npm run bench -- rnn`: recurrent inference throughput, ours against PyTorch CPU in the same
 * run. Ours: the WASM SIMD kernel (src/ml/kernels/wasm/) in 64-sample blocks, one thread, and
 * the TypeScript fallback for reference. Peer: PyTorch CPU, one thread, one nn.LSTM/nn.GRU
 * call over the whole sequence (src/bench/rnn_torch.py), when `python3 -c "import torch"`
 * works (Debian: `apt-get install python3-torch`). Ours and the peer alternate, 3 repetitions
 * each; min and median printed. AUDIOML_BENCH_PYTHON names the python (default python3).
 * AUDIOML_BENCH_RNN_SECONDS sets the audio length (default 2 s
 * at 48 kHz). NAM's standard WaveNet (random weights): our WASM SIMD WaveNet kernel in 64-sample
 * blocks (and the TypeScript one on a quarter second) against PyTorch running the same network
 * as whole-sequence Conv1d layers in one call, one thread, as NAM's trainer computes it.
 */
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { namWaveNetKernelFor, rnnKernelFor } from "../ml/kernels/index.js"
import type { RnnCellKind } from "../ml/kernels/wasm/rnn-wasm.js"
import type { RnnWeights } from "../ml/kernels/weights.js"
import type { NamWaveNetArray } from "../ml/kernels/nam-wavenet.js"
import { Rng } from "../params/rng.js"

const SR = 48000
const BLOCK = 64
const REPS = 3

const randomWeights = (cell: RnnCellKind, hidden: number, rng: Rng): RnnWeights => {
  const G = (cell === "lstm" ? 4 : 3) * hidden
  const u = (n: number, a: number) => Float32Array.from({ length: n }, () => rng.uniform(-a, a))
  const a = 1 / Math.sqrt(hidden)
  // the reset-after GRU has two bias rows (input side, recurrent side)
  const biasRows = cell === "gru-reset-after" ? 2 : 1
  return { hidden, inputSize: 1, layers: [{ kernel: u(G, a), recurrent: u(hidden * G, a), bias: u(biasRows * G, a) }], outKernel: u(hidden, a), outBias: 0, skip: true }
}

const median = (xs: number[]): number => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)]!
const rate = (samples: number, seconds: number): string => `${(samples / seconds / 1e6).toFixed(3)} M/s`

/** The Python that has torch (AUDIOML_BENCH_PYTHON, default python3: e.g. /usr/bin/python3 for Debian's python3-torch under pyenv). */
const python = process.env["AUDIOML_BENCH_PYTHON"] || "python3"
const torchScript = fileURLToPath(new URL("../../src/bench/rnn_torch.py", import.meta.url))
const torchSeconds = (cell: string, hidden: number, samples: number): number | undefined => {
  const r = spawnSync(python, [torchScript, cell, String(hidden), String(samples)], { encoding: "utf8" })
  const s = Number(r.stdout.trim())
  return r.status === 0 && Number.isFinite(s) ? s : undefined
}

export const run = async (): Promise<void> => {
  const samples = Math.round(SR * Number(process.env["AUDIOML_BENCH_RNN_SECONDS"] ?? 2))
  const hasTorch = spawnSync(python, ["-c", "import torch"]).status === 0
  console.log(`${samples / SR} s at 48 kHz, ${BLOCK}-sample blocks, ${REPS} reps alternating; peer: ${hasTorch ? "PyTorch CPU, 1 thread, one call" : "none (${python} -c 'import torch' fails)"}`)
  const rng = new Rng(7)
  const dry = Float32Array.from({ length: samples }, (_, t) => 0.5 * Math.sin((2 * Math.PI * 110 * t) / SR))
  const out = new Float32Array(BLOCK)
  // GRU: the reset-after cell, model.rnn's default GRU and the cell of torch.nn.GRU
  for (const [cell, hidden, label] of [["lstm", 16, "LSTM"], ["lstm", 32, "LSTM"], ["lstm", 64, "LSTM"], ["gru-reset-after", 32, "GRU"]] as const) {
    const weights = randomWeights(cell, hidden, rng)
    const kernels = [rnnKernelFor(weights, cell)]
    const before = process.env["AUDIOML_KERNELS"]
    process.env["AUDIOML_KERNELS"] = "js"
    kernels.push(rnnKernelFor(weights, cell))
    if (before === undefined) delete process.env["AUDIOML_KERNELS"]
    else process.env["AUDIOML_KERNELS"] = before
    const times = kernels.map(() => [] as number[])
    const peer: number[] = []
    for (let rep = 0; rep < REPS; rep++) {
      kernels.forEach((kernel, k) => {
        kernel.reset()
        const t0 = performance.now()
        for (let at = 0; at < samples; at += BLOCK) kernel.process(dry.subarray(at, at + BLOCK), out)
        times[k]!.push((performance.now() - t0) / 1000)
      })
      const s = hasTorch ? torchSeconds(cell === "lstm" ? "lstm" : "gru", hidden, samples) : undefined
      if (s !== undefined) peer.push(s)
    }
    const ours = times[0]!
    const line = [`${label}-${hidden}:`, `${kernels[0]!.engine} min ${rate(samples, Math.min(...ours))} median ${rate(samples, median(ours))}`]
    line.push(`| typed-array min ${rate(samples, Math.min(...times[1]!))}`)
    if (peer.length > 0) {
      line.push(`| PyTorch min ${rate(samples, Math.min(...peer))} median ${rate(samples, median(peer))}`)
      line.push(`| ours / PyTorch (medians) ${(median(peer) / median(ours)).toFixed(1)}×`)
    }
    console.log(line.join(" "))
  }
  // NAM's standard WaveNet: two arrays of 16 then 8 channels, kernel 3, dilations 1..512 each, Tanh, not gated (13 802 weights).
  const dil = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
  const u = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-0.1, 0.1))
  const array = (inputSize: number, channels: number, headSize: number, headBias: boolean): NamWaveNetArray => ({
    inputSize, conditionSize: 1, headSize, channels, kernelSize: 3, dilations: dil, activation: "Tanh", gated: false, headBias,
    rechannel: u(channels * inputSize),
    layers: dil.map(() => ({ conv: u(channels * channels * 3), convBias: u(channels), mixer: u(channels), oneByOne: u(channels * channels), oneByOneBias: u(channels) })),
    headRechannel: u(headSize * channels), headRechannelBias: headBias ? u(headSize) : new Float32Array(headSize)
  })
  const weights = { arrays: [array(1, 16, 8, false), array(16, 8, 1, true)], headScale: 0.02 }
  const wavenet = namWaveNetKernelFor(weights)
  const before = process.env["AUDIOML_KERNELS"]
  process.env["AUDIOML_KERNELS"] = "js"
  const wavenetJs = namWaveNetKernelFor(weights)
  if (before === undefined) delete process.env["AUDIOML_KERNELS"]
  else process.env["AUDIOML_KERNELS"] = before
  // The TypeScript kernel is slow: a quarter second of audio for it.
  const jsSamples = Math.min(samples, SR / 4)
  const wn: number[] = []
  const wnJs: number[] = []
  const wnPeer: number[] = []
  for (let rep = 0; rep < REPS; rep++) {
    wavenet.reset()
    let t0 = performance.now()
    for (let at = 0; at < samples; at += BLOCK) wavenet.process(dry.subarray(at, at + BLOCK), out)
    wn.push((performance.now() - t0) / 1000)
    t0 = performance.now()
    for (let at = 0; at < jsSamples; at += BLOCK) wavenetJs.process(dry.subarray(at, at + BLOCK), out)
    wnJs.push((performance.now() - t0) / 1000)
    const s = hasTorch ? torchSeconds("wavenet", 0, samples) : undefined
    if (s !== undefined) wnPeer.push(s)
  }
  const line = [`NAM standard WaveNet:`, `${wavenet.engine} min ${rate(samples, Math.min(...wn))} median ${rate(samples, median(wn))}`]
  line.push(`| ${wavenetJs.engine} min ${rate(jsSamples, Math.min(...wnJs))} (${jsSamples / SR} s)`)
  if (wnPeer.length > 0) {
    line.push(`| PyTorch min ${rate(samples, Math.min(...wnPeer))} median ${rate(samples, median(wnPeer))}`)
    line.push(`| ours / PyTorch (medians) ${(median(wnPeer) / median(wn)).toFixed(1)}×`)
  }
  console.log(line.join(" "))
}
