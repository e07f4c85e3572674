import * as Effect from "effect/Effect"
import { execFileSync } from "node:child_process"
import { symlinkSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, test } from "vitest"
import { loadPipelines } from "../../src/config/load-pipelines.js"
import { StageRegistry } from "../../src/engine/registry.js"
import { builtinStages } from "../../src/stages/registry.js"
import { configDir } from "./config-files.js"

/**
 * Bad inputs refused at validate/plan time (issue 9, "bounded inputs" and item 8): each
 * case is one bad input; every one must fail with a message naming the file or TOML path,
 * before anything runs.
 */
const fails = async (file: string, set: ReadonlyArray<string> = []): Promise<string> => {
  const err = await Effect.runPromise(Effect.flip(loadPipelines(file, { set, registry: new StageRegistry(builtinStages) })))
  return err.format()
}
const ok = (file: string, set: ReadonlyArray<string> = []) =>
  Effect.runPromise(loadPipelines(file, { set, registry: new StageRegistry(builtinStages) }))

const source = `[stages.dry]\nuses = "source.synthetic"\nclips = 2\nseconds = 0.5\n`

describe("sample rates within [1 kHz, 768 kHz] unless overridden", () => {
  test("the pipeline's sample_rate", async () => {
    const dir = configDir({ "p.toml": `sample_rate = 500\n${source.replace("[stages.dry]\n", "[stages.dry]\nsample_rate = 8000\n")}` })
    expect(await fails(join(dir, "p.toml"))).toMatch(/p\.toml: sample_rate: sample rate 500 Hz is outside the accepted range \[1000, 768000\] Hz \(set AUDIOML_SAMPLE_RATE_RANGE/)
  })

  test("a stage's own sample_rate", async () => {
    const dir = configDir({ "p.toml": `${source}[stages.check]\nuses = "dataset.validate"\nfrom = "dry"\nsample_rate = 10\n` })
    expect(await fails(join(dir, "p.toml"))).toMatch(/stages\.check\.sample_rate: sample rate 10 Hz is outside/)
  })

  test("AUDIOML_SAMPLE_RATE_RANGE widens the range; a malformed one is reported", async () => {
    const dir = configDir({ "p.toml": `${source}[stages.check]\nuses = "dataset.validate"\nfrom = "dry"\nsample_rate = 500\n` })
    process.env["AUDIOML_SAMPLE_RATE_RANGE"] = "100-768000"
    try {
      await ok(join(dir, "p.toml"))
      process.env["AUDIOML_SAMPLE_RATE_RANGE"] = "lots"
      expect(await fails(join(dir, "p.toml"))).toMatch(/AUDIOML_SAMPLE_RATE_RANGE="lots": expected "<min>-<max>"/)
    } finally {
      delete process.env["AUDIOML_SAMPLE_RATE_RANGE"]
    }
  })
})

describe("config files: regular files of at most 10 MB", () => {
  test("a device is refused without reading it", async () => {
    expect(await fails("/dev/zero")).toBe("/dev/zero: cannot read config: not a regular file (a device, FIFO or socket); a config must be a TOML file")
  })

  test("an extends base that is a device, or a FIFO, is refused naming it", async () => {
    const dir = configDir({ "p.toml": `extends = "/dev/zero"\n${source}`, "q.toml": `extends = "fifo.toml"\n${source}` })
    expect(await fails(join(dir, "p.toml"))).toMatch(/^\/dev\/zero: cannot read config: not a regular file/)
    execFileSync("mkfifo", [join(dir, "fifo.toml")])
    expect(await fails(join(dir, "q.toml"))).toMatch(/fifo\.toml: cannot read config: not a regular file/)
  })

  test("a config over 10 MB is refused with its size", async () => {
    const dir = configDir({})
    writeFileSync(join(dir, "big.toml"), `${source}# ${"x".repeat(11 * 1024 * 1024)}\n`)
    expect(await fails(join(dir, "big.toml"))).toMatch(/big\.toml: cannot read config: file is 11\.0 MB; a config may be at most 10 MB/)
  })

  test("a symbolic link loop as config", async () => {
    const dir = configDir({})
    symlinkSync("loop.toml", join(dir, "loop.toml"))
    expect(await fails(join(dir, "loop.toml"))).toMatch(/loop\.toml: cannot read config: symbolic link loop/)
  })
})

describe("values a pipeline cannot hold", () => {
  test("nan and inf are reported as such, not as null", async () => {
    const dir = configDir({ "p.toml": `[stages.dry]\nuses = "source.synthetic"\nclips = 2\nseconds = nan\nlevel_db = -inf\n` })
    const text = await fails(join(dir, "p.toml"))
    expect(text).toContain("stages.dry.seconds: must be a finite number (got nan)")
    expect(text).toContain("stages.dry.level_db: must be a finite number (got -inf)")
    expect(text).not.toContain("null")
  })

  test("inf from --set", async () => {
    const dir = configDir({ "p.toml": source })
    expect(await fails(join(dir, "p.toml"), ["stages.dry.seconds=inf"])).toMatch(/--set stages\.dry\.seconds=inf: must be a finite number \(got inf\)/)
  })

  test("a 20-digit seed is a clear error, in the file and from --set", async () => {
    const dir = configDir({ "p.toml": `seed = 12345678901234567890\n${source}`, "q.toml": source })
    expect(await fails(join(dir, "p.toml"))).toMatch(/p\.toml: seed: integer too large \(read as -?\d+\): at most 9007199254740991 \(2\^53 - 1\)/)
    expect(await fails(join(dir, "q.toml"), ["seed=12345678901234567890"])).toMatch(/--set seed=12345678901234567890: integer too large/)
  })
})

describe("dataset size estimated against the available memory", () => {
  test("clips = 1e6, seconds = 3600 is refused with the estimate", async () => {
    const dir = configDir({ "p.toml": `[stages.dry]\nuses = "source.synthetic"\nclips = 1e6\nseconds = 3600\n` })
    expect(await fails(join(dir, "p.toml"))).toMatch(
      /stages\.dry: makes about 635 TB of audio \(1000000 clips × 3600 s × 44100 Hz × 4 bytes \(32-bit float, mono\)\), more than the .* of memory available/
    )
  })

  test("the upper end of a distribution counts", async () => {
    const dir = configDir({ "p.toml": `[stages.dry]\nuses = "source.synthetic"\nclips = 1000000\nseconds = { uniform = [0.1, 3600] }\n` })
    expect(await fails(join(dir, "p.toml"))).toMatch(/stages\.dry: makes about 635 TB of audio/)
  })
})

describe("cross-parameter mistakes found by validate, not at run time", () => {
  test("split fractions summing to 2.7", async () => {
    const dir = configDir({ "p.toml": `${source}[stages.split]\nuses = "dataset.split"\nfrom = "dry"\ntrain = 0.9\nval = 0.9\ntest = 0.9\n` })
    expect(await fails(join(dir, "p.toml"))).toMatch(/stages\.split: train \+ val \+ test must be 1, got 0\.9 \+ 0\.9 \+ 0\.9 = 2\.7/)
  })

  test("an audio model trained from an AudioSet", async () => {
    const dir = configDir({ "p.toml": `${source}[stages.model]\nuses = "train"\nfrom = "dry"\nmodel = { uses = "model.rnn" }\n` })
    expect(await fails(join(dir, "p.toml"))).toMatch(/stages\.model\.from: model\.rnn learns dry → wet audio: the dataset must be a PairedAudioSet .*got an AudioSet/)
  })
})
