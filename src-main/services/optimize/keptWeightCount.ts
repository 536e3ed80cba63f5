const f32 = Math.fround;

/**
 * How many weights of a layer survive at a sparsity, exactly as tfmot's `_update_mask` counts them:
 * k = max(round(float32(size) · (1 − sparsity)), 1) in float32, where TensorFlow rounds halves to
 * even. So 10 weights at 0.75 keep 2 (2.5 rounds down), and a layer never loses every weight.
 */
export function keptWeightCount(size: number, sparsity: number): number {
  return Math.max(roundHalfToEven(f32(f32(size) * f32(1 - f32(sparsity)))), 1);
}

function roundHalfToEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}
