/**
 * Helpers that build the JSON Schemas of stage and effect parameters. The schemas are the
 * single source of truth for validation (ajv), defaults, the README tables, label
 * normalisation ranges, and the files under schemas/. Units go in `x-unit`.
 */
export type JsonSchema = { readonly [key: string]: unknown }

interface Common {
  readonly description: string
  readonly default?: unknown
}

interface NumberOptions extends Common {
  readonly minimum?: number
  readonly maximum?: number
  readonly exclusiveMinimum?: number
  readonly exclusiveMaximum?: number
  readonly unit?: string
  /** May the value be a distribution ({ uniform = [a, b] }, ...)? Default true. */
  readonly distribution?: boolean
}

const rangeOf = (o: NumberOptions) => ({
  ...(o.minimum !== undefined ? { minimum: o.minimum } : {}),
  ...(o.maximum !== undefined ? { maximum: o.maximum } : {}),
  ...(o.exclusiveMinimum !== undefined ? { exclusiveMinimum: o.exclusiveMinimum } : {}),
  ...(o.exclusiveMaximum !== undefined ? { exclusiveMaximum: o.exclusiveMaximum } : {})
})

const pair = (item: JsonSchema): JsonSchema => ({ type: "array", items: item, minItems: 2, maxItems: 2 })

/** The distributions a numeric parameter accepts, with their bounds checked against its range. */
export const distributionSchema = (value: JsonSchema): JsonSchema => ({
  type: "object",
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
  properties: {
    uniform: pair(value),
    log_uniform: pair({ ...value, exclusiveMinimum: Math.max(0, Number(value["exclusiveMinimum"] ?? 0)) }),
    normal: { type: "array", prefixItems: [{ type: "number" }, { type: "number", minimum: 0 }], minItems: 2, maxItems: 2 },
    choice: { type: "array", items: value, minItems: 1 }
  }
})

const withDistribution = (value: JsonSchema, o: NumberOptions): JsonSchema => {
  const meta = {
    description: o.description,
    ...(o.default !== undefined ? { default: o.default } : {}),
    ...(o.unit !== undefined ? { "x-unit": o.unit } : {})
  }
  if (o.distribution === false) return { ...value, ...meta }
  return { ...meta, "x-range": rangeOf(o), anyOf: [value, distributionSchema(value)] }
}

export const number = (o: NumberOptions): JsonSchema => withDistribution({ type: "number", ...rangeOf(o) }, o)

export const integer = (o: NumberOptions): JsonSchema => withDistribution({ type: "integer", ...rangeOf(o) }, o)

export const boolean = (o: Common): JsonSchema => ({ type: "boolean", ...o })

export const string = (o: Common & { readonly pattern?: string; readonly minLength?: number }): JsonSchema => ({
  type: "string",
  ...o
})

/** One of a fixed set of strings; may also be drawn with { choice = [...] } unless distribution is false. */
export const oneOf = (
  values: ReadonlyArray<string | number>,
  o: Common & { readonly distribution?: boolean }
): JsonSchema => {
  const value: JsonSchema = { enum: values }
  const meta = { description: o.description, ...(o.default !== undefined ? { default: o.default } : {}) }
  if (o.distribution !== true) return { ...value, ...meta }
  return {
    ...meta,
    anyOf: [
      value,
      { type: "object", additionalProperties: false, required: ["choice"], properties: { choice: { type: "array", items: value, minItems: 1 } } }
    ]
  }
}

export const array = (items: JsonSchema, o: Common & { readonly minItems?: number; readonly maxItems?: number }): JsonSchema => ({
  type: "array",
  items,
  ...o
})

/** A free-form table (labels, maps of weights...). */
export const record = (values: JsonSchema, o: Common): JsonSchema => ({
  type: "object",
  additionalProperties: values,
  ...o
})

/**
 * A closed object: unknown keys are errors (reported with a "did you mean" hint).
 * Keys whose schema has a `default` are filled in before the cache key is computed.
 */
export const object = (
  properties: Readonly<Record<string, JsonSchema>>,
  o: { readonly required?: ReadonlyArray<string>; readonly description?: string } = {}
): JsonSchema => ({
  type: "object",
  additionalProperties: false,
  properties,
  ...(o.required && o.required.length > 0 ? { required: o.required } : {}),
  ...(o.description !== undefined ? { description: o.description } : {})
})

/**
 * A list of tagged items, each `{ uses = "...", ... }` with its own schema (an effect
 * chain, augmentation steps, loss terms). ajv's discriminator reports errors against the
 * matching branch only.
 */
export const taggedList = (
  variants: ReadonlyArray<{ readonly uses: string; readonly schema: JsonSchema }>,
  o: Common & { readonly minItems?: number }
): JsonSchema => ({
  type: "array",
  description: o.description,
  ...(o.default !== undefined ? { default: o.default } : {}),
  ...(o.minItems !== undefined ? { minItems: o.minItems } : {}),
  items: taggedUnion(variants)
})

export const taggedUnion = (variants: ReadonlyArray<{ readonly uses: string; readonly schema: JsonSchema }>): JsonSchema => ({
  type: "object",
  required: ["uses"],
  discriminator: { propertyName: "uses" },
  oneOf: variants.map(({ uses, schema }) => ({
    ...schema,
    properties: { uses: { const: uses }, ...((schema["properties"] as Record<string, JsonSchema>) ?? {}) }
  }))
})
