import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { audiomlAsync, repoRoot } from "../../helpers/cli.js"

/** The engine test stages (a plugin), by absolute path, for configs written into temp folders. */
export const testStages = join(repoRoot, "test/fixtures/engine/test-stages.mjs")

/** Write a config using the engine test stages into `dir`; returns its path. */
export const writeConfig = (dir: string, name: string, stages: string): string => {
  const path = join(dir, `${name}.toml`)
  writeFileSync(path, `name = "${name}"\nseed = 5\nplugins = [${JSON.stringify(testStages)}]\n${stages}`)
  return path
}

/** src → slow → after, with the slow stage instant (the tests hold it with barriers, not time). */
export const chainStages = `[stages.src]\nuses = "test.source"\n[stages.slow]\nuses = "test.slow"\nfrom = "src"\nms = 0\n[stages.after]\nuses = "test.add"\nfrom = "slow"\namount = 1\n`

/** Resolve once `text` appears in the process's stderr (an event the process reports), or fail if it exits first. */
export const untilStderr = async (run: ReturnType<typeof audiomlAsync>, text: string): Promise<void> => {
  let exited = false
  void run.done.then(() => (exited = true))
  while (!run.output().stderr.includes(text)) {
    if (exited) throw new Error(`process exited before printing "${text}":\n${run.output().stderr}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** The manifest of a run folder. */
export const manifestOf = (runDir: string): { nodes: Array<{ id: string; key: string; cached: boolean; reason: string; artifact: string; resumed_from?: string; file_count: number }> } =>
  JSON.parse(readFileSync(join(runDir, "manifest.json"), "utf8"))

/** Every file under `dir`, relative, sorted. */
export const filesUnder = (dir: string, prefix = ""): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`])).sort()
    : []
