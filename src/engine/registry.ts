import { Catalog } from "../params/catalog.js"
import type { StageDefinition } from "./stage.js"

/**
 * Stage kinds by `uses` name: the built-ins plus any loaded from a config's `plugins`. The
 * generic `uses` catalog of params/catalog.ts (lookup, "did you mean", schemas) for stages.
 */
export class StageRegistry extends Catalog<StageDefinition> {
  constructor(stages: Iterable<StageDefinition> = []) {
    super(stages, { kind: "stage kind", schemaOf: (s) => s.params })
  }

  /** A copy, so plugins loaded for one config do not leak into another. */
  override clone(): StageRegistry {
    return new StageRegistry(this.list)
  }
}
