/**
 * `npm run bench`: prints measured numbers; never part of `npm test`.
 * Each area adds a module here exporting `run(): Promise<void>` that prints its lines.
 * `npm run bench -- effects` runs only the benches whose name contains "effects".
 */
interface Bench {
  readonly name: string
  readonly load: () => Promise<{ run: () => Promise<void> }>
}

const benches: ReadonlyArray<Bench> = [
  { name: "ml", load: () => import("./ml.js") },
  { name: "rnn", load: () => import("./rnn.js") },
  { name: "rnn-train", load: () => import("./rnn-train.js") },
  { name: "engine", load: () => import("./engine.js") },
  { name: "startup", load: () => import("./startup.js") },
  { name: "scale-out", load: () => import("./scale-out.js") },
  { name: "features", load: () => import("./features.js") },
  { name: "effects", load: () => import("./effects.js") },
  { name: "reverb", load: () => import("./reverb.js") },
  { name: "synthetic", load: () => import("./synthetic.js") },
  { name: "synth-render", load: () => import("./synth-render.js") },
  { name: "datasets", load: () => import("./datasets.js") }
]

const filter = process.argv[2]
for (const bench of benches) {
  if (filter !== undefined && !bench.name.includes(filter)) continue
  console.log(`\n## ${bench.name}`)
  const mod = await bench.load()
  await mod.run()
}
