import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { StageRegistry } from "../engine/registry.js"
import { builtinStages } from "../stages/registry.js"
import { schemaFiles } from "./schema-files.js"

/**
 * `npm run schemas`: regenerate schemas/ from the built-in stage registry, and remove
 * the files of stage kinds that no longer exist.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "schemas")
const files = schemaFiles(new StageRegistry(builtinStages))
mkdirSync(join(root, "stages"), { recursive: true })
for (const [path, text] of files) writeFileSync(join(root, path), text)
let removed = 0
for (const name of readdirSync(join(root, "stages"))) {
  if (name.endsWith(".schema.json") && !files.has(`stages/${name}`)) {
    rmSync(join(root, "stages", name))
    removed++
  }
}
console.log(`wrote ${files.size} schema file(s) to ${root}${removed > 0 ? `, removed ${removed} stale one(s)` : ""}`)
