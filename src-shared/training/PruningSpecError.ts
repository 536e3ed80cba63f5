/** A pruning spec that TF Model Optimization would also reject; the message names the field to fix. */
export class PruningSpecError extends Error {
  override name = 'PruningSpecError';
}
