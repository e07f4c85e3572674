import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { encodeWav } from "../../src/audio/wav.js"
import { Rng } from "../../src/params/rng.js"
import { decodePairedAudioSet } from "../../src/stages/artifacts/paired-audio-set.js"
import { sourcePairs } from "../../src/stages/source-pairs.js"
import { signalTrainLabels } from "../../src/stages/source-pairs/signaltrain.js"
import { runStage, testContext } from "../helpers/stage-context.js"
import { sameFiles, stageParams } from "./stage-params.js"

const RATE = 8000

const noise = (n: number, seed: number): Float32Array => {
  const rng = new Rng(seed)
  return Float32Array.from({ length: n }, () => rng.normal(0, 0.2))
}

/** A "compressor-ish" wet signal, delayed by `lag` samples: target[n] = tanh(2·input[n - lag]). */
const wet = (x: Float32Array, lag: number): Float32Array =>
  Float32Array.from({ length: x.length }, (_, n) => (n - lag >= 0 && n - lag < x.length ? Math.tanh(2 * x[n - lag]!) : 0))

const wav = (x: Float32Array, rate = RATE) => encodeWav({ sampleRate: rate, channels: [x] })

/** The SignalTrain LA-2A layout, as on Zenodo: Train|Val|Test/input_<id>_.wav + target_<id>_LA2A_<..>__<limit>__<peak>.wav */
const signalTrainTree = () => {
  const root = mkdtempSync(join(tmpdir(), "audioml-signaltrain-"))
  const files: Array<[string, Float32Array]> = []
  const add = (split: string, id: number, target: string, lag = 0) => {
    const x = noise(2000, id)
    files.push([`${split}/input_${id}_.wav`, x], [`${split}/${target}`, wet(x, lag)])
  }
  add("Train", 140, "target_140_LA2A_3c__0__15.wav")
  add("Train", 141, "target_141_LA2A_3c__1__85.wav")
  add("Val", 235, "target_235_LA2A_2c__1__40.wav")
  add("Test", 7, "target_7_LA2A_2c__0__100.wav", 3)
  for (const [rel, x] of files) {
    mkdirSync(join(root, rel, ".."), { recursive: true })
    writeFileSync(join(root, rel), wav(x))
  }
  writeFileSync(join(root, "Train/input_999_.wav"), wav(noise(100, 9))) // no target
  return root
}

const run = async (params: Record<string, unknown>, root: string) => {
  const ctx = testContext("pairs", 3, root)
  const artifact = await runStage(sourcePairs, stageParams(sourcePairs, { sample_rate: RATE, ...params }), {}, ctx)
  return { set: decodePairedAudioSet(artifact), artifact, report: ctx.reports[0] as Record<string, any>, ctx }
}

describe("signalTrainLabels", () => {
  it("reads limit and peak_reduction from split('__')", () => {
    expect(signalTrainLabels("Train/target_140_LA2A_3c__0__15.wav")).toEqual({ limit: 0, peak_reduction: 15 })
    expect(() => signalTrainLabels("target_140_LA2A.wav")).toThrow(/__<limit>__<peak_reduction>/)
  })
})

