import { describe, expect, it } from "vitest"
import { loadBackend } from "../../src/ml/backend.js"
import { buildLoss } from "../../src/ml/losses/index.js"
import { buildModel } from "../../src/ml/models/index.js"
import { latentDirection } from "../../src/ml/latent-directions.js"
import { soundAttributes } from "../../src/stages/train/preset-attributes.js"

const { tf } = await loadBackend("cpu")

describe("loss.vae", () => {
  it("is mean reconstruction error + β·KL/K (hand-computed)", () => {
    // K = 2 targets, latent 1: rows [recon(2), mu, logvar]
    const y = [[0.2, 0.8], [0.5, 0.5]]
    const out = [[0.4, 0.6, 1, 0], [0.5, 0.1, 0, Math.log(2)]]
    const mse = ((0.2 ** 2 + 0.2 ** 2) + (0 + 0.4 ** 2)) / 4
    const kl = (-0.5 * (1 + 0 - 1 - 1) + -0.5 * (1 + Math.log(2) - 0 - 2)) / 2
    const loss = buildLoss(tf, { uses: "loss.vae", beta: 0.5 } as never, { sampleRate: 44100, targets: ["a", "b"] })
    expect(tf.tidy(() => loss.fn(tf.tensor2d(y), tf.tensor2d(out)).dataSync()[0]!)).toBeCloseTo(mse + (0.5 / 2) * kl, 5)
    const mae = buildLoss(tf, { uses: "loss.vae", beta: 0, error: "mae" } as never, { sampleRate: 44100, targets: ["a", "b"] })
    expect(tf.tidy(() => mae.fn(tf.tensor2d(y), tf.tensor2d(out)).dataSync()[0]!)).toBeCloseTo((0.2 + 0.2 + 0 + 0.4) / 4, 5)
  })
})

describe("model.vae_recommender", () => {
  it("encodes [B, K] to reconstruction, μ, log σ²; decodes [B, latent]; noise only while training", () => {
    const model = buildModel(tf, { uses: "model.vae_recommender", params: { latent: 2, hidden: [6], targets: ["a", "b", "c", "d"] }, inputSize: 4, seed: 1 })
    expect(model.outputSize).toBe(8)
    const x = tf.tensor2d([[0.1, 0.2, 0.3, 0.4]])
    const [full, again] = [model.apply(x).y.arraySync() as number[][], model.apply(x).y.arraySync() as number[][]]
    expect(full[0]!.length).toBe(8)
    expect(again).toEqual(full)
    // z = μ without training: decoding μ gives the reconstruction
    const mu = tf.tensor2d([full[0]!.slice(4, 6)])
    const decoded = model.apply(mu).y.arraySync() as number[][]
    for (let i = 0; i < 4; i++) expect(decoded[0]![i]).toBeCloseTo(full[0]![i]!, 5)
    const trained = model.apply(x, undefined, true).y.arraySync() as number[][]
    expect(trained[0]!.slice(0, 4)).not.toEqual(full[0]!.slice(0, 4))
    expect(() => buildModel(tf, { uses: "model.vae_recommender", params: { latent: 4, targets: ["a", "b", "c", "d"] }, inputSize: 4, seed: 1 })).toThrow(/latent \(4\) must be smaller/)
    model.dispose()
  })
})

describe("model.vae_recommender's training noise", () => {
  it("depends on the batch and the weights only, not on earlier draws: a rebuilt (resumed) model draws the same ε", () => {
    const spec = { uses: "model.vae_recommender", params: { latent: 2, hidden: [6], targets: ["a", "b", "c", "d"] }, inputSize: 4, seed: 3 }
    const x = tf.tensor2d([[0.1, 0.2, 0.3, 0.4], [0.9, 0.1, 0.5, 0.2]])
    const running = buildModel(tf, spec)
    running.apply(tf.tensor2d([[0.5, 0.5, 0.5, 0.5]]), undefined, true) // an earlier batch of this process
    const afterOthers = running.apply(x, undefined, true).y.arraySync()
    const resumed = buildModel(tf, spec) // same seed, same weights (nothing trained): as after a checkpoint restore
    expect(resumed.apply(x, undefined, true).y.arraySync()).toEqual(afterOthers)
    // other weights (a training step later) give other noise for the same batch
    const [name, kernel] = [...resumed.variables].find(([n]) => n.startsWith("mean/kernel"))!
    expect(name).toBe("mean/kernel")
    kernel.assign(tf.add(kernel, 0.01))
    expect(resumed.apply(x, undefined, true).y.arraySync()).not.toEqual(afterOthers)
    running.dispose()
    resumed.dispose()
  })
})

describe("latent directions and sound attributes", () => {
  it("is the slope of the latent means on the attribute: for isotropic latents, the gradient of a linear attribute", () => {
    // latent points with identity covariance; a = 3·z0 − 4·z1 + 7 → slope ∝ (3, −4), length 5 / std(a) · var = 5·1/5 = 1
    const mus = [[1, 1], [1, -1], [-1, 1], [-1, -1]]
    const d = latentDirection(mus, mus.map(([a, b]) => 3 * a! - 4 * b! + 7))!
    expect(d.vector[0]).toBeCloseTo(0.6, 6)
    expect(d.vector[1]).toBeCloseTo(-0.8, 6)
    expect(d.per_std).toBeCloseTo(1, 6)
    expect(latentDirection(mus, mus.map(() => 1))).toBeUndefined()
  })
  it("brightness is the power-weighted mean mel band; loudness its mean; length the share of frames within 20 dB of the loudest", () => {
    const mel = { data: Float32Array.from([0, 0, -10, -100, 0, 0]), dims: 3, frames: 2 } // bands 0 and 2 loud, band 1 −10 dB in frame 0
    const loudness = { data: Float32Array.from([-10, -15, -35, -50]), dims: 1, frames: 4 }
    const a = soundAttributes({ id: "x", features: { mel, loudness } }, true)
    expect(a["brighter"]).toBeCloseTo((0 * 2 + 1 * (0.1 + 1e-10) + 2 * 2) / (2 + 0.1 + 1e-10 + 2), 6)
    expect(a["louder"]).toBeCloseTo(-27.5, 6)
    expect(a["longer"]).toBe(0.5)
  })
})
