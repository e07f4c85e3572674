import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { childCpuSeconds } from "./child-cpu.js"
import { encodeWav } from "../audio/wav.js"
import { Rng } from "../params/rng.js"
import { resolveChain } from "../effects/chain.js"
import { effectCatalog } from "../effects/registry.js"
import { processEffectInto } from "../effects/effect-definition.js"

/**
 * The marginal cost of each effect against sox's marginal cost, on 60 s of mono 44.1 kHz
 * float audio, like with like (issue 15):
 * - ours: CPU time of the effect's `processInto()` in this process, writing into an output
 *   buffer allocated once before the rounds (input and output paged in before each
 *   measurement, see `pageIn`), as sox writes into its
 *   reused buffers and as a chain runs (two reused buffers per channel, see applyChain);
 *   `process()` (a fresh output buffer per call: its page faults included) is printed for
 *   reference, and, as a cross-check, the CPU time of a whole `audioml fx` process with
 *   the effect minus one with `gain 0`;
 * - sox: CPU time of `sox in.wav out.wav <effect>` minus `sox in.wav out.wav` (a copy), each a
 *   separate process timed by bash's `times` (user + sys of the child).
 * The measurements alternate (processInto, process, sox with the effect, sox copy, fx, fx
 * copy) for `AUDIOML_BENCH_ROUNDS` rounds (default 7); min and median of each are printed,
 * and the speed ratio sox / ours (processInto) of both.
 * Settings are comparable, not identical, except EQ and overdrive (equal outputs).
 */

interface Case {
  readonly name: string
  /** Candidates in order of preference: the first registered one runs. */
  readonly ours: ReadonlyArray<{ readonly uses: string; readonly params: Record<string, unknown> }>
  readonly sox: ReadonlyArray<string>
}

const cases: ReadonlyArray<Case> = [
  { name: "EQ peaking", ours: [{ uses: "eq.peaking", params: { freq: 1000, q: 1, gain_db: 6 } }], sox: ["equalizer", "1000", "1q", "6"] },
  {
    name: "EQ 4 bands",
    ours: [
      {
        uses: "eq.parametric",
        params: {
          bands: [
            { uses: "eq.highpass", freq: 40, q: 0.7071 },
            { uses: "eq.lowshelf", freq: 120, q: 0.7071, gain_db: 3 },
            { uses: "eq.peaking", freq: 1000, q: 1, gain_db: -4 },
            { uses: "eq.highshelf", freq: 6000, q: 0.7071, gain_db: 2 }
          ]
        }
      }
    ],
    sox: ["highpass", "-2", "40", "0.7071q", "bass", "3", "120", "0.7071q", "equalizer", "1000", "1q", "-4", "treble", "2", "6000", "0.7071q"]
  },
  { name: "overdrive", ours: [{ uses: "distortion.overdrive", params: { gain_db: 20, colour: 20 } }], sox: ["overdrive", "20", "20"] },
  {
    name: "chorus (2 voices)",
    ours: [{ uses: "mod.chorus", params: { rate_hz: 0.4, depth_ms: 2, centre_delay_ms: 20, feedback: 0, mix: 0.5, voices: 2 } }],
    sox: ["chorus", "0.7", "0.9", "20", "0.4", "0.4", "2", "-s", "22", "0.4", "0.5", "2", "-s"]
  },
  {
    name: "flanger",
    ours: [{ uses: "mod.flanger", params: { rate_hz: 0.5, depth_ms: 2, delay_ms: 0.5, feedback: 0, mix: 0.5 } }],
    sox: ["flanger"]
  },
  {
    name: "phaser",
    ours: [{ uses: "mod.phaser", params: { rate_hz: 0.5, stages: 4 } }],
    sox: ["phaser", "0.8", "0.74", "3", "0.4", "0.5", "-s"]
  },
  {
    name: "compressor",
    ours: [{ uses: "dynamics.compressor", params: { threshold_db: -20, ratio: 4, attack_ms: 10, release_ms: 100, knee_db: 0 } }],
    sox: ["compand", "0.01,0.1", "-60,-60,-20,-20,0,-15", "0", "-90", "0"]
  },
  { name: "room reverb", ours: [{ uses: "reverb.room", params: {} }], sox: ["reverb", "50", "50", "100"] },
  { name: "algorithmic reverb", ours: [{ uses: "reverb.algorithmic", params: {} }], sox: ["reverb", "50", "50", "100"] }
]

const median = (xs: ReadonlyArray<number>): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const min = (xs: ReadonlyArray<number>): number => Math.min(...xs)

/** CPU milliseconds (user + sys) of one child process. */
const childCpuMs = (command: string, args: ReadonlyArray<string>): number => 1000 * childCpuSeconds([command, ...args])

/**
 * Page in the input (a read per 4 KiB page) and the output (a write per page, as a read
 * maps a page read-only and the first write faults again), untimed. Between rounds the
 * bench runs sox and audioml processes for seconds, and this VM's memory manager (DAMON
 * proactive reclaim, kdamond) takes idle pages away meanwhile: measured, the next
 * processInto() took 2,580 minor page faults (one 60 s buffer) and 5× its time. A running
 * chain's buffers are in use, not idle, so they are paged in before each measurement.
 */
