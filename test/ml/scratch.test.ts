import { it } from "vitest"
import { loadBackend } from "../../src/ml/backend.js"
import { buildRnn } from "../../src/ml/models/rnn.js"
it("names", async () => {
  const { tf } = await loadBackend("cpu")
  for (const cell of ["lstm", "gru"]) {
    const m = buildRnn(tf, { uses: "model.rnn", params: { cell, hidden: 4, layers: 2 }, inputSize: 2, seed: 1 }) as any
    console.log([...m.variables.keys()], m.layersModel.trainableWeights.map((w: any) => [w.name, w.originalName, w.shape]))
    const x = tf.randomNormal([2, 5, 2])
    const r = m.apply(x)
    console.log(r.y.shape, r.state.map((s: any) => s.shape))
  }
})
