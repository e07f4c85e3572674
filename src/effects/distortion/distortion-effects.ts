import type { EffectDefinition } from "../effect-definition.js"
import { bitcrush } from "./bitcrush.js"
import { diodeClipper } from "./diode-clipper.js"
import { overdrive } from "./overdrive.js"
import { tubescreamer } from "./tubescreamer.js"
import { asymmetricDistortion, foldbackDistortion, hardclipDistortion, softclipDistortion, tanhDistortion } from "./waveshapers.js"

/** The distortion family, in the order the README lists them. */
export const distortionEffects: ReadonlyArray<EffectDefinition> = [
  tanhDistortion,
  hardclipDistortion,
  softclipDistortion,
  asymmetricDistortion,
  foldbackDistortion,
  bitcrush,
  overdrive,
  diodeClipper,
  tubescreamer
]
