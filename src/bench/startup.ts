import { mkdtempSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { childCpuSeconds as cpuSeconds } from "./child-cpu.js"

/**
 * `npm run bench -- startup`: the CPU time (user + sys, seconds) of short audioml commands
 * against `node -e 0` on the same machine, alternating, 5 rounds, min and median. CPU time,
 * not wall time, since these machines are shared and wall time follows the load.
 *
 * The cached rerun uses configs/training.toml with the store given by AUDIOML_BENCH_STORE
 * (a store where that config already ran, e.g. runs/.store after `audioml run
 * configs/training.toml`); without it, a tiny variant (--set: 8 short clips, one epoch)
 * is run once to fill a temporary store, and its cached rerun is measured. Each command runs
 * once unrecorded before the rounds (steady state: code cache written, node links made).
 */

const repo = fileURLToPath(new URL("../..", import.meta.url))
const bin = join(repo, "dist/cli/bin.js")

const tinyTraining = [
  "--set", "stages.dry.clips=8", "--set", "stages.dry.seconds=0.5",
  "--set", "stages.dataset.train=0.4", "--set", "stages.dataset.val=0.3", "--set", "stages.dataset.test=0.3",
  "--set", "stages.fx_model.epochs=1", "--set", "stages.drive_model.epochs=2"
]

export const run = async (): Promise<void> => {
  const config = join(repo, "configs/training.toml")
  const given = process.env["AUDIOML_BENCH_STORE"]
  const work = mkdtempSync(join(tmpdir(), "audioml-bench-startup-"))
  const store = given ?? join(work, "store")
  const extra = given === undefined ? tinyTraining : []
  const rerun = [process.execPath, bin, "run", config, "--store", store, "--runs", join(work, "runs"), ...extra]
  if (given === undefined) cpuSeconds(rerun) // fill the store once
  const cases: Array<{ name: string; command: string[] }> = [
    { name: "node -e 0", command: [process.execPath, "-e", "0"] },
    { name: "audioml --version", command: [process.execPath, bin, "--version"] },
    { name: "audioml validate configs/training.toml", command: [process.execPath, bin, "validate", config, "--store", store] },
    { name: `cached no-op rerun of training.toml${given === undefined ? " (tiny variant)" : ""}`, command: rerun }
  ]
  const samples = cases.map(() => [] as number[])
  // one unrecorded run each first: it writes the command's code cache (src/cli/code-cache.ts)
  // and, for the rerun, the runs folder's node links, which every later run reuses
  for (const c of cases) cpuSeconds(c.command)
  for (let round = 0; round < 5; round++) cases.forEach((c, i) => samples[i]!.push(cpuSeconds(c.command)))
  console.log(`CPU seconds (user + sys) per process, 5 alternating rounds; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`)
  cases.forEach((c, i) => {
    const s = [...samples[i]!].sort((a, b) => a - b)
    console.log(`${c.name.padEnd(56)} min ${s[0]!.toFixed(2)}  median ${s[2]!.toFixed(2)}`)
  })
}
