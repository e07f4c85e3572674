/** { a: { b: 1 } } → { "a.b": 1 }: nested metrics and params as rows of a table. */
export const flatten = (value: unknown, prefix = "", out: Record<string, unknown> = {}): Record<string, unknown> => {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix === "" ? k : `${prefix}.${k}`, out)
  } else out[prefix] = value
  return out
}

export const formatValue = (v: unknown): string =>
  typeof v === "number" ? (Number.isInteger(v) ? String(v) : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toFixed(4) : v.toExponential(3)) : v === undefined ? "—" : JSON.stringify(v)