describe("source.pairs, layout = signaltrain", () => {
  it("pairs input_<id>_ with target_<id>_ per split folder, labels from the target name, the dataset's split kept", async () => {
    const root = signalTrainTree()
    const { set, report } = await run({ path: ".", layout: "signaltrain" }, root)
    expect(set.pairs.map((p) => p.id)).toEqual(["Test/7", "Train/140", "Train/141", "Val/235"])
    expect(set.pairs.map((p) => p.split)).toEqual(["test", "train", "train", "val"])
    const train140 = set.pairs[1]!
    expect(train140.labels).toEqual({
      limit: 0,
      peak_reduction: 15,
      input_file: "Train/input_140_.wav",
      target_file: "Train/target_140_LA2A_3c__0__15.wav"
    })
    expect(set.pairs[0]!.labels).toMatchObject({ limit: 0, peak_reduction: 100 })
    expect(set.pairs[3]!.labels).toMatchObject({ limit: 1, peak_reduction: 40 })
    expect(train140.target.channels[0]![100]).toBeCloseTo(Math.tanh(2 * train140.input.channels[0]![100]!), 5)
    expect(report.unmatched).toEqual(["Train/input_999_.wav"])
    // the alignment check ran on every pair and found the Test pair 3 samples late
    expect(report.alignment.map((a: any) => [a.id, a.lag])).toEqual([["Test/7", 3], ["Train/140", 0], ["Train/141", 0], ["Val/235", 0]])
  })

  it("signaltrain_labels renames the two knobs of the target name; the same name twice is an error naming the parameter", async () => {
    const root = signalTrainTree()
    const { set } = await run({ path: ".", layout: "signaltrain", signaltrain_labels: ["mode", "amount"], align: "none" }, root)
    expect(set.pairs[1]!.labels).toEqual({ mode: 0, amount: 15, input_file: "Train/input_140_.wav", target_file: "Train/target_140_LA2A_3c__0__15.wav" })
    expect(set.pairs[3]!.labels).toMatchObject({ mode: 1, amount: 40 })
    await expect(run({ path: ".", layout: "signaltrain", signaltrain_labels: ["knob", "knob"] }, root)).rejects.toThrow(/signaltrain_labels names both knobs "knob"/)
    expect(() => signalTrainLabels("target_140_LA2A.wav", ["mode", "amount"])).toThrow(/__<mode>__<amount>/)
  })

  it("resamples both files of a pair to sample_rate", async () => {
    const root = signalTrainTree()
    const { set } = await run({ path: ".", layout: "signaltrain", sample_rate: 16000, align: "none" }, root)
    expect(set.pairs.every((p) => p.input.sampleRate === 16000 && p.target.channels[0]!.length === 4000)).toBe(true)
  })

  it("is deterministic: identical artifact bytes", async () => {
    const root = signalTrainTree()
    const a = await run({ path: ".", layout: "signaltrain" }, root)
    const b = await run({ path: ".", layout: "signaltrain" }, root)
    expect(sameFiles(a.artifact.files, b.artifact.files)).toBe(true)
  })
})

/** Custom layout: dry/<name>_dry.wav + wet files with a drive knob, targets late by planted lags. */
const lagTree = (lags: ReadonlyArray<number>) => {
  const root = mkdtempSync(join(tmpdir(), "audioml-pairs-"))
  mkdirSync(join(root, "pairs"))
  lags.forEach((lag, k) => {
    const x = noise(6000, 100 + k)
    writeFileSync(join(root, "pairs", `take${k}_dry.wav`), wav(x))
    writeFileSync(join(root, "pairs", `take${k}_wet_drive${k + 0.5}_on.wav`), wav(wet(x, lag)))
  })
  return root
}
const custom = {
  path: "pairs",
  input_glob: "*_dry.wav",
  target_glob: "*_wet_*.wav",
  match: "^(take\\d+)_"
}

