import { z } from 'zod';
import type { TrainSpec } from '../model/TrainSpec.ts';
import { featureSpecSchema } from './featureSpecSchema.ts';

const kernel = z.tuple([z.number().int().min(1).max(128), z.number().int().min(1).max(128)]);
const conv = z.object({ filters: z.number().int().min(1).max(1024), kernel, stride: kernel }).strict();
const dropout = z.number().min(0).max(0.95);
const blocks = z.array(z.number().int().min(1).max(1024)).min(1, 'a model needs at least one block').max(32);
const widthMultiplier = z.number().positive().max(8);

const modelSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('tiny_conv'), dropout }).strict(),
  z.object({ kind: z.literal('conv'), dropout }).strict(),
  z.object({ kind: z.literal('low_latency_conv'), dropout }).strict(),
  z
    .object({ kind: z.literal('ds_cnn'), firstConv: conv, blocks, blockKernel: kernel, widthMultiplier, dropout })
    .strict(),
  z
    .object({
      kind: z.literal('rep_inception'),
      firstConv: conv,
      blocks,
      branchKernels: z
        .array(
          z
            .number()
            .int()
            .min(1)
            .max(63)
            .refine((k) => k % 2 === 1, 'branch kernels must be odd'),
        )
        .min(1)
        .max(8),
      widthMultiplier,
      dropout,
    })
    .strict(),
]);

const rate = z.number().positive().max(10);
/** A share of the run's total steps. */
const share = z.number().min(0).max(1);
const FRACTIONS_TOLERANCE = 1e-6;

/** Adds an issue unless exactly one of two alternative fields is given. */
function exactlyOne(
  value: Record<string, unknown>,
  context: z.RefinementCtx,
  absolute: string,
  relative: string,
  what: string,
): void {
  const given = [absolute, relative].filter((key) => value[key] !== undefined);
  if (given.length === 1) return;
  const message =
    given.length === 0
      ? `needs ${absolute} (${what} in steps) or ${relative} (as a share of the run)`
      : `give ${absolute} or ${relative}, not both`;
  context.addIssue({ code: 'custom', path: [absolute], message });
}

const scheduleSpecSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('piecewise'),
      steps: z.array(z.number().int().positive()).min(1).max(20).optional(),
      fractions: z.array(z.number().positive().max(1)).min(1).max(20).optional(),
      rates: z.array(rate).min(1).max(20),
    })
    .strict()
    .superRefine((s, context) => {
      exactlyOne(s, context, 'steps', 'fractions', 'stage lengths');
      const stages = s.steps ?? s.fractions;
      if (stages && stages.length !== s.rates.length) {
        context.addIssue({
          code: 'custom',
          message: `a piecewise schedule needs one rate per stage (as many rates as ${s.steps ? 'step counts' : 'fractions'})`,
        });
      }
      const sum = (s.fractions ?? []).reduce((total, fraction) => total + fraction, 0);
      if (s.fractions && !s.steps && s.fractions.every(Number.isFinite) && Math.abs(sum - 1) > FRACTIONS_TOLERANCE) {
        context.addIssue({
          code: 'custom',
          path: ['fractions'],
          message: `the stages' shares of the run must add up to 1 (these add up to ${Number(sum.toPrecision(6))})`,
        });
      }
    }),
  z.object({ kind: z.literal('constant'), rate }).strict(),
  z.object({ kind: z.literal('exponential'), initial: rate, final: rate }).strict(),
  z
    .object({
      kind: z.literal('polynomial'),
      initial: rate,
      final: z.number().min(0).max(10),
      power: z.number().positive().max(10),
    })
    .strict(),
  z
    .object({
      kind: z.literal('cosine'),
      initial: rate,
      final: z.number().min(0).max(10),
      warmupSteps: z.number().int().min(0).optional(),
      warmupFraction: share.max(0.99).optional(),
    })
    .strict()
    .superRefine((s, context) => exactlyOne(s, context, 'warmupSteps', 'warmupFraction', 'the warm-up')),
  z
    .object({
      kind: z.literal('cyclical'),
      low: rate,
      high: rate,
      stepsPerHalfCycle: z.number().int().positive().optional(),
      cyclesPerRun: z.number().positive().max(10_000).optional(),
    })
    .strict()
    .superRefine((s, context) => exactlyOne(s, context, 'stepsPerHalfCycle', 'cyclesPerRun', 'the cycle length')),
]);

const fraction = z.number().min(0).max(1);
const step = z.number().int().min(0);
const timing = {
  beginStep: step.optional(),
  beginFraction: share.optional(),
  endFraction: share.positive().optional(),
  frequency: z.number().int().positive().optional(),
  frequencyFraction: share.positive().optional(),
};
/**
 * Each of begin, end and frequency in steps or as a share of the run; the end after the begin when
 * both are in the same unit (polynomial decay needs a span; constant sparsity may update once).
 */
