/**
 * Built-in energy absorption coefficients α per octave band (125 Hz … 8 kHz), a small
 * selection of the table in M. Vorländer, "Auralization" (Springer 2008), annex — the
 * same source as pyroomacoustics' materials.json, so names match theirs.
 */
export interface Material {
  readonly description: string
  readonly coeffs: readonly [number, number, number, number, number, number, number]
}

export const MATERIALS = {
  hard_surface: { description: "Walls, hard surfaces average (brick, plaster, hard floors)", coeffs: [0.02, 0.02, 0.03, 0.03, 0.04, 0.05, 0.05] },
  brickwork: { description: "Walls, rendered brickwork", coeffs: [0.01, 0.02, 0.02, 0.03, 0.03, 0.04, 0.04] },
  rough_concrete: { description: "Rough concrete", coeffs: [0.02, 0.03, 0.03, 0.03, 0.04, 0.07, 0.07] },
  unpainted_concrete: { description: "Smooth unpainted concrete", coeffs: [0.01, 0.01, 0.02, 0.02, 0.02, 0.05, 0.05] },
  ceramic_tiles: { description: "Ceramic tiles with a smooth surface", coeffs: [0.01, 0.01, 0.01, 0.02, 0.02, 0.02, 0.02] },
  marble_floor: { description: "Marble floor", coeffs: [0.01, 0.01, 0.01, 0.02, 0.02, 0.02, 0.02] },
  reverb_chamber: { description: "Reverberation chamber walls", coeffs: [0.01, 0.01, 0.01, 0.02, 0.02, 0.04, 0.04] },
  plasterboard: { description: "2 × 13 mm plasterboard on steel frame, mineral wool in cavity, painted", coeffs: [0.15, 0.1, 0.06, 0.04, 0.04, 0.05, 0.05] },
  wooden_lining: { description: "Wooden lining, 12 mm fixed on frame", coeffs: [0.27, 0.23, 0.22, 0.15, 0.1, 0.07, 0.06] },
  wood_16mm: { description: "16 mm wood on 40 mm studs", coeffs: [0.18, 0.12, 0.1, 0.09, 0.08, 0.07, 0.07] },
  wooden_door: { description: "Solid wooden door", coeffs: [0.14, 0.1, 0.06, 0.08, 0.1, 0.1, 0.1] },
  glass_window: { description: "Glass window, 0.68 kg/m²", coeffs: [0.1, 0.05, 0.04, 0.03, 0.03, 0.03, 0.03] },
  double_glazing_30mm: { description: "Double glazing, 2–3 mm glass, > 30 mm gap", coeffs: [0.15, 0.05, 0.03, 0.03, 0.02, 0.02, 0.02] },
  carpet_cotton: { description: "Cotton carpet", coeffs: [0.07, 0.31, 0.49, 0.81, 0.66, 0.54, 0.48] },
  carpet_hairy: { description: "Hairy carpet on 3 mm felt", coeffs: [0.11, 0.14, 0.37, 0.43, 0.27, 0.25, 0.25] },
  felt_5mm: { description: "Needle felt 5 mm stuck to concrete", coeffs: [0.02, 0.02, 0.05, 0.15, 0.3, 0.4, 0.4] },
  curtains_velvet: { description: "Tight velvet curtains", coeffs: [0.05, 0.12, 0.35, 0.45, 0.38, 0.36, 0.36] },
  curtains_cotton_0_5: { description: "Cotton curtains (0.5 kg/m²) draped to 3/4 area, 130 mm from wall", coeffs: [0.3, 0.45, 0.65, 0.56, 0.59, 0.71, 0.71] },
  chairs_upholstered_cloth: { description: "Empty chairs upholstered with cloth (2 per m²)", coeffs: [0.44, 0.6, 0.77, 0.89, 0.82, 0.7, 0.7] },
  audience_orchestra_choir: { description: "Areas with audience, orchestra or choir", coeffs: [0.6, 0.74, 0.88, 0.96, 0.93, 0.85, 0.85] },
  rockwool_50mm_80kgm3: { description: "Rockwool 50 mm, 80 kg/m³", coeffs: [0.22, 0.6, 0.92, 0.9, 0.88, 0.88, 0.88] }
} as const satisfies Record<string, Material>

export type MaterialName = keyof typeof MATERIALS
export const MATERIAL_NAMES = Object.keys(MATERIALS) as ReadonlyArray<MaterialName>

/**
 * Air absorption: energy decays as exp(−m·d) over d metres (so amplitude as
 * exp(−m·d/2)), m per octave band, for 10 °C and 20 °C at three humidity ranges —
 * Vorländer's table as used by pyroomacoustics (`air_absorption_table`).
 */
const AIR_TABLE = {
  "10C_30-50%": [0.1, 0.2, 0.5, 1.1, 2.7, 9.4, 29.0],
  "10C_50-70%": [0.1, 0.2, 0.5, 0.8, 1.8, 5.9, 21.1],
  "10C_70-90%": [0.1, 0.2, 0.5, 0.7, 1.4, 4.4, 15.8],
  "20C_30-50%": [0.1, 0.3, 0.6, 1.0, 1.9, 5.8, 20.3],
  "20C_50-70%": [0.1, 0.3, 0.6, 1.0, 1.7, 4.1, 13.5],
  "20C_70-90%": [0.1, 0.3, 0.6, 1.1, 1.7, 3.5, 10.6]
} as const

/** Air energy absorption per metre in each octave band (table row nearest to T and RH). */
export const airAbsorption = (temperatureC: number, humidityPercent: number): ReadonlyArray<number> => {
  const t = temperatureC < 15 ? "10C" : "20C"
  const h = humidityPercent <= 50 ? "30-50%" : humidityPercent <= 70 ? "50-70%" : "70-90%"
  return AIR_TABLE[`${t}_${h}` as keyof typeof AIR_TABLE].map((x) => x * 1e-3)
}

/** Speed of sound in air, m/s (the linear approximation pyroomacoustics uses). */
export const speedOfSound = (temperatureC: number): number => 331.4 + 0.6 * temperatureC
