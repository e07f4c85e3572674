import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { loadBackend } from "../../src/ml/backend.js"
import { buildLoss } from "../../src/ml/losses/index.js"

const { tf } = await loadBackend("cpu")
const ctx = { sampleRate: 44100 }

/** Evaluate a loss config on plain arrays. */
const value = (config: unknown, y: number[][], yhat: number[][], c: object = ctx): number => {
  const loss = buildLoss(tf, config as never, c as never)
  const v = tf.tidy(() => loss.fn(tf.tensor2d(y), tf.tensor2d(yhat)).dataSync()[0]!)
  loss.dispose()
  return v
}

describe("losses against hand-computed values", () => {
  const y = [[1, 2, 3]]
  const yhat = [[1, 1, 1]]
  it("loss.esr without pre-emphasis: Σ(y−ŷ)²/(Σy² + 3·1e-5) = 5/14.00003", () => {
    expect(value({ uses: "loss.esr", pre_emphasis: "none" }, y, yhat)).toBeCloseTo(5 / (14 + 3e-5), 6)
  })
  it("loss.esr with 1 − 0.5·z⁻¹: 3.25/(7.25 + 3·1e-5)", () => {
    // y' = [1, 1.5, 2], ŷ' = [1, 0.5, 0.5]
    expect(value({ uses: "loss.esr", pre_emphasis: 0.5 }, y, yhat)).toBeCloseTo(3.25 / (7.25 + 3e-5), 6)
  })
  it('loss.esr reduction = "mean" averages the per-item ratio over the batch', () => {
    expect(value({ uses: "loss.esr", pre_emphasis: "none", reduction: "mean" }, [[1, 2, 3], [1, 1, 1]], [[1, 1, 1], [0, 0, 0]])).toBeCloseTo((5 / 14 + 1) / 2, 6)
  })
  it("loss.esr pools by default: Σ(y−ŷ)² / (Σy² + N·1e-5) over the whole batch = (5 + 3) / (14 + 3 + 6e-5)", () => {
    expect(value({ uses: "loss.esr", pre_emphasis: "none" }, [[1, 2, 3], [1, 1, 1]], [[1, 1, 1], [0, 0, 0]])).toBeCloseTo(8 / (17 + 6e-5), 6)
  })
  it("pooled loss.esr: a silent item adds its error but no ratio of near-zeros; a silent batch is a scaled squared error", () => {
    // item 2 is silent: the mean of ratios would be (5/14 + 0.01/1e-8)/2 ≈ 5e5, the pooled ratio is (5 + 0.01)/(14 + 6e-5)
    expect(value({ uses: "loss.esr", pre_emphasis: "none" }, [[1, 2, 3], [0, 0, 0]], [[1, 1, 1], [0.1, 0, 0]])).toBeCloseTo(5.01 / (14 + 6e-5), 6)
    // all silent: Σ(y−ŷ)² / (N·1e-5) with N = 4 (Wright et al.'s ε on the mean square)
    expect(value({ uses: "loss.esr", pre_emphasis: "none" }, [[0, 0], [0, 0]], [[1e-3, 0], [0, 0]])).toBeCloseTo(1e-6 / 4e-5, 5)
  })
  it("pooled loss.esr's sums: two batches pool into the ratio of the whole", () => {
    const loss = buildLoss(tf, { uses: "loss.esr", pre_emphasis: 0.5 }, ctx)
    const y = [[1, 2, 3], [1, 1, 1], [0.5, -1, 2]]
    const yhat = [[1, 1, 1], [0, 0, 0], [0.4, -0.5, 1]]
    const whole = tf.tidy(() => loss.fn(tf.tensor2d(y), tf.tensor2d(yhat)).dataSync()[0]!)
    const part = (rows: number[]) =>
      tf.tidy(() => {
        const s = loss.pooled!.sums(tf.tensor2d(rows.map((r) => y[r]!)), tf.tensor2d(rows.map((r) => yhat[r]!)))
        return [s.numerator.dataSync()[0]!, s.denominator.dataSync()[0]!]
      })
    const [n1, d1] = part([0, 1])
    const [n2, d2] = part([2])
    expect((n1! + n2!) / (d1! + d2! + 9 * 1e-5)).toBeCloseTo(whole, 6)
    expect(loss.pooled!.epsilon).toBe(1e-5)
    expect(buildLoss(tf, { uses: "loss.esr", reduction: "mean" }, ctx).pooled).toBeUndefined()
    loss.dispose()
  })
  it('loss.esr reduction = "segment": a window\'s error over its item\'s whole-segment energy; the windows of a segment add up to the per-item ESR', () => {
    // item 1: y = [1, 2, 3, 0], mean y² = 14/4; item 2: y = [0, 0, 2, 2] (silent first window), mean y² = 2
    const y = [[1, 2, 3, 0], [0, 0, 2, 2]]
    const yhat = [[1, 1, 1, 0.5], [0.5, 0, 2, 1]]
    const loss = buildLoss(tf, { uses: "loss.esr", pre_emphasis: "none", reduction: "segment" }, ctx)
    expect(loss.segmentNormalised).toBe(true)
    const window = (from: number) =>
      tf.tidy(() =>
        loss
          .fn(tf.tensor2d(y.map((r) => r.slice(from, from + 2))), tf.tensor2d(yhat.map((r) => r.slice(from, from + 2))), tf.tensor2d(y))
          .dataSync()[0]!
      )
    // first window: item 1 error mean (0 + 1)/2 over 3.5 + 1e-5; item 2 (silent target) (0.25 + 0)/2 over 2 + 1e-5
    expect(window(0)).toBeCloseTo((0.5 / (3.5 + 1e-5) + 0.125 / (2 + 1e-5)) / 2, 6)
    // the windows average to the mean over items of Σ(y − ŷ)² / (Σy² + 4·1e-5): (5.25 / 14.00004 + 1.25 / 8.00004) / 2
    expect((window(0) + window(2)) / 2).toBeCloseTo((5.25 / (14 + 4e-5) + 1.25 / (8 + 4e-5)) / 2, 6)
    // without a segment target the window is the segment
    expect(value({ uses: "loss.esr", pre_emphasis: "none", reduction: "segment" }, y, yhat)).toBeCloseTo((5.25 / (14 + 4e-5) + 1.25 / (8 + 4e-5)) / 2, 6)
    expect(loss.pooled).toBeUndefined()
    loss.dispose()
  })
  it("a weighted sum reads the segment target when one of its terms does", () => {
    const sum = buildLoss(tf, [{ uses: "loss.esr", reduction: "segment" }, { uses: "loss.dc", weight: 0.1 }] as never, ctx)
    expect(sum.segmentNormalised).toBe(true)
    expect(buildLoss(tf, [{ uses: "loss.esr" }, { uses: "loss.dc" }] as never, ctx).segmentNormalised).toBe(false)
    sum.dispose()
  })
  it("loss.l1, loss.mse, loss.dc", () => {
    expect(value({ uses: "loss.l1" }, y, yhat)).toBeCloseTo(1, 6)
    expect(value({ uses: "loss.mse" }, y, yhat)).toBeCloseTo(5 / 3, 6)
    // mean error 1, mean y² 14/3
    expect(value({ uses: "loss.dc" }, y, yhat)).toBeCloseTo(3 / 14, 6)
  })
  it("a weighted sum of terms", () => {
    const v = value([{ uses: "loss.l1", weight: 2 }, { uses: "loss.mse", weight: 0.5 }], y, yhat)
    expect(v).toBeCloseTo(2 + 5 / 6, 5)
  })
  it("loss.param weights each parameter's MAE", () => {
    const v = value({ uses: "loss.param", weights: { a: 3 } }, [[0, 1], [1, 0]], [[0.5, 1], [1, 0.9]], { ...ctx, targets: ["a", "b"] })
    // MAE_a = 0.25, MAE_b = 0.45 → (3·0.25 + 0.45) / 4
    expect(v).toBeCloseTo(0.3, 6)
  })
  it("loss.param rejects a weight for an unknown label", () => {
    expect(() => buildLoss(tf, { uses: "loss.param", weights: { c: 1 } }, { ...ctx, targets: ["a"] })).toThrow(/weights\.c/)
  })
  it("loss.triplet", () => {
    const loss = buildLoss(tf, { uses: "loss.triplet", margin: 1 }, ctx)
    const emb = tf.tensor3d([
      [[0, 0], [1, 0], [2, 0]], // dp 1, dn 4 → 0
      [[0, 0], [0, 2], [1, 0]] // dp 4, dn 1 → 4
    ])
    expect(loss.fn(emb, emb).dataSync()[0]).toBeCloseTo(2, 6)
  })
})

