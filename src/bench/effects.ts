import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { decodeWav, encodeWav } from "../audio/wav.js"
import { Rng } from "../params/rng.js"
import { resolveChain } from "../effects/chain.js"
import { effectCatalog } from "../effects/registry.js"

/**
 * Effects against sox on 60 s of mono 44.1 kHz audio. For each effect: our time for the
 * effect alone, our time including WAV decode and encode (what `audioml fx` does besides
 * reading the file), and sox's wall time for the whole command line run through
 * child_process on a temp WAV (process start and file I/O included; nothing subtracted).
 * Each is the median of 5 runs; ours after one warm-up run (JIT; sox's binary needs none).
 * Settings are comparable, not identical, except for EQ and overdrive (equal outputs).
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
  {
    name: "reverb",
    ours: [
      { uses: "reverb.algorithmic", params: {} },
      { uses: "reverb.room", params: {} }
    ],
    sox: ["reverb", "50", "50", "100"]
  }
]

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const time = (f: () => void, runs = 5): number => {
  const ts: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    f()
    ts.push(performance.now() - t)
  }
  return median(ts)
}

const soxVersion = (): string | undefined => {
  try {
    return execFileSync("sox", ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim()
  } catch {
    return undefined
  }
}

export const run = async (): Promise<void> => {
  const sr = 44100
  const n = 60 * sr
  const rng = new Rng(42)
  const x = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const t = i / sr
    x[i] = 0.2 * Math.sin(2 * Math.PI * 110 * t) + 0.1 * Math.sin(2 * Math.PI * 1234 * t) + 0.05 * rng.normal()
  }
  const wavBytes = encodeWav({ sampleRate: sr, channels: [x] })
  const version = soxVersion()
  const dir = mkdtempSync(join(tmpdir(), "audioml-bench-"))
  const inPath = join(dir, "in.wav")
  const outPath = join(dir, "out.wav")
  writeFileSync(inPath, wavBytes)
  console.log(`60 s mono 44.1 kHz, median of 5 runs; ${version ?? "sox not found on PATH: sox column skipped"}`)
  console.log("| Effect | audioml effect | audioml (ms) | audioml + WAV decode/encode (ms) | sox (ms) | sox / audioml | sox / audioml incl. WAV |")
  console.log("|---|---|---:|---:|---:|---:|---:|")
  try {
    for (const c of cases) {
      const pick = c.ours.find((o) => effectCatalog.get(o.uses) !== undefined)
      if (pick === undefined) {
        console.log(`| ${c.name} | ${c.ours.map((o) => o.uses).join(" / ")}: not registered, skipped | | | | | |`)
        continue
      }
      const def = effectCatalog.get(pick.uses)!
      const params = resolveChain([{ uses: pick.uses, ...pick.params }], new Rng(0)).items[0]!.params
      def.process(x.subarray(0, 5 * sr), sr, params, new Rng(1)) // warm-up
      const ours = time(() => def.process(x, sr, params, new Rng(1)))
      const withIo = time(() => {
        const input = decodeWav(wavBytes)
        encodeWav({ sampleRate: sr, channels: [def.process(input.channels[0]!, sr, params, new Rng(1))] })
      })
      let sox = ""
      let ratio = ""
      let ratioIo = ""
      if (version !== undefined) {
        const t = time(() => execFileSync("sox", ["-D", inPath, "-e", "floating-point", "-b", "32", outPath, ...c.sox], { stdio: "ignore" }))
        sox = t.toFixed(0)
        ratio = `${(t / ours).toFixed(2)}x`
        ratioIo = `${(t / withIo).toFixed(2)}x`
      }
      console.log(`| ${c.name} | \`${pick.uses}\` | ${ours.toFixed(0)} | ${withIo.toFixed(0)} | ${sox} | ${ratio} | ${ratioIo} |`)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
