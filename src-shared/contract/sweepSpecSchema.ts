import { z } from 'zod';
import { int8Objectives, sweepObjectives, type SweepSpec } from '../model/SweepSpec.ts';
import { expandSweep, sweepTrialCount } from '../sweep/expandSweep.ts';
import { trainSpecSchema } from './trainSpecSchema.ts';

const MAX_TRIALS = 10_000;
const path = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/,
    'an axis path is dot-separated field names, e.g. "model.firstConv.filters"',
  );
const axis = z.union([
  z.object({ path, values: z.array(z.unknown()).min(1, 'an axis needs at least one value').max(1000) }).strict(),
  z
    .object({
      path,
      range: z
        .object({ min: z.number(), max: z.number(), scale: z.enum(['linear', 'log']), integer: z.boolean() })
        .strict(),
    })
    .strict()
    .refine((a) => a.range.min <= a.range.max, 'a range needs min ≤ max')
    .refine((a) => a.range.scale === 'linear' || a.range.min > 0, 'a log range needs min > 0'),
]);
const seed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);
const strategy = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('grid') }).strict(),
  z.object({ kind: z.literal('random'), trials: z.number().int().min(1).max(MAX_TRIALS), seed }).strict(),
  z
    .object({
      kind: z.literal('halving'),
      trials: z.number().int().min(2).max(MAX_TRIALS).nullable(),
      seed,
      minEpochs: z.number().int().min(1),
      maxEpochs: z.number().int().min(1),
      reduction: z.number().int().min(2).max(10),
    })
    .strict()
    .refine((s) => s.maxEpochs >= s.minEpochs, 'successive halving needs maxEpochs ≥ minEpochs'),
]);

/** A SweepSpec, checked down to every trial it expands to (each must be a valid TrainSpec). */
export const sweepSpecSchema = z
  .object({
    name: z.string().max(200).optional(),
    base: trainSpecSchema,
    axes: z.array(axis).min(1, 'a sweep needs at least one axis').max(20),
    strategy,
    constraints: z
      .object({
        maxGzipKb: z.number().positive().nullable(),
        maxLatencyMs: z.number().positive().nullable(),
        minValAccuracy: z.number().min(0).max(1).nullable(),
        maxInt8ZlibKb: z.number().positive().nullable().optional(),
        maxInt8LatencyMs: z.number().positive().nullable().optional(),
      })
      .strict(),
    objectives: z.array(z.enum(sweepObjectives)).min(1).max(4),
  })
  .strict()
  .superRefine((sweep, context) => {
    const spec = sweep as SweepSpec;
    const int8 = [
      ...(spec.constraints.maxInt8ZlibKb != null ? ['maxInt8ZlibKb'] : []),
      ...(spec.constraints.maxInt8LatencyMs != null ? ['maxInt8LatencyMs'] : []),
      ...spec.objectives.filter((objective) => int8Objectives.includes(objective)),
    ];
    if (int8.length > 0 && !spec.base.deploy) {
      context.addIssue({
        code: 'custom',
        message: `${int8.join(', ')} need${int8.length === 1 ? 's' : ''} the int8 TFLite model of every trial: set base.deploy (e.g. { "quantize": "int8", "io": "int8", "calibration": 300 })`,
      });
      return;
    }
    const count = sweepTrialCount(spec);
    if (count > MAX_TRIALS) {
      context.addIssue({
        code: 'custom',
        message: `the sweep makes ${count.toLocaleString('en-US')} trials; at most ${MAX_TRIALS.toLocaleString('en-US')}`,
      });
      return;
    }
    let trials;
    try {
      trials = expandSweep(spec);
    } catch (error) {
      context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      return;
    }
    for (const trial of trials) {
      const result = trainSpecSchema.safeParse(trial.spec);
      if (result.success) continue;
      const where = Object.entries(trial.overrides)
        .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
        .join(', ');
      const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
      context.addIssue({
        code: 'custom',
        message: `trial ${trial.index + 1} (${where}) is not a valid run: ${problems}`,
      });
      return;
    }
  }) satisfies z.ZodType<SweepSpec>;

export function parseSweepSpec(value: unknown, source = 'sweep spec'): SweepSpec {
  const result = sweepSpecSchema.safeParse(value);
  if (result.success) return result.data as SweepSpec;
  const problems = result.error.issues.map((issue) =>
    issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
  );
  throw new RangeError(`${source} is invalid: ${problems.join('; ')}`);
}
