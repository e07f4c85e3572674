import { ParameterError } from "../errors/audioml-error.js"
import { didYouMean } from "./did-you-mean.js"
import { cell, renderParamTable } from "./docs.js"
import { taggedList, taggedUnion, type JsonSchema } from "./schema.js"

/** What every catalog entry has: the TOML `uses` name that picks it, and one line saying what it does. */
export interface CatalogEntry {
  readonly uses: string
  readonly description: string
}

/** How a catalog names its entries in messages and finds their params schema. */
export interface CatalogOptions<T> {
  /** What one entry is, in messages: "effect", "stage kind", "model", "loss", "augmentation step", "generator". */
  readonly kind: string
  /** The entry's params schema (a closed object schema, without `uses`). */
  readonly schemaOf: (entry: T) => JsonSchema
}

/**
 * The one registry of `uses` names: stage kinds, effects, models, losses, augmentation
 * steps and synthetic generators are each a Catalog. It gives lookup (with a "did you
 * mean" hint for a typo), the tagged-union schema of `{ uses = "...", ... }` tables, and the
 * README reference of its entries. Entries keep their registration order (the order of
 * the docs and of the schema's branches); `names()` is sorted.
 *
 * @example
 *   const effects = new Catalog([tanh, peaking], { kind: "effect", schemaOf: (e) => e.params })
 *   effects.require("distortion.tahn") // ParameterError: uses: unknown effect "distortion.tahn" — did you mean "distortion.tanh"? …
 */
export class Catalog<T extends CatalogEntry> {
  private readonly entries: T[] = []
  private readonly byUses = new Map<string, T>()
  private union: JsonSchema | undefined

  constructor(
    entries: Iterable<T>,
    readonly options: CatalogOptions<T>
  ) {
    for (const e of entries) this.add(e)
  }

  /** Register one more entry (a plugin's stage kind); a `uses` name already taken is an error. */
  add(entry: T): void {
    if (this.byUses.has(entry.uses)) throw ParameterError.of("uses", `${this.options.kind} "${entry.uses}" is defined twice`)
    this.byUses.set(entry.uses, entry)
    this.entries.push(entry)
    this.union = undefined
  }

  /** Every entry, in registration order (the same array until `add` is called). */
  get list(): ReadonlyArray<T> {
    return this.entries
  }

  /** Every entry, sorted by `uses`. */
  sorted(): T[] {
    return [...this.entries].sort((a, b) => (a.uses < b.uses ? -1 : a.uses > b.uses ? 1 : 0))
  }

  /** Every `uses` name, sorted. */
  names(): string[] {
    return [...this.byUses.keys()].sort()
  }

  /** The entry named `uses`, if there is one. */
  get(uses: string): T | undefined {
    return this.byUses.get(uses)
  }

  /** `unknown effect "distortion.tahn" — did you mean "distortion.tanh"? (known: …)`. */
  unknownMessage(uses: string): string {
    return `unknown ${this.options.kind} "${uses}"${didYouMean(uses, this.byUses.keys())} (known: ${this.names().join(", ")})`
  }

  /** The entry named `uses`, or a ParameterError naming `where` (a TOML path such as `chain[1].uses`; default `uses`). */
  require(uses: string, where = "uses"): T {
    const entry = this.byUses.get(uses)
    if (entry === undefined) throw ParameterError.of(where, this.unknownMessage(uses))
    return entry
  }

  /** A copy, so entries added to it (one config's plugins) do not leak into this one. */
  clone(): Catalog<T> {
    return new Catalog(this.entries, this.options)
  }

  /** The params schema of one entry. */
  schemaOf(entry: T): JsonSchema {
    return this.options.schemaOf(entry)
  }

  /**
   * The schema of one `{ uses = "<name>", <params>... }` table: a union tagged by `uses`,
   * one branch per entry (`extend` adds keys every branch takes, such as a chain's `mix`).
   */
  unionSchema(extend?: (entry: T, schema: JsonSchema) => JsonSchema): JsonSchema {
    if (extend !== undefined) return taggedUnion(this.entries.map((e) => ({ uses: e.uses, schema: extend(e, this.schemaOf(e)) })))
    this.union ??= taggedUnion(this.entries.map((e) => ({ uses: e.uses, schema: this.schemaOf(e) })))
    return this.union
  }

  /** The schema of a list of such tables (an effect chain, augmentation steps, generators). */
  listSchema(o: { readonly description: string; readonly minItems?: number; readonly default?: unknown }, extend?: (entry: T, schema: JsonSchema) => JsonSchema): JsonSchema {
    return taggedList(
      this.entries.map((e) => ({ uses: e.uses, schema: extend === undefined ? this.schemaOf(e) : extend(e, this.schemaOf(e)) })),
      o
    )
  }

  /**
   * The README reference of the catalog: an index table (name, parameters, what it does),
   * then one section per entry with its parameter table (`heading` is the markdown heading
   * level of the sections, `extend` as for unionSchema).
   */
  docs(o: { readonly title: string; readonly heading?: string; readonly extend?: (entry: T, schema: JsonSchema) => JsonSchema } = { title: "Name" }): string {
    const propsOf = (e: T): Record<string, unknown> => {
      const schema = o.extend === undefined ? this.schemaOf(e) : o.extend(e, this.schemaOf(e))
      return (schema["properties"] as Record<string, unknown> | undefined) ?? {}
    }
    const index = [`| ${o.title} | Parameters | What it does |`, "|---|---|---|"]
    for (const e of this.entries) {
      const names = Object.keys(propsOf(e)).filter((n) => n !== "uses")
      index.push(`| \`${e.uses}\` | ${names.map((n) => `\`${n}\``).join(", ")} | ${cell(e.description)} |`)
    }
    const sections = this.entries.map((e) => {
      const schema = o.extend === undefined ? this.schemaOf(e) : o.extend(e, this.schemaOf(e))
      return [`${o.heading ?? "####"} \`${e.uses}\``, "", cell(e.description), "", renderParamTable(propsOf(e), (schema["required"] as string[] | undefined) ?? [])].join("\n")
    })
    return [index.join("\n"), ...sections].join("\n\n") + "\n"
  }
}
