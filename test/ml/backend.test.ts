import { describe, expect, it } from "vitest"
import { loadBackend } from "../../src/ml/backend.js"
import { BackendError } from "../../src/errors/audioml-error.js"

describe("backend ladder", () => {
  it("a forced cpu backend loads and is reported by name", async () => {
    const b = await loadBackend("cpu")
    expect(b.name).toBe("cpu")
    expect(b.tf.getBackend()).toBe("cpu")
  })
  it("AUDIOML_BACKEND forces a backend when no name is given", async () => {
    process.env["AUDIOML_BACKEND"] = "cpu"
    try {
      expect((await loadBackend()).name).toBe("cpu")
    } finally {
      delete process.env["AUDIOML_BACKEND"]
    }
  })
  it("wasm loads its binary from node_modules", async () => {
    const b = await loadBackend("wasm")
    expect(b.name).toBe("wasm")
    expect(b.tf.getBackend()).toBe("wasm")
    expect(b.tf.tidy(() => b.tf.add(b.tf.scalar(2), b.tf.scalar(3)).dataSync()[0])).toBe(5)
  })
  it("a forced backend that cannot load is a BackendError naming it and why", async () => {
    // tfjs-node-gpu is an optional dependency that this install does not have.
    const err = await loadBackend("node-gpu").then(
      () => undefined,
      (e: unknown) => e
    )
    if (err === undefined) return // a machine with libtensorflow + CUDA: nothing to check
    expect(err).toBeInstanceOf(BackendError)
    expect((err as BackendError).backend).toBe("node-gpu")
    expect((err as Error).message).toMatch(/backend "node-gpu" was forced .* cannot be loaded: .+/)
  })
  it("an unknown backend name is a BackendError listing the choices", async () => {
    await expect(loadBackend("tpu")).rejects.toThrow(/unknown backend "tpu": expected one of node-gpu, node, wasm, cpu/)
  })
  it("without a forced backend the ladder picks the first that loads", async () => {
    const b = await loadBackend()
    expect(["node-gpu", "node", "wasm", "cpu"]).toContain(b.name)
    expect(b.tf.getBackend()).toBe(b.name === "node" || b.name === "node-gpu" ? "tensorflow" : b.name)
  })
})
