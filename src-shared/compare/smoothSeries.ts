/**
 * TensorBoard's scalar smoothing: an exponential moving average, debiased so the first points are
 * not pulled toward zero (the running average starts at 0 and is divided by 1 − weight^n, as in
 * Adam). `weight` is 0 (no smoothing) to 0.99. Points that are NaN or infinite pass through as they
 * are and leave the average untouched, so one diverged step does not poison the rest of the curve;
 * a constant series is returned as is, free of rounding. Smoothing is by index, not by step.
 */
export function smoothSeries(values: ArrayLike<number>, weight: number): number[] {
  if (!(weight >= 0 && weight <= 0.99))
    throw new RangeError(`smoothing weight must be between 0 and 0.99, got ${weight}`);
  const points = Array.from(values);
  if (points.every((value) => value === points[0])) return points;
  let average = 0;
  let count = 0;
  return points.map((value) => {
    if (!Number.isFinite(value)) return value;
    average = average * weight + (1 - weight) * value;
    count++;
    return average / (1 - weight ** count);
  });
}
