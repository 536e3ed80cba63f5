import { trainSpecSchema } from '../../src-shared/contract/trainSpecSchema.ts';
import type { NumberRange } from './numberOption.ts';

/** The allowed values of every numeric option; the train spec's own limits where an option sets a spec field. */
const schemaRange = (field: { minValue: number | null; maxValue: number | null; isInt: boolean }): NumberRange => ({
  whole: field.isInt,
  min: field.minValue ?? -Infinity,
  max: field.maxValue ?? undefined,
});

export const RANGE = {
  epochs: schemaRange(trainSpecSchema.shape.epochs),
  seed: schemaRange(trainSpecSchema.shape.seed),
  // generateDemoDataset's own limit.
  clipsPerWord: { whole: true, min: 1, max: 10_000 },
  port: { whole: true, min: 0, max: 65_535 },
  percent: { whole: false, min: 0, max: 100 },
  threads: { whole: true, min: 1, max: 1024 },
  stallSeconds: { whole: false, min: 1, max: 86_400 },
  offset: { whole: true, min: 0 },
  // The runs service pages at most this many rows at a time.
  limit: { whole: true, min: 1, max: 10_000 },
  // features.exportModelInputs' own limit.
  examples: { whole: true, min: 1, max: 1_000_000 },
} satisfies Record<string, NumberRange>;
