/**
 * A validated, fully resolved pipeline: what the config layer hands the engine.
 * One PipelineSpec per sweep variation.
 */
export interface NodeSpec {
  /** The stage id: its table name under [stages]. */
  readonly id: string
  readonly uses: string
  /** The stage's own params with schema defaults applied (no `uses`, no `from`). */
  readonly params: Readonly<Record<string, unknown>>
  /** Input port → upstream stage id. */
  readonly inputs: Readonly<Record<string, string>>
}

export interface PipelineSpec {
  readonly name: string
  readonly seed: number
  readonly sampleRate: number
  /** Absolute path of the config file, and its folder (relative paths resolve there). */
  readonly configFile: string
  readonly configDir: string
  /** Nodes in a topological order (every input before its consumer). */
  readonly nodes: ReadonlyArray<NodeSpec>
  /** The merged config after extends, overrides and sweep values: config.resolved.json. */
  readonly resolved: unknown
  /** The overrides that made this variation (--set and sweep values): overrides.json. */
  readonly overrides: Readonly<Record<string, unknown>>
  /** Set when the config expands to several variations (a sweep). */
  readonly variation?: { readonly index: number; readonly count: number; readonly values: Readonly<Record<string, unknown>> }
}
