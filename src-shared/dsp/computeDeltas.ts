/**
 * Time derivatives of a time-major matrix the way librosa.feature.delta computes them: a
 * Savitzky–Golay filter of polynomial order = derivative order over `width` frames, and at the edges
 * (scipy's mode 'interp') the derivative of the polynomial fitted to the first / last `width` frames.
 */
export function computeDeltas(data: Float32Array, frames: number, bins: number, order: 1 | 2, width = 9): Float32Array {
  if (width < 3 || width % 2 === 0) throw new RangeError(`delta width must be odd and ≥ 3, got ${width}`);
  if (frames < width) throw new RangeError(`deltas over ${width} frames need at least ${width} frames, got ${frames}`);
  const halfWidth = (width - 1) / 2;
  // With polynomial order = derivative order the derivative of the fit is d!·(top coefficient): the
  // same weights wherever the frame sits in its window, centre or edge.
  const projection = leastSquaresProjection(width, order);
  const weights = projection.slice(order * width, (order + 1) * width).map((w) => w * (order === 2 ? 2 : 1));

  const output = new Float32Array(frames * bins);
  for (let t = 0; t < frames; t++) {
    // Interior frames sit at the window centre; edge frames use the first or last full window.
    const windowStart = Math.min(Math.max(t - halfWidth, 0), frames - width);
    for (let b = 0; b < bins; b++) {
      let sum = 0;
      for (let j = 0; j < width; j++) sum += weights[j]! * data[(windowStart + j) * bins + b]!;
      output[t * bins + b] = sum;
    }
  }
  return output;
}

/** (AᵀA)⁻¹Aᵀ for A[j][i] = (j − h)^i: row i maps a window to the fitted polynomial's coefficient i. */
function leastSquaresProjection(width: number, degree: number): Float64Array {
  const halfWidth = (width - 1) / 2;
  const size = degree + 1;
  const normal = new Float64Array(size * size);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      let sum = 0;
      for (let j = 0; j < width; j++) sum += (j - halfWidth) ** (r + c);
      normal[r * size + c] = sum;
    }
  }
  const inverse = invert(normal, size);
  const projection = new Float64Array(size * width);
  for (let r = 0; r < size; r++) {
    for (let j = 0; j < width; j++) {
      let sum = 0;
      for (let c = 0; c < size; c++) sum += inverse[r * size + c]! * (j - halfWidth) ** c;
      projection[r * width + j] = sum;
    }
  }
  return projection;
}

/** Gauss–Jordan inverse with partial pivoting; the matrices here are at most 3 × 3. */
function invert(matrix: Float64Array, size: number): Float64Array {
  const a = matrix.slice();
  const inverse = new Float64Array(size * size);
  for (let i = 0; i < size; i++) inverse[i * size + i] = 1;
  for (let col = 0; col < size; col++) {
    let pivot = col;
    for (let r = col + 1; r < size; r++) if (Math.abs(a[r * size + col]!) > Math.abs(a[pivot * size + col]!)) pivot = r;
    for (let c = 0; c < size; c++) {
      [a[col * size + c], a[pivot * size + c]] = [a[pivot * size + c]!, a[col * size + c]!];
      [inverse[col * size + c], inverse[pivot * size + c]] = [inverse[pivot * size + c]!, inverse[col * size + c]!];
    }
    const diagonal = a[col * size + col]!;
    for (let c = 0; c < size; c++) {
      a[col * size + c]! /= diagonal;
      inverse[col * size + c]! /= diagonal;
    }
    for (let r = 0; r < size; r++) {
      if (r === col) continue;
      const factor = a[r * size + col]!;
      for (let c = 0; c < size; c++) {
        a[r * size + c]! -= factor * a[col * size + c]!;
        inverse[r * size + c]! -= factor * inverse[col * size + c]!;
      }
    }
  }
  return inverse;
}
