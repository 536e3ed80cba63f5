/**
 * Hz ↔ mel. HTK: 2595·log10(1 + f/700). Slaney (librosa's default, from Auditory Toolbox): linear
 * below 1 kHz at 3 mel per 66.67 Hz, logarithmic above.
 */
export type MelScale = 'htk' | 'slaney';

const SLANEY_STEP = 200 / 3;
const SLANEY_BREAK_HZ = 1000;
const SLANEY_BREAK_MEL = SLANEY_BREAK_HZ / SLANEY_STEP;
const SLANEY_LOG_STEP = Math.log(6.4) / 27;

export function hzToMel(hz: number, scale: MelScale): number {
  if (scale === 'htk') return 2595 * Math.log10(1 + hz / 700);
  if (hz < SLANEY_BREAK_HZ) return hz / SLANEY_STEP;
  return SLANEY_BREAK_MEL + Math.log(hz / SLANEY_BREAK_HZ) / SLANEY_LOG_STEP;
}

export function melToHz(mel: number, scale: MelScale): number {
  if (scale === 'htk') return 700 * (10 ** (mel / 2595) - 1);
  if (mel < SLANEY_BREAK_MEL) return mel * SLANEY_STEP;
  return SLANEY_BREAK_HZ * Math.exp(SLANEY_LOG_STEP * (mel - SLANEY_BREAK_MEL));
}
