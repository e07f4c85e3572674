import { chordsGenerator } from "./chords.js"
import { impulseGenerator } from "./impulse.js"
import { mixGenerator } from "./mix.js"
import { noiseGenerator } from "./noise.js"
import { noteGenerator } from "./note.js"
import { pluckGenerator } from "./pluck.js"
import { sineGenerator } from "./sine.js"
import { sweepGenerator } from "./sweep.js"
import { Catalog } from "../../params/catalog.js"
import type { SyntheticGenerator } from "./generator.js"

const basic: ReadonlyArray<SyntheticGenerator> = [
  sineGenerator,
  sweepGenerator,
  noiseGenerator,
  impulseGenerator,
  pluckGenerator,
  noteGenerator,
  chordsGenerator
]

/** Every generator `source.synthetic` accepts, by `uses`. */
export const generatorCatalog: Catalog<SyntheticGenerator> = new Catalog([...basic, mixGenerator(basic)], { kind: "generator", schemaOf: (g) => g.params })
