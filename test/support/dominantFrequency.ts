/**
 * The frequency (1 Hz steps within [low, high]) with the largest single-bin DFT magnitude over the
 * middle of the signal, skipping `edge` samples at each end where codecs and resamplers ramp.
 */
export function dominantFrequency(
  samples: Float32Array,
  sampleRate: number,
  low: number,
  high: number,
  edge = 0,
): number {
  let best = low;
  let bestPower = -1;
  for (let frequency = low; frequency <= high; frequency++) {
    let re = 0;
    let im = 0;
    const step = (2 * Math.PI * frequency) / sampleRate;
    for (let i = edge; i < samples.length - edge; i++) {
      re += samples[i]! * Math.cos(step * i);
      im -= samples[i]! * Math.sin(step * i);
    }
    const power = re * re + im * im;
    if (power > bestPower) {
      bestPower = power;
      best = frequency;
    }
  }
  return best;
}
