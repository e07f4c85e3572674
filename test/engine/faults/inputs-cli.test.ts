import { mkdirSync, symlinkSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, test } from "vitest"
import { encodeWav } from "../../../src/audio/wav.js"
import { audioml, tempDir } from "../../helpers/cli.js"

/** Every bad input must end in a clear message and exit code, never a stack trace or a hang. */
const clean = (stderr: string) => {
  expect(stderr).not.toMatch(/internal error|\n\s+at |ENOENT|ELOOP/)
}

const tone = (n: number, rate: number) => {
  const x = new Float32Array(n)
  for (let i = 0; i < n; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate)
  return x
}

const pipeline = `seed = 1\nsample_rate = 16000\n[stages.dry]\nuses = "source.synthetic"\nclips = 1\nseconds = 0.1\n`

describe("bad command-line inputs are refused at once", () => {
  test("--concurrency 0 and -5", () => {
    const dir = tempDir()
    writeFileSync(join(dir, "p.toml"), pipeline)
    for (const n of ["0", "-5"]) {
      const r = audioml(["run", "p.toml", "--concurrency", n], dir)
      expect(r.status).toBe(2)
      expect(r.stderr).toContain(`--concurrency ${n}: must be at least 1`)
      clean(r.stderr)
    }
  })

  test("cache verify --store /nonexistent is an error, not healthy", () => {
    const r = audioml(["cache", "verify", "--store", "/nonexistent/store"], tempDir())
    expect(r.status).toBe(2)
    expect(r.stderr).toContain("cache verify: no store at /nonexistent/store (folder not found)")
  })

  test("--runs /proc/self (runs list, run) and --store /dev are refused, not walked", () => {
    const dir = tempDir()
    writeFileSync(join(dir, "p.toml"), pipeline)
    for (const args of [["runs", "list", "--runs", "/proc/self"], ["run", "p.toml", "--runs", "/proc/self"], ["plan", "p.toml", "--store", "/dev/shm/x"]]) {
      const r = audioml(args, dir)
      expect(r.status, args.join(" ")).toBe(2)
      expect(r.stderr).toMatch(/(--runs \/proc\/self|--store \/dev\/shm\/x): .* is in a kernel pseudo file system/)
      clean(r.stderr)
    }
  })

  test("validate /dev/zero fails at once", () => {
    const r = audioml(["validate", "/dev/zero"], tempDir())
    expect(r.status).toBe(2)
    expect(r.stderr).toContain("/dev/zero: cannot read config: not a regular file")
  })
})

describe("WAV headers: a rate outside [1 kHz, 768 kHz] is refused naming the file", () => {
  test("fx on a file claiming 1 Hz", () => {
    const dir = tempDir()
    writeFileSync(join(dir, "one-hz.wav"), encodeWav({ sampleRate: 1, channels: [tone(64, 1)] }))
    writeFileSync(join(dir, "chain.toml"), `chain = [{ uses = "gain", gain_db = -6 }]\n`)
    const r = audioml(["fx", "one-hz.wav", "out.wav", "--chain", "chain.toml"], dir)
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/one-hz\.wav: WAV header: sample rate 1 Hz is outside the accepted range \[1000, 768000\] Hz/)
    clean(r.stderr)
  })

  test("source.wav_dir: a 1 Hz file stops the run with its name; with skip it is skipped, as are a dangling link and a loop", () => {
    const dir = tempDir()
    mkdirSync(join(dir, "data"))
    writeFileSync(join(dir, "data/good.wav"), encodeWav({ sampleRate: 16000, channels: [tone(1600, 16000)] }))
    writeFileSync(join(dir, "data/one-hz.wav"), encodeWav({ sampleRate: 1, channels: [tone(200_000, 1)] }))
    symlinkSync("missing.wav", join(dir, "data/dangling.wav"))
    symlinkSync("loop.wav", join(dir, "data/loop.wav"))
    symlinkSync(".", join(dir, "data/self")) // a folder linking back to itself
    const config = (onBad: string) => `seed = 1\nsample_rate = 16000\n[stages.src]\nuses = "source.wav_dir"\npath = "data"\non_bad_file = "${onBad}"\n`
    writeFileSync(join(dir, "error.toml"), config("error"))
    writeFileSync(join(dir, "skip.toml"), config("skip"))
    const stop = audioml(["run", "error.toml"], dir)
    expect(stop.status).toBe(2) // a bad input file is the user's to fix: exit 2 (README "Errors")
    expect(stop.stderr).toMatch(/dangling\.wav: dangling symbolic link \(its target does not exist\)/)
    clean(stop.stderr)
    const skip = audioml(["run", "skip.toml", "--json"], dir)
    expect(skip.status, skip.stderr).toBe(0)
    expect(skip.stderr).toMatch(/skipped dangling\.wav: dangling symbolic link/)
    expect(skip.stderr).toMatch(/skipped loop\.wav: symbolic link loop/)
    expect(skip.stderr).toMatch(/skipped one-hz\.wav: WAV header: sample rate 1 Hz is outside/)
    clean(skip.stderr)
  })
})
