import type { StageDefinition } from "./stage.js"

/** Stage kinds by `uses` name: the built-ins plus any loaded from a config's `plugins`. */
export class StageRegistry {
  private readonly byUses = new Map<string, StageDefinition>()

  constructor(stages: Iterable<StageDefinition> = []) {
    for (const s of stages) this.add(s)
  }

  add(stage: StageDefinition): void {
    if (this.byUses.has(stage.uses)) throw new Error(`stage kind "${stage.uses}" is defined twice`)
    this.byUses.set(stage.uses, stage)
  }

  get(uses: string): StageDefinition | undefined {
    return this.byUses.get(uses)
  }

  names(): string[] {
    return [...this.byUses.keys()].sort()
  }

  list(): StageDefinition[] {
    return this.names().map((n) => this.byUses.get(n)!)
  }

  /** A copy, so plugins loaded for one config do not leak into another. */
  clone(): StageRegistry {
    return new StageRegistry(this.byUses.values())
  }
}