function checkTiming(
  p: z.infer<z.ZodObject<typeof timing>> & { endStep?: number | undefined },
  context: z.RefinementCtx,
  span: boolean,
): void {
  exactlyOne(p, context, 'beginStep', 'beginFraction', 'where pruning begins');
  exactlyOne(p, context, 'endStep', 'endFraction', 'where it ends');
  exactlyOne(p, context, 'frequency', 'frequencyFraction', 'how often masks are updated');
  const before = (begin: number | undefined, end: number | undefined) =>
    begin !== undefined && end !== undefined && (span ? end <= begin : end < begin);
  if (p.endStep !== -1 && before(p.beginStep, p.endStep))
    context.addIssue({ code: 'custom', message: 'pruning endStep must come after beginStep' });
  if (before(p.beginFraction, p.endFraction))
    context.addIssue({ code: 'custom', message: 'pruning endFraction must come after beginFraction' });
}
const pruningSpecSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('constant'),
      sparsity: fraction.max(0.999),
      ...timing,
      endStep: z.number().int().min(-1).optional(),
    })
    .strict()
    .superRefine((p, context) => checkTiming(p, context, false)),
  z
    .object({
      kind: z.literal('polynomial'),
      initialSparsity: fraction,
      finalSparsity: fraction.max(0.999),
      power: z.number().positive(),
      ...timing,
      endStep: step.optional(),
    })
    .strict()
    .superRefine((p, context) => checkTiming(p, context, true)),
]);

const optimizerSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sgd'), momentum: z.number().min(0).max(0.999), nesterov: z.boolean() }).strict(),
  z
    .object({
      kind: z.literal('adam'),
      beta1: z.number().min(0).max(0.9999),
      beta2: z.number().min(0).max(0.99999),
      epsilon: z.number().positive(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('adamw'),
      beta1: z.number().min(0).max(0.9999),
      beta2: z.number().min(0).max(0.99999),
      epsilon: z.number().positive(),
      weightDecay: z.number().min(0).max(1),
    })
    .strict(),
]);

const percentage = z.number().min(0).max(1000);
const dataSpecSchema = z
  .object({
    wantedWords: z.array(z.string().min(1).max(200)).min(1).max(1000).nullable(),
    silencePercentage: percentage,
    unknownPercentage: percentage,
    backgroundVolume: fraction,
    backgroundFrequency: fraction,
    timeShiftMs: z.number().min(0).max(5000),
    specAugment: z
      .object({
        timeMasks: z.number().int().min(0).max(20),
        timeMaskFrames: z.number().int().min(0),
        frequencyMasks: z.number().int().min(0).max(20),
        frequencyMaskBins: z.number().int().min(0),
      })
      .strict(),
    speedPerturbation: z
      .object({ min: z.number().min(0.5).max(2), max: z.number().min(0.5).max(2) })
      .strict()
      .refine((s) => s.min <= s.max, 'speed perturbation min must not exceed max')
      .nullable(),
    balance: z.enum(['none', 'oversample']),
  })
  .strict();

/** The most epochs a spec may ask for. */
export const MAX_EPOCHS = 10_000;

/** A TrainSpec from a spec file, the Train page or a sweep, checked field by field. */
export const trainSpecSchema = z
  .object({
    name: z.string().max(200).optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1),
    features: featureSpecSchema,
    model: modelSpecSchema,
    data: dataSpecSchema,
    optimizer: optimizerSpecSchema,
    schedule: scheduleSpecSchema,
    batchSize: z.number().int().min(1).max(8192),
    epochs: z.number().int().min(1).max(MAX_EPOCHS),
    steps: z.number().int().min(1).max(10_000_000).optional(),
    gradientAccumulation: z.number().int().min(1).max(1024),
    l2: z.number().min(0).max(1),
    labelSmoothing: z.number().min(0).max(0.5),
    earlyStopping: z
      .object({
        metric: z.enum(['val_accuracy', 'val_loss']),
        patience: z.number().int().min(0),
        minDelta: z.number().min(0),
      })
      .strict()
      .nullable(),
    pruning: pruningSpecSchema.nullable(),
    deploy: z
      .object({
        quantize: z.literal('int8'),
        io: z.enum(['int8', 'float32']),
        calibration: z.number().int().min(1).max(10_000),
      })
      .strict()
      .optional(),
  })
  .strict() satisfies z.ZodType<TrainSpec>;

/** Parses a TrainSpec or throws one error naming every problem with its field. */
export function parseTrainSpec(value: unknown, source = 'train spec'): TrainSpec {
  const result = trainSpecSchema.safeParse(value);
  if (result.success) return result.data as TrainSpec;
  const problems = result.error.issues.map((issue) =>
    issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
  );
  throw new RangeError(`${source} is invalid: ${problems.join('; ')}`);
}
