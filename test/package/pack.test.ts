/**
 * audioml as a library, installed the way a user installs it (issue 15): `npm pack` the
 * package, install the tarball into an empty project, and there
 * - import the root and every subpath, with types;
 * - type-check and run every README code block that imports `audioml`;
 * - see that deep `dist/` paths are not part of the API and that a type error is caught.
 * npm installs the dependencies from its cache (`npm ci` filled it), so this needs no network
 * when the suite runs after `npm ci`.
 */
import { spawnSync } from "node:child_process"
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import { repoRoot, tempDir } from "../helpers/cli.js"

const run = (cmd: string, args: ReadonlyArray<string>, cwd: string) => {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false" } })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, all: `${r.stdout}\n${r.stderr}` }
}
const tsc = join(repoRoot, "node_modules/typescript/bin/tsc")

/** Every fenced ts/js block of the README that imports from "audioml", with its language. */
const readmeBlocks = (): Array<{ lang: "ts" | "js"; code: string; line: number }> => {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8")
  return [...readme.matchAll(/^```(ts|typescript|js|javascript)\n([\s\S]*?)^```/gm)]
    .filter((m) => /from "audioml(\/[a-z]+)?"/.test(m[2]!))
    .map((m) => ({ lang: m[1]!.startsWith("t") ? ("ts" as const) : ("js" as const), code: m[2]!, line: readme.slice(0, m.index).split("\n").length }))
}

let project: string

beforeAll(() => {
  const packDir = tempDir("audioml-pack-")
  // --ignore-scripts: dist/ and wasm/ are built already (npm test builds first); prepare would rebuild
  const pack = run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", packDir], repoRoot)
  expect(pack.status, pack.all).toBe(0)
  const tarball = join(packDir, readdirSync(packDir).find((f) => f.endsWith(".tgz"))!)
  project = tempDir("audioml-consumer-")
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module", dependencies: { audioml: `file:${tarball}` } }, null, 2))
  const install = run("npm", ["install", "--prefer-offline", "--ignore-scripts", "--omit=optional", "--no-audit", "--no-fund", "--loglevel=error"], project)
  expect(install.status, install.all).toBe(0)
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        noUncheckedIndexedAccess: true,
        skipLibCheck: true,
        outDir: "out",
        typeRoots: [join(repoRoot, "node_modules/@types")],
        types: ["node"]
      },
      include: ["src/**/*.ts"]
    })
  )
}, 300_000)

describe("the packed package, installed from its tarball", () => {
  it("imports the root and every subpath: node --input-type=module -e 'import { effects, features } from \"audioml\"'", () => {
    const script = `
      import { effects, features, dsp, engine, ParameterError } from "audioml"
      import { processChain } from "audioml/effects"
      import { extractFeatures } from "audioml/features"
      import { dbToGain } from "audioml/dsp"
      import { syncStage } from "audioml/engine"
      const s = { sampleRate: 16000, channels: [Float32Array.from({ length: 16000 }, (_, i) => Math.sin(i / 10))] }
      const wet = effects.processChain(s, [{ uses: "gain", gain_db: -6 }]).signal
      const f = features.extractFeatures(wet, { mel: { n_mels: 32 } }).features.mel
      console.log(JSON.stringify({
        same: effects.processChain === processChain && features.extractFeatures === extractFeatures && dsp.dbToGain === dbToGain && engine.syncStage === syncStage,
        peak: Math.max(...wet.channels[0]), mel: [f.dims, f.frames], effects: effects.listEffects().length,
        refused: (() => { try { processChain(s, [{ uses: "gain", gain_db: 1000 }]) } catch (e) { return e instanceof ParameterError && e.message } })()
      }))`
    const r = run(process.execPath, ["--input-type=module", "-e", script], project)
    expect(r.status, r.all).toBe(0)
    const out = JSON.parse(r.stdout) as { same: boolean; peak: number; mel: number[]; effects: number; refused: string }
    expect(out.same).toBe(true)
    expect(out.peak).toBeCloseTo(0.5012, 3)
    expect(out.mel[0]).toBe(32)
    expect(out.effects).toBeGreaterThan(20)
    expect(out.refused).toMatch(/^chain\[0\]\.gain_db: must be <= /)
  })

  it("keeps internals out of reach: a deep dist/ import is not exported", () => {
    const r = run(process.execPath, ["--input-type=module", "-e", 'import "audioml/dist/effects/chain.js"'], project)
    expect(r.status).not.toBe(0)
    expect(r.stderr).toContain("ERR_PACKAGE_PATH_NOT_EXPORTED")
  })

  it("type-checks and runs every README code block that imports audioml", () => {
    const blocks = readmeBlocks()
    expect(blocks.length).toBeGreaterThanOrEqual(3)
    mkdirSync(join(project, "src"), { recursive: true })
    const names = blocks.map((b, i) => {
      const name = `readme-${i}-line-${b.line}`
      if (b.lang === "ts") writeFileSync(join(project, "src", `${name}.ts`), `${b.code}\nexport {}\n`)
      else writeFileSync(join(project, `${name}.mjs`), b.code)
      return { name, lang: b.lang, line: b.line }
    })
    const check = run(process.execPath, [tsc, "-p", "tsconfig.json"], project)
    expect(check.status, check.all).toBe(0)
    for (const b of names) {
      // run from the repository, where the examples' fixture paths (test/fixtures/...) resolve
      const file = b.lang === "ts" ? join(project, "out", `${b.name}.js`) : join(project, `${b.name}.mjs`)
      const r = run(process.execPath, [file], repoRoot)
      expect(r.status, `README block at line ${b.line}:\n${r.all}`).toBe(0)
      expect(r.stderr, `README block at line ${b.line}`).toBe("")
    }
  })

  it("ships real types: a wrong argument is a compile error", () => {
    const dir = join(project, "src")
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, "wrong.ts"), `import { processChain } from "audioml/effects"\nprocessChain({ sampleRate: 44100, channels: [] }, "eq.peaking")\n`)
    const r = run(process.execPath, [tsc, "-p", "tsconfig.json", "--noEmit"], project)
    expect(r.status).not.toBe(0)
    expect(r.stdout).toMatch(/wrong\.ts\(2,\d+\): error TS2345/)
  })
})
