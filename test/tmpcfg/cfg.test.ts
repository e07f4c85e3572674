import { it } from "vitest"
import { Effect } from "effect"
import { loadPipelines } from "../../src/config/load-pipelines.js"
import { StageRegistry } from "../../src/engine/registry.js"
import { builtinStages } from "../../src/stages/registry.js"
import { runStage, testContext } from "../helpers/stage-context.js"
import { decodePairedAudioSet } from "../../src/stages/artifacts/paired-audio-set.js"
it("cfg", async () => {
  const reg = new StageRegistry(builtinStages)
  const r = await Effect.runPromise(loadPipelines("configs/dataset-synthetic.toml", { set: ["stages.dry.clips=4"], registry: reg } as any))
  const arts: Record<string, any> = {}
  for (const n of r.pipelines[0]!.nodes) {
    const t0 = Date.now()
    const inputs = Object.fromEntries(Object.entries(n.inputs).map(([k, v]) => [k, arts[v]]))
    arts[n.id] = await runStage(reg.get(n.uses)!, n.params as any, inputs, testContext(n.id, 7, "configs"))
    console.log(n.id, arts[n.id].kind, Date.now() - t0, "ms")
  }
  const set = decodePairedAudioSet(arts["dataset"])
  console.log(JSON.stringify(set.pairs[0]!.labels, null, 0))
  console.log(set.pairs.map((p) => p.split).join(","))
})
