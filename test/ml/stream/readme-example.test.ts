import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { describe, expect, it, vi } from "vitest"
import { repoRoot } from "../../helpers/cli.js"

describe("the README's streaming example", () => {
  it("runs as written (with `audioml` pointing at src/index.ts) and processes the fixture", async () => {
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8")
    const block = /<!-- streaming-example -->\s*```ts\n([\s\S]*?)```/.exec(readme)?.[1]
    expect(block, "README block after <!-- streaming-example -->").toBeDefined()
    expect(block).toContain('from "audioml"')
    const dir = join(repoRoot, ".vitest-tmp")
    mkdirSync(dir, { recursive: true })
    const file = join(dir, "readme-streaming-example.ts")
    writeFileSync(file, block!.replace('from "audioml"', `from ${JSON.stringify(join(repoRoot, "src/index.ts"))}`))
    const log = vi.spyOn(console, "log").mockImplementation(() => {})
    const cwd = process.cwd()
    process.chdir(repoRoot)
    let lines: string[]
    try {
      await import(pathToFileURL(file).href)
    } finally {
      lines = log.mock.calls.map((c) => String(c[0]))
      process.chdir(cwd)
      log.mockRestore()
    }
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^lstm-2x3: NAM LSTM 2×3 .*: wasm-simd, 48000 Hz, latency 0, y\[255\] = -?\d\.\d{4}$/)
  })
})
