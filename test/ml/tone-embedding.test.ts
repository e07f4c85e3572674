import { describe, expect, it } from "vitest"
import { loadBackend } from "../../src/ml/backend.js"
import { buildLoss } from "../../src/ml/losses/index.js"
import { buildModel } from "../../src/ml/models/index.js"
import { identityPairs } from "../../src/stages/train/identity-pairs.js"
import { rankIdentities, toneMatch } from "../../src/ml/tone-match.js"

const { tf } = await loadBackend("cpu")
const ctx = { sampleRate: 44100 }
const sq = (a: number[], b: number[]) => a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0)

describe("loss.triplet with batch-hard mining", () => {
  it("takes each anchor's closest embedding of another identity as its negative (hand-computed)", () => {
    // pairs (anchor, positive) and identities: 0, 1, 0 (pairs 0 and 2 are the same tone)
    const emb = [
      [[0, 0], [1, 0]],
      [[0, 3], [0, 1]],
      [[2, 0], [2, 1]]
    ]
    const ids = [0, 1, 0]
    const margin = 0.5
    const anchors = emb.map((p) => p[0]!)
    const all = [...anchors, ...emb.map((p) => p[1]!)]
    const allIds = [...ids, ...ids]
    let total = 0
    emb.forEach(([a, p], i) => {
      const dn = Math.min(...all.filter((_, j) => allIds[j] !== ids[i]).map((e) => sq(a!, e)))
      total += Math.max(0, sq(a!, p!) - dn + margin)
    })
    const loss = buildLoss(tf, { uses: "loss.triplet", mining: "hard", margin } as never, ctx)
    const v = tf.tidy(() => loss.fn(tf.tensor2d(ids, [3, 1]), tf.tensor3d(emb)).dataSync()[0]!)
    expect(v).toBeCloseTo(total / 3, 5)
    // anchor 0: positive at 1, closest other tone (0, 1) at 1 → 0.5; anchor 1: 4 vs (2, 1) at 8 → 0;
    // anchor 2: 1 vs (0, 1) at 5 → 0 (its own tone's pair 0 is never a negative)
    expect(total).toBeCloseTo(0.5, 6)
  })
  it("anchors without a negative in the batch count as nothing; the shape is checked", () => {
    const loss = buildLoss(tf, { uses: "loss.triplet", mining: "hard", margin: 1 } as never, ctx)
    const v = tf.tidy(() => loss.fn(tf.tensor2d([7, 7], [2, 1]), tf.tensor3d([[[0, 0], [1, 0]], [[0, 1], [1, 1]]])).dataSync()[0]!)
    expect(v).toBe(0)
    expect(() => tf.tidy(() => loss.fn(tf.tensor2d([1], [1, 1]), tf.tensor3d([[[0, 0], [1, 0], [2, 0]]])))).toThrow(/\[batch, 2, dim\].*got \[1, 3, 2\]/)
  })
  it("its gradient pulls positives in and pushes the hardest negative out", () => {
    const loss = buildLoss(tf, { uses: "loss.triplet", mining: "hard", margin: 1 } as never, ctx)
    const e = tf.variable(tf.tensor3d([[[0, 0], [1, 0]], [[0.5, 0], [0.5, 0.5]]]))
    const before = tf.tidy(() => loss.fn(tf.tensor2d([0, 1], [2, 1]), e).dataSync()[0]!)
    const opt = tf.train.sgd(0.05)
    for (let i = 0; i < 20; i++) opt.minimize(() => loss.fn(tf.tensor2d([0, 1], [2, 1]), e) as never)
    const after = tf.tidy(() => loss.fn(tf.tensor2d([0, 1], [2, 1]), e).dataSync()[0]!)
    expect(after).toBeLessThan(before)
  })
})

describe("model.tone_embedding", () => {
  it("maps [B, F, D] to unit vectors [B, dim] and groups [B, 2, F, D] to [B, 2, dim] through the same weights", () => {
    const model = buildModel(tf, { uses: "model.tone_embedding", params: { dim: 8, conv_channels: [4, 4], hidden: 6 }, inputSize: 3, frames: 7, seed: 3 })
    const x = tf.randomUniform([2, 2, 7, 3], -1, 1, "float32", 5)
    const grouped = tf.tidy(() => model.apply(x).y.arraySync() as number[][][])
    expect(grouped.length).toBe(2)
    const single = tf.tidy(() => model.apply(tf.reshape(tf.slice(x, [1, 1, 0, 0], [1, 1, 7, 3]), [1, 7, 3])).y.arraySync() as number[][])
    for (let i = 0; i < 8; i++) expect(single[0]![i]).toBeCloseTo(grouped[1]![1]![i]!, 5)
    for (const g of grouped) for (const e of g) expect(Math.hypot(...e)).toBeCloseTo(1, 5)
    x.dispose()
    model.dispose()
  })
})

describe("identity pairs and tone matching", () => {
  const item = (id: string, key: string) => ({ id, labels: { k: key } })
  it("pairs the clips of each identity: one pair for two clips, a cycle for more, none for one", () => {
    const { pairs, ids, identities } = identityPairs([item("b1", "B"), item("a2", "A"), item("a1", "A"), item("c1", "C"), item("b2", "B"), item("b3", "B")], "k")
    expect(pairs.map(([x, y]) => `${x.id}-${y.id}`)).toEqual(["a1-a2", "b1-b2", "b2-b3", "b3-b1"])
    expect(ids).toEqual([0, 1, 1, 1])
    expect(identities).toBe(2)
    expect(() => identityPairs([{ id: "x", labels: {} }], "k")).toThrow(/identity label "k" is missing from item "x"/)
  })
  it("ranks identities by their closest bank embedding; top-1, top-5 and MRR", () => {
    const bank = [
      { identity: "A", embedding: [0, 0] },
      { identity: "A", embedding: [5, 5] },
      { identity: "B", embedding: [1, 0] },
      { identity: "C", embedding: [3, 0] }
    ]
    expect(rankIdentities([2.1, 0], bank)).toEqual([
      { identity: "C", distance: expect.closeTo(0.81, 6) },
      { identity: "B", distance: expect.closeTo(1.21, 6) },
      { identity: "A", distance: expect.closeTo(4.41, 6) }
    ])
    const r = toneMatch(
      [
        { identity: "A", embedding: [4.9, 5] }, // rank 1
        { identity: "B", embedding: [2.1, 0] }, // rank 2
        { identity: "D", embedding: [0, 0] } // not in the bank
      ],
      bank
    )
    expect(r).toMatchObject({ top1: 1 / 3, top5: 2 / 3, queries: 3, bank_identities: 3, bank_items: 4, missing_from_bank: 1 })
    expect(r.mrr).toBeCloseTo((1 + 0.5) / 3, 9)
    expect(r.chance_top1).toBeCloseTo(1 / 3, 9)
  })
})
