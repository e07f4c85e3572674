/**
 * What a stage produces, as the engine sees it: a kind name and a set of named files.
 * The engine stores each file as a content-addressed object; it never looks inside.
 * File names are relative paths ("meta.json", "clips/0001.wav") and must be open
 * formats (WAV, NPY, JSON, tfjs model files) so a user can open them with common tools.
 */
export interface Artifact {
  readonly kind: string
  readonly files: ReadonlyMap<string, Uint8Array>
}

export const makeArtifact = (kind: string, files: Iterable<readonly [string, Uint8Array]>): Artifact => ({
  kind,
  files: new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
})

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** JSON as stored: 2-space indented, trailing newline, so files diff well. */
export const jsonBytes = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value, null, 2) + "\n")

export const readJsonFile = <T = unknown>(artifact: Artifact, name: string): T => {
  const bytes = artifact.files.get(name)
  if (bytes === undefined) throw new Error(`artifact of kind ${artifact.kind} has no file ${name}`)
  return JSON.parse(decoder.decode(bytes)) as T
}
