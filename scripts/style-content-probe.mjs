#!/usr/bin/env node
// How much of an EQ style a reference can show, per kind of content: for the EQ + compressor
// test pairs of a configs/style-transfer.toml run (or a variant's), the MR-STFT reduction from
// the uncorrected input when the chain is set to
//   teacher     the EQ teacher's coordinates (src/ml/style/teacher.ts: the style EQ's response
//               minus the pair's corrupting response, compressor known): what a perfect
//               encoder could reach;
//   ltas_other  the EQ fitted to the long-term spectrum of the reference minus the input's
//               (different notes: what an encoder sees), the compressor and the curve's mean
//               level taken from the pair (so only the EQ's shape is estimated);
//   ltas_same   the same fit to the reference minus the input's half of the same notes.
// When ltas_other lags ltas_same, the two halves' notes, not the EQ, set the reference's
// spectrum, and no encoder that reads it can do much better (README, "Style transfer").
//
// Usage (after `npm run build` and a run that stored the split):
//   node scripts/style-content-probe.mjs RUN_FOLDER [PAIRS] [CONFIG]
// RUN_FOLDER: runs/<name>/<run-id> with the eqcomp_split node; PAIRS: test pairs (default 30);
// CONFIG: the config whose eqcomp_encoder chain to use (default configs/style-transfer.toml).
import { readFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import FFT from "fft.js"
import TOML from "@iarna/toml"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const load = (module) => import(join(root, "dist", module))
const { decodeWav } = await load("audio/wav.js")
const { styleChainParams } = await load("stages/style-pairs.js")
const { knownT, corruptResponseDb, REFERENCE_HALF_LABEL } = await load("ml/style/style-pairs.js")
const { eqTeacher } = await load("ml/style/teacher.js")
const { splitHalves } = await load("ml/style/halves.js")
const { MrStftTarget } = await load("ml/style/mrstft.js")
const { renderAt } = await load("ml/style/render.js")
const { responseGrid, linearResponseDb, linearHeadLength } = await load("ml/style/linear-response.js")
const { resolveChain } = await load("effects/chain.js")
const { chainAt } = await load("ml/differentiable/param-space.js")
const { Rng } = await load("params/rng.js")

const [runFolder, pairCount = "30", configPath = join(root, "configs/style-transfer.toml")] = process.argv.slice(2)
if (runFolder === undefined) {
  console.error("usage: node scripts/style-content-probe.mjs RUN_FOLDER [PAIRS] [CONFIG]")
  process.exit(2)
}
const chain = TOML.parse(readFileSync(configPath, "utf8")).stages.eqcomp_encoder.chain
const free = styleChainParams(chain, "chain")
const split = join(runFolder, "eqcomp_split")
const meta = JSON.parse(readFileSync(join(split, "meta.json"), "utf8"))
const mono = (file) => decodeWav(readFileSync(join(split, file))).channels[0]
const SEED = 12 // resolves nothing here: every parameter of the chain is searched or fixed

// long-term average spectrum (dB) on the teacher's response grid: Hann frames of 2048, hop
// 512, power averaged over each grid point's band (half a grid step either side)
const N = 2048
const fft = new FFT(N)
const window = Float64Array.from({ length: N }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N))
const ltasDb = (x, sampleRate) => {
  const power = new Float64Array(N / 2 + 1)
  const spectrum = fft.createComplexArray()
  let frames = 0
  for (let start = 0; start + N <= x.length; start += 512, frames++) {
    fft.realTransform(spectrum, Array.from({ length: N }, (_, i) => x[start + i] * window[i]))
    for (let k = 0; k <= N / 2; k++) power[k] += spectrum[2 * k] ** 2 + spectrum[2 * k + 1] ** 2
  }
  const grid = responseGrid(sampleRate)
  const half = Math.sqrt(grid[1] / grid[0])
  return Float64Array.from(grid, (f) => {
    let sum = 0
    let bins = 0
    for (let k = 0; k <= N / 2; k++) {
      const fk = (k * sampleRate) / N
      if (fk >= f / half && fk < f * half) (sum += power[k]), bins++
    }
    if (bins === 0) (sum = power[Math.round((f * N) / sampleRate)]), (bins = 1)
    return 10 * Math.log10(sum / bins / Math.max(1, frames) + 1e-20)
  })
}
const meanOf = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length

const totals = { input: 0, teacher: 0, ltas_other: 0, ltas_same: 0 }
const pairs = meta.pairs.filter((p) => p.split === "test").slice(0, Number(pairCount))
for (const pair of pairs) {
  const sampleRate = pair.sample_rate
  const h = splitHalves(mono(pair.input), mono(pair.target), pair.labels[REFERENCE_HALF_LABEL] === 1 ? 1 : 0)
  const known = Float64Array.from(knownT(pair.labels, free))
  const corrupt = corruptResponseDb(pair.labels)
  const resolved = resolveChain(chainAt(chain, free, known), new Rng(SEED).fork("params"))
  const styleDb = linearResponseDb(resolved, responseGrid(sampleRate), sampleRate, linearHeadLength(resolved))
  const goalMean = meanOf(Array.from(styleDb, (v, k) => v - corrupt[k]))
  // eqTeacher fits the EQ to style − corrupt: pass corrupt = style − curve to fit `curve`
  const fitTo = (curve) => eqTeacher(chain, free, known, styleDb.map((v, k) => v - curve[k]), sampleRate, SEED)
  const fitToDifference = (other) => {
    const reference = ltasDb(h.reference, sampleRate)
    const own = ltasDb(other, sampleRate)
    const difference = Array.from(reference, (v, k) => v - own[k])
    const level = meanOf(difference)
    return fitTo(difference.map((v) => v - level + goalMean))
  }
  const truth = new MrStftTarget(h.truth)
  const score = (t) => truth.value(renderAt(chain, free, t, { sampleRate, channels: [h.input] }, SEED).channels[0])
  totals.input += truth.value(h.input)
  totals.teacher += score(eqTeacher(chain, free, known, corrupt, sampleRate, SEED))
  totals.ltas_other += score(fitToDifference(h.input))
  totals.ltas_same += score(fitToDifference(h.referenceInput))
}
const line = Object.entries(totals)
  .map(([k, v]) => `${k} ${(v / pairs.length).toFixed(3)}${k === "input" ? "" : ` (${(totals.input / v).toFixed(2)}x)`}`)
  .join(", ")
console.log(`${pairs.length} test pairs: MR-STFT ${line}`)
