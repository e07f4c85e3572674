/**
 * `npm run bench -- synth-render`: rendering synth preset notes (4 s at 44.1 kHz, note-off at 3 s,
 * MIDI 60), as `source.synth` does for every training clip:
 * - our renderer (src/synth) in this thread: CPU and wall ms per note;
 * - the real amsynth DSSI plugin through koffi in this thread (when found; a fresh instance
 *   per note, as the stage renders it): the peer, same presets, same notes;
 * - our renderer across the stage's worker pool (one thread per core): wall ms per note.
 * Presets: the first 240 factory presets (AUDIOML_AMSYNTH_DIR or the system's banks), else 240
 * uniform draws. Alternating rounds, min and median; the load average is printed.
 */
import { availableParallelism, loadavg } from "node:os"
import { join } from "node:path"
import { readdirSync } from "node:fs"
import { Rng } from "../params/rng.js"
import { renderNote, type NoteOptions } from "../synth/render.js"
import { findAmsynthBankDir, findAmsynthPlugin } from "../synth/amsynth-install.js"
import { readPresetFile, samplePresets } from "../synth/preset-source.js"
import type { PresetValues } from "../synth/params.js"
import { mapInOrder } from "../stages/worker-pool.js"
import renderTask from "../stages/source-synth/render-worker.js"

const PRESETS = 240
const ROUNDS = 3
const note: NoteOptions = { sampleRate: 44100, seconds: 4, noteSeconds: 3, note: 60, velocity: 100, seed: 1 }

const presetValues = (): { values: PresetValues[]; from: string } => {
  const dir = findAmsynthBankDir()
  if (dir !== undefined) {
    const files = readdirSync(dir).filter((f) => f.endsWith(".bank")).sort()
    const values = files.flatMap((f) => readPresetFile(join(dir, f)).map((p) => p.values)).slice(0, PRESETS)
    return { values, from: `the first ${values.length} factory presets (${dir})` }
  }
  const rng = new Rng(1)
  return { values: samplePresets({ sample: "uniform", count: PRESETS }, () => rng.next()).map((p) => p.values), from: `${PRESETS} uniform draws (no factory banks found)` }
}

/** CPU (user + sys) and wall ms of `f`. */
const measure = async (f: () => unknown): Promise<{ cpu: number; wall: number }> => {
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  await f()
  const c = process.cpuUsage(c0)
  return { cpu: (c.user + c.system) / 1000, wall: performance.now() - t0 }
}

const stats = (xs: number[]): { min: number; median: number } => {
  const s = [...xs].sort((a, b) => a - b)
  return { min: s[0]!, median: s[Math.floor(s.length / 2)]! }
}

export const run = async (): Promise<void> => {
  const { values, from } = presetValues()
  const plugin = findAmsynthPlugin()
  const { renderNoteWithAmsynth } = plugin === undefined ? { renderNoteWithAmsynth: undefined } : await import("../synth/dssi-host.js")
  const tasks = values.map((v) => ({ values: v, options: note }))
  console.log(`${from}; 4 s notes at 44.1 kHz; ms per note, min / median of ${ROUNDS} alternating rounds; ${availableParallelism()} cores; load ${loadavg().map((l) => l.toFixed(1)).join(" ")}`)
  // warm-up: JIT, the plugin's dlopen, the pool's worker start
  renderNote(values[0]!, note)
  renderNoteWithAmsynth?.(values[0]!, { ...note, plugin })
  const rows: Record<string, { cpu: number[]; wall: number[] }> = { ours: { cpu: [], wall: [] }, amsynth: { cpu: [], wall: [] }, pool: { cpu: [], wall: [] } }
  for (let round = 0; round < ROUNDS; round++) {
    const ours = await measure(() => values.map((v) => renderNote(v, note)))
    rows["ours"]!.cpu.push(ours.cpu / values.length)
    rows["ours"]!.wall.push(ours.wall / values.length)
    if (renderNoteWithAmsynth !== undefined) {
      const peer = await measure(() => values.map((v) => renderNoteWithAmsynth(v, { ...note, plugin })))
      rows["amsynth"]!.cpu.push(peer.cpu / values.length)
      rows["amsynth"]!.wall.push(peer.wall / values.length)
    }
    // the pool's start-up counts: the stage pays it once per run
    const pooled = await measure(() => mapInOrder(new URL("../stages/source-synth/render-worker.js", import.meta.url), tasks, renderTask))
    rows["pool"]!.wall.push(pooled.wall / values.length)
  }
  const line = (label: string, r: { cpu: number[]; wall: number[] }): void => {
    const w = stats(r.wall)
    const c = r.cpu.length > 0 ? stats(r.cpu) : undefined
    console.log(`${label.padEnd(58)} wall ${w.min.toFixed(1).padStart(6)} / ${w.median.toFixed(1).padStart(6)}${c === undefined ? "" : `   CPU ${c.min.toFixed(1).padStart(6)} / ${c.median.toFixed(1).padStart(6)}`}`)
  }
  line("ours (src/synth), this thread", rows["ours"]!)
  if (renderNoteWithAmsynth !== undefined) line("amsynth DSSI plugin (koffi), this thread", rows["amsynth"]!)
  else console.log("amsynth DSSI plugin: not found (apt-get download amsynth && dpkg -x …; AUDIOML_AMSYNTH_DIR)")
  line(`ours, source.synth's pool (${availableParallelism()} threads, start-up included)`, rows["pool"]!)
  const median = (k: string, m: "cpu" | "wall") => stats(rows[k]![m]).median
  if (renderNoteWithAmsynth !== undefined) console.log(`ratio amsynth / ours, CPU median: ${(median("amsynth", "cpu") / median("ours", "cpu")).toFixed(2)}`)
  console.log(`speed-up of the pool over this thread, wall median: ${(median("ours", "wall") / median("pool", "wall")).toFixed(2)}`)
  console.log(`load at the end: ${loadavg().map((l) => l.toFixed(1)).join(" ")}`)
}
