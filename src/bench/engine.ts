import { spawnSync } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const repo = fileURLToPath(new URL("../..", import.meta.url))
const cli = join(repo, "dist/cli/main.js")

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

const timed = (args: string[], cwd: string): number => {
  const t = performance.now()
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: "utf8" })
  if (r.status !== 0) throw new Error(`audioml ${args.join(" ")} failed:\n${r.stderr}`)
  return performance.now() - t
}

export const run = async (): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), "audioml-bench-"))
  const config = join(dir, "twenty.toml")
  writeFileSync(config, twentyNodeConfig())
  const cold = timed(["run", config], dir)
  const warm: number[] = []
  for (let i = 0; i < 5; i++) warm.push(timed(["run", config], dir))
  warm.sort((a, b) => a - b)
  const startup = timed(["--version"], dir)
  console.log(`20-node pipeline, cold run:                 ${(cold / 1000).toFixed(2)} s`)
  console.log(`20-node pipeline, no-op cached rerun:       ${(warm[2]! / 1000).toFixed(2)} s (median of 5, whole process)`)
  console.log(`process start-up alone (audioml --version): ${(startup / 1000).toFixed(2)} s`)
}
