import { createHash } from 'node:crypto';
import type { TrainSpec } from '../../../../src-shared/model/TrainSpec.ts';

/** A stable id of a spec: SHA-256 of its JSON with keys sorted at every level. */
export function trainSpecHash(spec: TrainSpec): string {
  const sortKeys = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sortKeys)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value)
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([key, inner]) => [key, sortKeys(inner)]),
          )
        : value;
  return createHash('sha256')
    .update(JSON.stringify(sortKeys(spec)))
    .digest('hex')
    .slice(0, 16);
}
