import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { decodeWav, encodeWav } from "../audio/wav.js"
import { Rng } from "../params/rng.js"
import { resolveChain } from "../effects/chain.js"
import { effectCatalog } from "../effects/registry.js"
import { roomImpulseResponse } from "../effects/reverb/image-source.js"

/**
 * `npm run bench -- reverb`: the reverbs against `sox reverb` (its defaults: reverberance
 * 50 %, HF damping 50 %, room scale 100 %) on 60 s of mono 44.1 kHz audio. Ours: the
 * effect alone in this process, and with WAV decode + encode (what `audioml fx` adds). Sox:
 * the whole command on a temp WAV (process start and file I/O included, nothing
 * subtracted), its CPU time from bash's `time` (user + sys of the child). Best of
 * ROUNDS × RUNS, the sides alternating so both see the same machine load.
 */
const SR = 44100
const SECONDS = 60
const ROUNDS = 3
const RUNS = 2

interface Timing {
  wall: number
  cpu: number
}

const measure = (f: () => unknown, into: Timing): void => {
  for (let r = 0; r < RUNS; r++) {
    const c0 = process.cpuUsage()
    const w0 = performance.now()
    f()
    const wall = performance.now() - w0
    const c = process.cpuUsage(c0)
    into.wall = Math.min(into.wall, wall)
    into.cpu = Math.min(into.cpu, (c.user + c.system) / 1000)
  }
}

/** Wall and CPU milliseconds of one shell command, from bash's `time` keyword. */
const timeCommand = (args: ReadonlyArray<string>): Timing => {
  const quoted = args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ")
  const out = execFileSync("bash", ["-c", `TIMEFORMAT='%R %U %S'; { time ${quoted} >/dev/null 2>&1 ; } 2>&1`], { encoding: "utf8" })
  const [real, user, sys] = out.trim().split(/\s+/).slice(-3).map(Number) as [number, number, number]
  return { wall: real * 1000, cpu: (user + sys) * 1000 }
}

const hasSox = (): boolean => {
  try {
    execFileSync("sox", ["--version"], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
}

export const run = async (): Promise<void> => {
  const n = SECONDS * SR
  const rng = new Rng(42)
  const x = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const t = i / SR
    x[i] = 0.2 * Math.sin(2 * Math.PI * 110 * t) + 0.1 * Math.sin(2 * Math.PI * 1234 * t) + 0.05 * rng.normal()
  }
  const wavBytes = encodeWav({ sampleRate: SR, channels: [x] })
  const dir = mkdtempSync(join(tmpdir(), "audioml-bench-reverb-"))
  try {
    const inPath = join(dir, "in.wav")
    const outPath = join(dir, "out.wav")
    const irPath = join(dir, "ir.wav")
    writeFileSync(inPath, wavBytes)
    // a 0.5 s (22050-tap) room response for reverb.convolve
    const ir = roomImpulseResponse({ sampleRate: SR, roomDim: [6, 4, 3], source: [2, 2, 1.5], mic: [4.5, 2.5, 1.4], rt60: 0.5, lateTail: true, rng: new Rng(3) })
    writeFileSync(irPath, encodeWav({ sampleRate: SR, channels: [ir.ir.subarray(0, SR / 2)] }))
    const cases: ReadonlyArray<{ name: string; uses: string; params: Record<string, unknown> }> = [
      { name: "room, defaults (6×4×3 m, late tail)", uses: "reverb.room", params: {} },
      { name: "room, rt60 = 0.5 s", uses: "reverb.room", params: { rt60: 0.5 } },
      { name: "algorithmic (Freeverb), defaults", uses: "reverb.algorithmic", params: {} },
      { name: "convolve, 22050-tap IR", uses: "reverb.convolve", params: { ir: irPath } }
    ]
    const sox = hasSox()
    const soxArgs = ["sox", inPath, "-e", "floating-point", "-b", "32", outPath, "reverb", "50", "50", "100"]
    const soxTime: Timing = { wall: Infinity, cpu: Infinity }
    const ours = cases.map(() => ({ alone: { wall: Infinity, cpu: Infinity }, io: { wall: Infinity, cpu: Infinity } }))
    const jobs = cases.map((c) => {
      const def = effectCatalog.get(c.uses)
      if (def === undefined) throw new Error(`${c.uses} is not registered`)
      const params = resolveChain([{ uses: c.uses, ...c.params }], new Rng(0)).items[0]!.params
      def.process(x.subarray(0, 5 * SR), SR, params, new Rng(1)) // warm-up (JIT)
      return {
        alone: () => def.process(x, SR, params, new Rng(1)),
        io: () => encodeWav({ sampleRate: SR, channels: [def.process(decodeWav(wavBytes).channels[0]!, SR, params, new Rng(1))] })
      }
    })
    for (let round = 0; round < ROUNDS; round++) {
      jobs.forEach((j, i) => {
        measure(j.alone, ours[i]!.alone)
        measure(j.io, ours[i]!.io)
      })
      if (sox)
        for (let r = 0; r < RUNS; r++) {
          const t = timeCommand(soxArgs)
          soxTime.wall = Math.min(soxTime.wall, t.wall)
          soxTime.cpu = Math.min(soxTime.cpu, t.cpu)
        }
    }
    console.log(
      `${SECONDS} s mono ${SR} Hz; best of ${ROUNDS} rounds × ${RUNS} runs, rounds alternating audioml and sox; ` +
        (sox ? `sox reverb 50 50 100 (its defaults): ${soxTime.wall.toFixed(0)} ms wall, ${soxTime.cpu.toFixed(0)} ms CPU` : "sox not found: sox columns skipped")
    )
    console.log("| reverb | audioml wall (ms) | audioml CPU (ms) | + WAV decode/encode wall (ms) | sox wall / audioml wall | sox CPU / audioml CPU |")
    console.log("|---|---:|---:|---:|---:|---:|")
    cases.forEach((c, i) => {
      const o = ours[i]!
      const ratio = (a: number, b: number): string => (sox ? `${(b / a).toFixed(2)}x` : "-")
      console.log(
        `| ${c.name} | ${o.alone.wall.toFixed(0)} | ${o.alone.cpu.toFixed(0)} | ${o.io.wall.toFixed(0)} | ${ratio(o.alone.wall, soxTime.wall)} | ${ratio(o.alone.cpu, soxTime.cpu)} |`
      )
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
