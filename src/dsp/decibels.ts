/**
 * Decibels to linear amplitude gain: 10^(dB / 20). 0 dB → 1, +6.02 dB → 2, −20 dB → 0.1.
 * The one conversion every effect, augmentation step and generator uses for `*_db` params.
 */
export const dbToGain = (db: number): number => Math.pow(10, db / 20)
