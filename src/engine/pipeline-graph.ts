import * as Graph from "effect/Graph"
import * as Option from "effect/Option"
import type { NodeSpec, PipelineSpec } from "./pipeline-spec.js"

/** The pipeline as an effect/Graph: nodes are stages, an edge carries an artifact into a port. */
export type PipelineGraph = Graph.DirectedGraph<NodeSpec, { readonly port: string }>

export const buildGraph = (spec: PipelineSpec): PipelineGraph =>
  Graph.directed<NodeSpec, { readonly port: string }>((mutable) => {
    const index = new Map<string, number>()
    for (const node of spec.nodes) index.set(node.id, Graph.addNode(mutable, node))
    for (const node of spec.nodes) {
      for (const [port, upstream] of Object.entries(node.inputs)) {
        const from = index.get(upstream)
        if (from === undefined) throw new Error(`stages.${node.id}: input "${upstream}" is not a stage`)
        Graph.addEdge(mutable, from, index.get(node.id)!, { port })
      }
    }
  })

/** Stage ids in dependency order (Kahn), or the ids on a cycle. */
export const topologicalOrder = (graph: PipelineGraph): { readonly order?: string[]; readonly cycle?: string[] } => {
  const cycle = Graph.findCycle(graph)
  if (Option.isSome(cycle)) {
    const ids = cycle.value.path.map((i: number) => Graph.getNode(graph, i).pipe(Option.map((n) => n.id), Option.getOrElse(() => `#${i}`)))
    return { cycle: ids }
  }
  return { order: Array.from(Graph.values(Graph.topo(graph))).map((n) => n.id) }
}

/** Every stage downstream of `id` (not including it). */
export const downstreamOf = (spec: PipelineSpec, id: string): Set<string> => {
  const out = new Set<string>()
  let grew = true
  while (grew) {
    grew = false
    for (const node of spec.nodes) {
      if (out.has(node.id)) continue
      if (Object.values(node.inputs).some((u) => u === id || out.has(u))) {
        out.add(node.id)
        grew = true
      }
    }
  }
  return out
}
