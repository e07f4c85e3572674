import { readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { refreshReadme } from "./reference-docs.js"

/** `npm run docs`: regenerate the README's reference blocks from the schemas. */
const readmePath = fileURLToPath(new URL("../../README.md", import.meta.url))
const before = readFileSync(readmePath, "utf8")
const after = refreshReadme(before)
if (after !== before) writeFileSync(readmePath, after)
console.log(after === before ? "README.md reference is up to date" : "README.md reference regenerated")
