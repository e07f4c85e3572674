#!/usr/bin/env node
/**
 * Print every node key of every shipped config, to check that a refactor changes keys
 * only where a stage `version` bump says so.
 *
 *   node scripts/node-keys.mjs <dist folder> [config.toml ...] > keys.json
 *
 * For each pipeline (and sweep variation) and node it prints
 *   - `plan`: the key `audioml plan --json` reports with an empty store (known for nodes
 *     whose inputs are all cached, so the sources), and
 *   - `structural`: the same key material (uses, version, params with defaults, seed) with
 *     each input artifact hash replaced by the upstream node's structural key, so that a
 *     change anywhere upstream shows in every node below it, without running anything.
 * Compare two outputs (e.g. a build of main and of a branch) with `diff`.
 */
import { execFileSync } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import * as Effect from "effect/Effect"

const [distArg, ...configArgs] = process.argv.slice(2)
if (distArg === undefined) {
  process.stderr.write("usage: node scripts/node-keys.mjs <dist folder> [config.toml ...]\n")
  process.exit(2)
}
const dist = resolve(distArg)
const load = (rel) => import(pathToFileURL(join(dist, rel)).href)
const firstExisting = (...rels) => rels.find((r) => existsSync(join(dist, r)))

const { loadPipelines } = await load("config/load-pipelines.js")
const { StageRegistry } = await load("engine/registry.js")
const { builtinStages } = await load("stages/registry.js")
const { nodeKey } = await load("engine/cache-key.js")
const { deriveSeed } = await load(firstExisting("params/rng.js", "dsp/rng.js"))

const configs =
  configArgs.length > 0 ? configArgs : readdirSync("configs").filter((f) => f.endsWith(".toml")).sort().map((f) => join("configs", f))

const store = mkdtempSync(join(tmpdir(), "node-keys-"))
const out = {}
try {
  for (const config of configs) {
    const { pipelines } = await Effect.runPromise(loadPipelines(config, { set: [], registry: new StageRegistry(builtinStages) }))
    const planned = JSON.parse(
      execFileSync(process.execPath, [join(dist, "cli/main.js"), "plan", config, "--json", "--store", store, "--runs", join(store, "runs")], {
        encoding: "utf8"
      })
    )
    const perConfig = {}
    pipelines.forEach((spec, p) => {
      const planKeys = new Map(planned[p].nodes.map((n) => [n.id, n.key ?? null]))
      const structural = new Map()
      const nodes = {}
      for (const node of spec.nodes) {
        const stage = builtinStages.find((s) => s.uses === node.uses)
        const key = nodeKey({
          uses: node.uses,
          version: stage.version,
          params: node.params,
          inputs: Object.fromEntries(Object.entries(node.inputs).map(([port, id]) => [port, structural.get(id)])),
          seed: deriveSeed(spec.seed, node.id)
        })
        structural.set(node.id, key)
        nodes[node.id] = { uses: node.uses, version: stage.version, plan: planKeys.get(node.id) ?? null, structural: key }
      }
      perConfig[spec.variation ? `${spec.name}[${spec.variation.index}]` : spec.name] = nodes
    })
    out[config] = perConfig
  }
} finally {
  rmSync(store, { recursive: true, force: true })
}
process.stdout.write(JSON.stringify(out, null, 2) + "\n")
