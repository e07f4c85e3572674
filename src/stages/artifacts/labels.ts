export type Split = "train" | "val" | "test"

/** Clip ids become file names: keep them portable. */
export const safeId = (id: string): string => id.replace(/[^A-Za-z0-9._-]/g, "_")
