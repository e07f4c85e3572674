import { ParameterError } from "../errors/audioml-error.js"
import { translateAjvErrors } from "../params/ajv-messages.js"
import { formatParamIssue, type ParamIssue } from "../params/param-issue.js"
import { object, type JsonSchema } from "../params/schema.js"
import { validatorFor } from "../params/validator.js"
import { isTable } from "../params/values.js"
import {
  FEATURE_FAMILIES,
  featureFamilySchemas,
  type DescriptorParams,
  type F0Params,
  type FeatureFamily,
  type FeatureParams,
  type LoudnessParams,
  type MelParams,
  type MfccParams
} from "./feature-params.js"

/**
 * What a caller may pass to {@link resolveFeatureParams} and `extractFeatures`: the families
 * to compute, each with any of its parameters (the rest take their defaults). `{ mel: {} }`
 * is a 128-band log-mel spectrogram with the defaults of the `features` stage.
 */
export interface FeatureRequest {
  readonly mel?: Partial<MelParams>
  readonly mfcc?: Partial<MfccParams>
  readonly f0?: Partial<F0Params>
  readonly loudness?: Partial<LoudnessParams>
  readonly descriptors?: Partial<DescriptorParams>
}

const schemas = new Map<string, JsonSchema>()
/** The schema of a request for these families (built once per combination). */
const schemaFor = (families: ReadonlyArray<FeatureFamily>): JsonSchema => {
  const key = families.join(",")
  let schema = schemas.get(key)
  if (schema === undefined) {
    schema = object(Object.fromEntries(families.map((f) => [f, featureFamilySchemas[f]])))
    schemas.set(key, schema)
  }
  return schema
}

const isFamily = (name: string): name is FeatureFamily => (FEATURE_FAMILIES as ReadonlyArray<string>).includes(name)

/**
 * Validate a feature request against the families' schemas: the params with every default
 * filled, or the problems, each at its path (`mel.n_mels: must be >= 1 (got 0)`) with the
 * messages of `audioml features --set` and of a pipeline's `features` stage. The request is
 * not modified.
 */
export const checkFeatureParams = (request: unknown): { readonly params: FeatureParams; readonly issues: ReadonlyArray<ParamIssue> } => {
  if (!isTable(request)) return { params: {}, issues: [{ path: "", message: `must be a table of feature families (${FEATURE_FAMILIES.join(", ")})` }] }
  const copy = structuredClone(request) // the validator fills defaults into what it checks
  const families = Object.keys(copy).filter(isFamily)
  const validate = validatorFor(schemaFor(families))
  if (validate(copy)) return { params: copy as FeatureParams, issues: [] }
  return { params: {}, issues: translateAjvErrors(validate.errors ?? [], copy, { prefix: [] }) }
}

/**
 * The params of a feature request with every default filled; throws a ParameterError that
 * lists every problem (one per line) when the request is invalid.
 */
export const resolveFeatureParams = (request: FeatureRequest): FeatureParams => {
  const { params, issues } = checkFeatureParams(request)
  if (issues.length === 0) return params
  const lines = issues.map(formatParamIssue)
  throw new ParameterError({ parameter: issues[0]!.path, message: lines.length === 1 ? lines[0]! : `invalid feature parameters:\n  ${lines.join("\n  ")}` })
}
