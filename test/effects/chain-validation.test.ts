/**
 * The effect library validates what it is given (issue 15): `resolveChain` called as a library
 * refuses `drive_db = 500` with the message `audioml fx` prints for the same chain file.
 */
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { resolveChain, type ChainItem } from "../../src/effects/chain.js"
import { chainIssues } from "../../src/effects/chain-validation.js"
import { encodeWav } from "../../src/audio/wav.js"
import { ParameterError } from "../../src/errors/audioml-error.js"
import { Rng } from "../../src/params/rng.js"
import { audioml, tempDir } from "../helpers/cli.js"

const thrown = (f: () => unknown): unknown => {
  try {
    f()
  } catch (e) {
    return e
  }
  throw new Error("expected a throw")
}

describe("effect chains are validated inside the library", () => {
  it("resolveChain refuses an out-of-range value with the message audioml fx gives", () => {
    const chain: ChainItem[] = [{ uses: "gain", gain_db: -3 }, { uses: "distortion.tanh", drive_db: 500 }]
    const e = thrown(() => resolveChain(chain, new Rng(1)))
    expect(e).toBeInstanceOf(ParameterError)
    const message = (e as ParameterError).message
    expect(message).toMatch(/^chain\[1\]\.drive_db: must be <= \d+ \(got 500\); allowed: /)

    const dir = tempDir()
    writeFileSync(join(dir, "chain.toml"), `chain = [ { uses = "gain", gain_db = -3 }, { uses = "distortion.tanh", drive_db = 500 } ]\n`)
    writeFileSync(join(dir, "in.wav"), encodeWav({ sampleRate: 16000, channels: [new Float32Array(160)] }))
    const cli = audioml(["fx", "in.wav", "out.wav", "--chain", "chain.toml"], dir)
    expect(cli.status).toBe(2)
    expect(cli.stderr).toContain(`chain.toml: ${message}`)
  })

  it("lists every problem at once, unknown effects with a did-you-mean, and leaves the input untouched", () => {
    const chain = [{ uses: "distortion.tnah" }, { uses: "eq.peaking", freq: -5, q: "wide" }, 7] as unknown as ChainItem[]
    const before = structuredClone(chain)
    const e = thrown(() => resolveChain(chain, new Rng(1))) as ParameterError
    expect(e.message.split("\n")[0]).toBe("invalid effect chain:")
    expect(e.message).toContain('chain[0].uses: unknown')
    expect(e.message).toContain('did you mean "distortion.tanh"')
    expect(e.message).toContain("chain[1].freq")
    expect(e.message).toContain("chain[1].q")
    expect(e.message).toContain("chain[2]: must be a table")
    expect(chain).toEqual(before)
  })

  it("accepts distributions within range and fills nothing into the caller's items", () => {
    const chain: ChainItem[] = [{ uses: "distortion.tanh", drive_db: { uniform: [0, 12] } }]
    expect(chainIssues(chain)).toEqual([])
    const resolved = resolveChain(chain, new Rng(3))
    expect(typeof resolved.items[0]!.params["drive_db"]).toBe("number")
    expect(chain[0]).toEqual({ uses: "distortion.tanh", drive_db: { uniform: [0, 12] } })
  })
})
