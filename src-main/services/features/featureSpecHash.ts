import { createHash } from 'node:crypto';
import type { FeatureSpec } from '../../../src-shared/model/FeatureSpec.ts';

/** A short stable id of a FeatureSpec: SHA-256 of its JSON with sorted keys, 16 hex digits. */
export function featureSpecHash(spec: FeatureSpec): string {
  const sorted = Object.fromEntries(Object.entries(spec).sort(([a], [b]) => (a < b ? -1 : 1)));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16);
}
