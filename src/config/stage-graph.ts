import type { StageDefinition } from "../engine/stage.js"
import type { ConfigIssue } from "./config-error.js"
import { didYouMean } from "../params/did-you-mean.js"

/** A stage whose `uses` is known, with its connections and where each was written. */
export interface StageNode {
  readonly id: string
  readonly uses: string
  readonly def: StageDefinition
  readonly params: Readonly<Record<string, unknown>>
  /** Port → upstream stage id. */
  readonly inputs: Readonly<Record<string, string>>
  /** Port → TOML path of its connection (`stages.x.from` or `stages.x.from.audio`). */
  readonly inputPaths: Readonly<Record<string, string>>
}

/**
 * Check the connections between stages and order them: every upstream exists, produces
 * a kind its port accepts (following `{ sameAs: port }` outputs through the graph), and
 * there is no cycle. Returns the nodes in topological order, ties in config order.
 */
export const orderStages = (nodes: ReadonlyArray<StageNode>, stages: Readonly<Record<string, unknown>>, issues: ConfigIssue[]): StageNode[] => {
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const ids = Object.keys(stages)
  const edges = new Map<string, string[]>() // consumer → upstreams that exist

  for (const n of nodes) {
    const ups: string[] = []
    for (const [port, up] of Object.entries(n.inputs)) {
      const path = n.inputPaths[port]!
      if (!(up in stages)) {
        issues.push({ path, message: `no stage "${up}"${didYouMean(up, ids)} (stages: ${ids.join(", ")})` })
        continue
      }
      ups.push(up)
      const produced = outputKind(up, byId, new Set())
      const accepted = n.def.inputs[port]!.kinds
      if (produced !== undefined && accepted.length > 0 && !accepted.includes(produced)) {
        issues.push({ path, message: `expects ${accepted.join(" or ")}, "${up}" produces ${produced}` })
      }
    }
    edges.set(n.id, ups)
    if (n.def.checkConfig !== undefined) {
      const kinds: Record<string, string> = {}
      for (const [port, up] of Object.entries(n.inputs)) {
        const k = up in stages ? outputKind(up, byId, new Set()) : undefined
        if (k !== undefined) kinds[port] = k
      }
      for (const p of n.def.checkConfig(n.params, kinds))
        issues.push({ path: p.path === "" ? `stages.${n.id}` : `stages.${n.id}.${p.path}`, message: p.message })
    }
  }

  const cycles = findCycles(ids.filter((id) => byId.has(id)), edges)
  for (const c of cycles) issues.push({ path: "stages", message: `cycle ${c.join(" -> ")}` })
  if (cycles.length > 0) return []

  // Kahn's algorithm; among ready nodes, the one written first in the config goes first.
  const order: StageNode[] = []
  const placed = new Set<string>()
  const pending = nodes.slice()
  while (pending.length > 0) {
    const i = pending.findIndex((n) => (edges.get(n.id) ?? []).every((u) => placed.has(u) || !byId.has(u)))
    if (i < 0) break // only reachable with a cycle, reported above
    const [n] = pending.splice(i, 1)
    order.push(n!)
    placed.add(n!.id)
  }
  return order
}

/** The artifact kind a stage produces, or undefined when it cannot be known (bad upstream). */
const outputKind = (id: string, byId: ReadonlyMap<string, StageNode>, seen: Set<string>): string | undefined => {
  const n = byId.get(id)
  if (n === undefined || seen.has(id)) return undefined
  const out = n.def.output
  if (typeof out === "string") return out
  const up = n.inputs[out.sameAs]
  if (up === undefined) return undefined
  seen.add(id)
  return outputKind(up, byId, seen)
}

/**
 * Each cycle once, in data-flow order (a -> b -> a: a feeds b, b feeds a), starting from
 * the stage written first in the config.
 */
const findCycles = (ids: ReadonlyArray<string>, edges: ReadonlyMap<string, ReadonlyArray<string>>): string[][] => {
  const state = new Map<string, "open" | "done">()
  const stack: string[] = []
  const found: string[][] = []
  const seen = new Set<string>()
  const rank = new Map(ids.map((id, i) => [id, i]))
  const visit = (id: string): void => {
    state.set(id, "open")
    stack.push(id)
    for (const up of edges.get(id) ?? []) {
      const s = state.get(up)
      if (s === "open") {
        // stack[k..] is up, ..., id, each consuming the next; data flows the other way.
        const loop = stack.slice(stack.indexOf(up)).reverse()
        const key = [...loop].sort().join("\u0000")
        if (!seen.has(key)) {
          seen.add(key)
          const first = loop.reduce((best, x, i) => ((rank.get(x) ?? 0) < (rank.get(loop[best]!) ?? 0) ? i : best), 0)
          const rotated = [...loop.slice(first), ...loop.slice(0, first)]
          found.push([...rotated, rotated[0]!])
        }
      } else if (s === undefined && edges.has(up)) visit(up)
    }
    stack.pop()
    state.set(id, "done")
  }
  for (const id of ids) if (!state.has(id)) visit(id)
  return found
}