describe("source.pairs alignment", () => {
  it("finds planted lags of 0, 7 and 300 samples exactly (align = check keeps the pairs)", async () => {
    const root = lagTree([0, 7, 300])
    const { set, report } = await run({ ...custom, align: "check", max_lag: 1000 }, root)
    expect(report.alignment.map((a: any) => a.lag)).toEqual([0, 7, 300])
    for (const a of report.alignment) expect(a.correlation).toBeGreaterThan(0.8)
    expect(set.pairs.map((p) => p.target.channels[0]!.length)).toEqual([6000, 6000, 6000])
  })

  it("align = fix shifts the target so it lines up with the input", async () => {
    const root = lagTree([0, 7, 300])
    const { set, report } = await run({ ...custom, align: "fix", max_lag: 1000 }, root)
    expect(report.alignment.map((a: any) => a.action)).toEqual(["kept", "shifted", "shifted"])
    set.pairs.forEach((p, k) => {
      const lag = [0, 7, 300][k]!
      expect(p.input.channels[0]!.length).toBe(6000 - lag)
      expect(p.target.channels[0]!.length).toBe(6000 - lag)
      for (const i of [0, 50, 1234]) expect(p.target.channels[0]![i]).toBeCloseTo(Math.tanh(2 * p.input.channels[0]![i]!), 5)
    })
  })

  it("align = drop removes pairs with a lag or a weak correlation", async () => {
    const root = lagTree([0, 7])
    writeFileSync(join(root, "pairs", "take2_dry.wav"), wav(noise(6000, 50)))
    writeFileSync(join(root, "pairs", "take2_wet_drive2.5_on.wav"), wav(noise(6000, 51))) // unrelated
    const { set, report } = await run({ ...custom, align: "drop", max_lag: 100 }, root)
    expect(set.pairs.map((p) => p.id)).toEqual(["take0"])
    expect(report.alignment[1]).toMatchObject({ action: "dropped", reason: "lag 7 samples" })
    expect(report.alignment[2].reason).toMatch(/min_correlation/)
  })
})

describe("source.pairs alignment of periodic notes and blips (issue 14)", () => {
  /** A sustained note (period 45 samples) and its clipped target, true lag 0, whose gain settles over 5 ms: see test/dsp/xcorr.test.ts. */
  const note = () => {
    const N = 12000
    const x = new Float32Array(N)
    const y = new Float32Array(N)
    for (let n = 0; n < N; n++) {
      let s = 0
      for (let k = 1; k <= 4; k++) s += Math.sin((2 * Math.PI * k * n) / 45 + 0.5 * k) / k
      x[n] = 0.3 * s * Math.min(1, (N - n) / (0.15 * N))
      y[n] = (1 - Math.exp(-n / 40)) * Math.tanh(3 * x[n]!)
    }
    return { x, y }
  }
  const tree = (files: Record<string, Float32Array>) => {
    const root = mkdtempSync(join(tmpdir(), "audioml-pairs-periodic-"))
    mkdirSync(join(root, "pairs"))
    for (const [name, x] of Object.entries(files)) writeFileSync(join(root, "pairs", name), wav(x))
    return root
  }

  it("align = fix no longer shifts a lag-0 note by one period (it did with the plain peak rule)", async () => {
    const { x, y } = note()
    const root = tree({ "take0_dry.wav": x, "take0_wet_drive1_on.wav": y })
    const plain = await run({ ...custom, align: "fix", max_lag: 400, lag_tolerance: 0, periodicity: 0 }, root)
    expect(plain.report.alignment[0]).toMatchObject({ lag: 45, action: "shifted", method: "xcorr" })
    const fixed = await run({ ...custom, align: "fix", max_lag: 400 }, root)
    expect(fixed.report.alignment[0]).toMatchObject({ lag: 0, action: "kept", method: "xcorr" })
    expect(fixed.set.pairs[0]!.target.channels[0]!.length).toBe(12000)
    // the periodicity check alone: the rejected period is in the report
    const periodic = await run({ ...custom, align: "fix", max_lag: 400, lag_tolerance: 0 }, root)
    expect(periodic.report.alignment[0].lag).toBe(0)
    expect(periodic.report.alignment[0].rejected.map((r: any) => r.lag)).toEqual([45])
  })

  it("blip_calibration reads the lag from a leading blip (NAM's trigger), and falls back to cross-correlation without one", async () => {
    const { x } = note()
    const withBlip = (lag: number) => {
      // silence, a one-sample blip at 200, 600 samples of silence, then the note
      const dry = new Float32Array(12000)
      dry[200] = 0.9
      dry.set(x.subarray(0, 12000 - 800), 800)
      const wetSig = new Float32Array(12000)
      const rng = new Rng(4)
      for (let n = 0; n < 12000; n++) wetSig[n] = (n - lag >= 0 ? Math.tanh(2 * dry[n - lag]!) : 0) + rng.normal(0, 1e-5)
      return { dry, wetSig }
    }
    const a = withBlip(0)
    const b = withBlip(23)
    const root = tree({ "take0_dry.wav": a.dry, "take0_wet_drive1_on.wav": a.wetSig, "take1_dry.wav": b.dry, "take1_wet_drive1_on.wav": b.wetSig, "take2_dry.wav": x, "take2_wet_drive1_on.wav": note().y })
    const { report } = await run({ ...custom, align: "check", max_lag: 400, blip_calibration: true }, root)
    expect(report.alignment.map((r: any) => [r.id, r.lag, r.method])).toEqual([
      ["take0", 0, "blip"],
      ["take1", 23, "blip"],
      ["take2", 0, "xcorr"]
    ])
  })
})