const pageIn = (input: Float32Array, output?: Float32Array): number => {
  let s = 0
  for (let i = 0; i < input.length; i += 1024) s += input[i]!
  if (output !== undefined) for (let i = 0; i < output.length; i += 1024) output[i] = 0
  return s
}

/** CPU milliseconds (user + sys) of `f` in this process. */
const cpuMs = (f: () => void): number => {
  const t = process.cpuUsage()
  f()
  const d = process.cpuUsage(t)
  return (d.user + d.system) / 1000
}

const soxVersion = (): string | undefined => {
  try {
    return execFileSync("sox", ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim()
  } catch {
    return undefined
  }
}

const tomlValue = (v: unknown): string =>
  Array.isArray(v) ? `[${v.map(tomlValue).join(", ")}]` : v !== null && typeof v === "object" ? `{ ${Object.entries(v).map(([k, x]) => `${k} = ${tomlValue(x)}`).join(", ")} }` : JSON.stringify(v)

const ms = (xs: ReadonlyArray<number>) => `${min(xs).toFixed(0)} / ${median(xs).toFixed(0)}`
const ratio = (sox: number, ours: number) => (ours > 0 ? `${(sox / ours).toFixed(2)}×` : "–")

export const run = async (): Promise<void> => {
  const rounds = Number(process.env["AUDIOML_BENCH_ROUNDS"] ?? 7)
  const sr = 44100
  const n = 60 * sr
  const rng = new Rng(42)
  const x = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const t = i / sr
    x[i] = 0.2 * Math.sin(2 * Math.PI * 110 * t) + 0.1 * Math.sin(2 * Math.PI * 1234 * t) + 0.05 * rng.normal()
  }
  const version = soxVersion()
  if (version === undefined) {
    console.log("sox not found on PATH: this bench compares against sox and needs it (apt-get install sox)")
    return
  }
  const dir = mkdtempSync(join(tmpdir(), "audioml-bench-"))
  const inPath = join(dir, "in.wav")
  const outPath = join(dir, "out.wav")
  writeFileSync(inPath, encodeWav({ sampleRate: sr, channels: [x] }))
  const cli = join(dirname(fileURLToPath(import.meta.url)), "../cli/bin.js")
  const fxCpu = (chainFile: string) => childCpuMs(process.execPath, [cli, "fx", inPath, outPath, "--chain", chainFile])
  const copyChain = join(dir, "copy.toml")
  writeFileSync(copyChain, 'chain = [ { uses = "gain", gain_db = 0 } ]\n')
  const soxArgs = (effect: ReadonlyArray<string>) => ["-D", inPath, "-e", "floating-point", "-b", "32", outPath, ...effect]
  console.log(`60 s mono 44.1 kHz float; CPU ms (user + sys), min / median of ${rounds} alternating rounds; ${version}; load ${loadavg().map((l) => l.toFixed(1)).join(" ")}`)
  console.log("| effect | audioml effect | ours: processInto() | ours: process() | ours: fx − fx gain 0 | sox: effect − copy | sox / ours (min) | sox / ours (median) |")
  console.log("|---|---|---:|---:|---:|---:|---:|---:|")
  const out = new Float32Array(n).fill(0) // written once: its pages are mapped (and paged in before each round)
  try {
    for (const c of cases) {
      const pick = c.ours.find((o) => effectCatalog.get(o.uses) !== undefined)
      if (pick === undefined) {
        console.log(`| ${c.name} | ${c.ours.map((o) => o.uses).join(" / ")}: not registered, skipped | | | | | | |`)
        continue
      }
      const def = effectCatalog.get(pick.uses)!
      const params = resolveChain([{ uses: pick.uses, ...pick.params }], new Rng(0)).items[0]!.params
      const chainFile = join(dir, `${pick.uses}.toml`)
      writeFileSync(chainFile, `chain = [ { uses = ${JSON.stringify(pick.uses)}${Object.entries(pick.params).map(([k, v]) => `, ${k} = ${tomlValue(v)}`).join("")} } ]\n`)
      // warm-up (JIT); sox's binary needs none
      processEffectInto(def, x.subarray(0, 5 * sr), out.subarray(0, 5 * sr), sr, params, new Rng(1))
      def.process(x.subarray(0, 5 * sr), sr, params, new Rng(1))
      const ours: number[] = []
      const fresh: number[] = []
      const fx: number[] = []
      const sox: number[] = []
      for (let r = 0; r < rounds; r++) {
        pageIn(x, out)
        ours.push(cpuMs(() => processEffectInto(def, x, out, sr, params, new Rng(1))))
        pageIn(x)
        fresh.push(cpuMs(() => def.process(x, sr, params, new Rng(1))))
        sox.push(childCpuMs("sox", soxArgs(c.sox)) - childCpuMs("sox", soxArgs([])))
        fx.push(fxCpu(chainFile) - fxCpu(copyChain))
      }
      console.log(
        `| ${c.name} | \`${pick.uses}\` | ${ms(ours)} | ${ms(fresh)} | ${ms(fx)} | ${ms(sox)} | ${ratio(min(sox), min(ours))} | ${ratio(median(sox), median(ours))} |`
      )
    }
    console.log(`load at the end: ${loadavg().map((l) => l.toFixed(1)).join(" ")}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
