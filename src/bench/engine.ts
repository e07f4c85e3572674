import { mkdtempSync, writeFileSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { childCpuSeconds } from "./child-cpu.js"

const repo = fileURLToPath(new URL("../..", import.meta.url))
// the executable users run (the bundle through the code cache), not the unbundled main.js
const cli = join(repo, "dist/cli/bin.js")

/** A 20-node pipeline of the engine's test stages: 5 sources, each through 3 stages. */
const twentyNodeConfig = (): string => {
  const lines = [`name = "bench-engine"`, `plugins = [${JSON.stringify(join(repo, "test/fixtures/engine/test-stages.mjs"))}]`]
  for (let i = 0; i < 5; i++) {
    lines.push(`[stages.src${i}]`, `uses = "test.source"`, `count = 1000`)
    lines.push(`[stages.add${i}]`, `uses = "test.add"`, `from = "src${i}"`, `amount = ${i}`)
    lines.push(`[stages.clamp${i}]`, `uses = "test.clamp"`, `from = "add${i}"`, `max = 500`)
    lines.push(`[stages.slow${i}]`, `uses = "test.slow"`, `from = "clamp${i}"`, `ms = 50`)
  }
  return lines.join("\n") + "\n"
}

const trusted = { ...process.env, AUDIOML_ALLOW_PLUGINS: "1" } // the plugin is our own test fixture

/** Wall and CPU seconds of one whole `audioml` process (run once; bash's `times` gives the CPU). */
const timed = (args: string[], cwd: string): { wall: number; cpu: number } => {
  const t = performance.now()
  const cpu = childCpuSeconds([process.execPath, cli, ...args], { env: trusted, cwd })
  return { wall: (performance.now() - t) / 1000, cpu }
}

/**
 * `npm run bench -- engine`: a 20-node pipeline of the engine's test stages (a plugin, so
 * the plugin's own `effect` import is loaded too) through the CLI: the cold run, 5 no-op
 * cached reruns and `--version`, each as whole processes, wall and CPU seconds.
 */
export const run = async (): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), "audioml-bench-"))
  const config = join(dir, "twenty.toml")
  writeFileSync(config, twentyNodeConfig())
  const cold = timed(["run", config], dir)
  const warm = Array.from({ length: 5 }, () => timed(["run", config], dir))
  const startup = Array.from({ length: 5 }, () => timed(["--version"], dir))
  const median = (xs: ReadonlyArray<number>): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const line = (xs: ReadonlyArray<{ wall: number; cpu: number }>) =>
    `${median(xs.map((x) => x.wall)).toFixed(2)} s wall, ${median(xs.map((x) => x.cpu)).toFixed(2)} s CPU`
  console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`)
  console.log(`20-node pipeline, cold run:                 ${line([cold])}`)
  console.log(`20-node pipeline, no-op cached rerun:       ${line(warm)} (median of 5, whole process)`)
  console.log(`process start-up alone (audioml --version): ${line(startup)} (median of 5)`)
}