describe("source.pairs, layout = custom", () => {
  it("pairs by the first group of `match` and reads typed labels from names", async () => {
    const root = lagTree([0, 0])
    const { set } = await run(
      {
        ...custom,
        params_from_name: { pattern: "_drive(?<drive>[0-9.]+)_(?<switch>on|off)", types: { switch: "string" } }
      },
      root
    )
    expect(set.pairs.map((p) => p.id)).toEqual(["take0", "take1"])
    expect(set.pairs[1]!.labels).toMatchObject({ drive: 1.5, switch: "on" })
    expect(set.pairs[1]!.split).toBeUndefined()
  })

  it("errors name the file and the parameter", async () => {
    const root = lagTree([0])
    await expect(run({ ...custom, params_from_name: { pattern: "_gain(?<gain>\\d+)" } }, root)).rejects.toThrow(
      /take0_wet_drive0\.5_on\.wav: name does not match params_from_name\.pattern/
    )
    await expect(run({ ...custom, params_from_name: { pattern: "_drive(?<drive>[a-z]+)" } }, root)).rejects.toThrow(/take0_wet.*does not match/)
    await expect(run({ ...custom, params_from_name: { pattern: "(?<x>\\d", types: {} } }, root)).rejects.toThrow(/params_from_name\.pattern is not a valid/)
    await expect(run({ ...custom, match: "^nomatch(\\d)" }, root)).rejects.toThrow(/take0_dry\.wav: name does not match/)
    writeFileSync(join(root, "pairs", "take0_dry.wav"), "definitely not a wav file")
    await expect(run(custom, root)).rejects.toThrow(/take0_dry\.wav: not a RIFF\/WAVE file/)
  })

  it("on_bad_file = skip lists the bad pair in the report", async () => {
    const root = lagTree([0, 0])
    writeFileSync(join(root, "pairs", "take0_dry.wav"), new Uint8Array(0))
    const { set, report } = await run({ ...custom, on_bad_file: "skip" }, root)
    expect(set.pairs.map((p) => p.id)).toEqual(["take1"])
    expect(report.skipped).toEqual([{ file: "take0_dry.wav", reason: expect.stringMatching(/too short/) }])
  })

  it("when both files of a pair are bad, the report names the input, whichever read fails first", async () => {
    for (let round = 0; round < 5; round++) {
      const root = lagTree([0, 0])
      // both reads fail; the report must not depend on which failed first (it did, with Promise.all)
      writeFileSync(join(root, "pairs", "take0_dry.wav"), "not a wav file")
      writeFileSync(join(root, "pairs", "take0_wet_drive0.5_on.wav"), new Uint8Array(0))
      const { report } = await run({ ...custom, on_bad_file: "skip" }, root)
      expect(report.skipped).toEqual([{ file: "take0_dry.wav", reason: expect.stringMatching(/not a RIFF\/WAVE file/) }])
    }
  })
})
