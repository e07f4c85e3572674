/**
 * Facts about this process that lower layers learn while running and the run manifest
 * records (for example which tfjs backend loaded). Keys are plain strings.
 */
const facts = new Map<string, unknown>()

export const recordRunFact = (key: string, value: unknown): void => {
  facts.set(key, value)
}

export const runFacts = (): Record<string, unknown> => Object.fromEntries([...facts].sort(([a], [b]) => (a < b ? -1 : 1)))
