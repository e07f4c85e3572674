// Bundles the compiled CLI (dist/cli/main.js and everything it imports) into dist/cli-bundle/,
// run by `npm run build` after tsc. Why: Node 20 resolves, reads and compiles each ES module
// separately, and the CLI's graph is ~530 modules (200 of them effect's); that alone cost
// ~0.5 s of CPU per command. One bundle with code splitting (each dynamic `import()` stays a
// separate, lazily loaded chunk) cuts it to a few files. dist/cli/bin.js loads the bundle when
// it is at least as new as the tsc output, else the unbundled dist/cli/main.js.
//
// - Only the pure-JS packages the CLI imports at start-up are bundled (BUNDLED); the rest stay
//   ordinary imports resolved from node_modules at run time: native or worker-based packages
//   (koffi, piscina, tfjs), and big ones loaded only by some commands (vega, ajv, ...).
// - Our modules find files next to themselves with `new URL("x", import.meta.url)` (worker
//   scripts, the wasm kernels, package.json). In a bundle import.meta.url is the chunk's URL, so
//   each occurrence is rewritten to the URL the module has in dist/, and those paths keep working.
import { build } from "esbuild"
import { readFile, rm } from "node:fs/promises"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const dist = join(root, "dist")
const outdir = join(dist, "cli-bundle")

const BUNDLED = new Set(["effect", "@iarna/toml", "canonicalize", "pure-rand", "fft.js", "wavefile"])

/** "@scope/name/sub" → "@scope/name"; "name/sub" → "name". */
const packageOf = (specifier) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/")

const audiomlBundling = {
  name: "audioml-bundling",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("node:")) return { path: args.path, external: true }
      return BUNDLED.has(packageOf(args.path)) ? undefined : { path: args.path, external: true }
    })
    b.onLoad({ filter: /\.js$/ }, async (args) => {
      if (!args.path.startsWith(dist + "/")) return undefined
      const source = await readFile(args.path, "utf8")
      if (!source.includes("import.meta.url")) return { contents: source, loader: "js" }
      const own = JSON.stringify(relative(outdir, args.path))
      return { contents: source.replaceAll("import.meta.url", `new URL(${own}, import.meta.url).href`), loader: "js" }
    })
  }
}

// chunk names carry content hashes: clear the last build's, or they would pile up (and ship)
await rm(outdir, { recursive: true, force: true })
await build({
  entryPoints: { main: join(dist, "cli/main.js") },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  minifyWhitespace: true,
  legalComments: "none",
  logLevel: "warning",
  // CommonJS packages inside the bundle (cli-progress) call require() for node: built-ins.
  banner: { js: 'import { createRequire as __audiomlCreateRequire } from "node:module"; const require = __audiomlCreateRequire(import.meta.url);' },
  plugins: [audiomlBundling]
})