describe("losses against the numpy fixture (test/fixtures/ml/make_fixtures.py)", () => {
  const ref = JSON.parse(readFileSync(new URL("../fixtures/ml/losses.json", import.meta.url), "utf8"))
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b)
  it("loss.esr, mean over items: none, 0.85 and A-weighting", () => {
    expect(rel(value({ uses: "loss.esr", pre_emphasis: "none", reduction: "mean" }, ref.y, ref.yhat), ref.esr_none)).toBeLessThan(1e-4)
    expect(rel(value({ uses: "loss.esr", pre_emphasis: 0.85, reduction: "mean" }, ref.y, ref.yhat), ref.esr_pre085)).toBeLessThan(1e-4)
    expect(rel(value({ uses: "loss.esr", pre_emphasis: "a_weighting", reduction: "mean" }, ref.y, ref.yhat), ref.esr_aweighting)).toBeLessThan(1e-4)
  })
  it("loss.esr, pooled (the default): none, 0.85 and A-weighting", () => {
    expect(rel(value({ uses: "loss.esr", pre_emphasis: "none" }, ref.y, ref.yhat), ref.esr_pooled_none)).toBeLessThan(1e-4)
    expect(rel(value({ uses: "loss.esr", pre_emphasis: 0.85 }, ref.y, ref.yhat), ref.esr_pooled_pre085)).toBeLessThan(1e-4)
    expect(rel(value({ uses: "loss.esr", pre_emphasis: "a_weighting" }, ref.y, ref.yhat), ref.esr_pooled_aweighting)).toBeLessThan(1e-4)
  })
  it("loss.mrstft", () => {
    const { fft_sizes, hop_sizes, win_lengths } = ref.mrstft
    expect(rel(value({ uses: "loss.mrstft", fft_sizes, hop_sizes, win_lengths }, ref.y, ref.yhat), ref.mrstft.value)).toBeLessThan(1e-4)
  })
  it("loss.mel_stft", () => {
    const { fft_size, hop_size, win_length, n_mels } = ref.mel_stft
    expect(rel(value({ uses: "loss.mel_stft", fft_size, hop_size, win_length, n_mels }, ref.y, ref.yhat), ref.mel_stft.value)).toBeLessThan(1e-4)
  })
  it("STFT losses have finite gradients (the DFT is a matmul)", () => {
    const loss = buildLoss(tf, { uses: "loss.mrstft", fft_sizes: [64, 128], hop_sizes: [16, 32], win_lengths: [64, 100] }, ctx)
    const y = tf.tensor2d(ref.y).slice([0, 0], [2, 256])
    const g = tf.grad((p: any) => loss.fn(y, p))(tf.tensor2d(ref.yhat).slice([0, 0], [2, 256]))
    const values = g.dataSync()
    expect(values.every(Number.isFinite)).toBe(true)
    expect(values.some((v) => v !== 0)).toBe(true)
  })
  it("an unsupported sample rate for A-weighting is a clear error", () => {
    expect(() => buildLoss(tf, { uses: "loss.esr", pre_emphasis: "a_weighting" }, { sampleRate: 12345 })).toThrow(/12345 Hz/)
  })
})
