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
  z.object({ kind: z.literal('ds_cnn'), firstConv: conv, blocks, blockKernel: kernel, widthMultiplier, dropout }).strict(),
  z
    .object({
      kind: z.literal('rep_inception'),
      firstConv: conv,
      blocks,
      branchKernels: z.array(z.number().int().min(1).max(63).refine((k) => k % 2 === 1, 'branch kernels must be odd')).min(1).max(8),
      widthMultiplier,
      dropout,
    })
    .strict(),
]);

const rate = z.number().positive().max(10);
const scheduleSpecSchema = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('piecewise'), steps: z.array(z.number().int().positive()).min(1).max(20), rates: z.array(rate).min(1).max(20) })
    .strict()
    .refine((s) => s.steps.length === s.rates.length, 'a piecewise schedule needs one rate per stage (as many rates as step counts)'),
  z.object({ kind: z.literal('constant'), rate }).strict(),
  z.object({ kind: z.literal('exponential'), initial: rate, final: rate }).strict(),
  z.object({ kind: z.literal('polynomial'), initial: rate, final: z.number().min(0).max(10), power: z.number().positive().max(10) }).strict(),
  z.object({ kind: z.literal('cosine'), initial: rate, final: z.number().min(0).max(10), warmupSteps: z.number().int().min(0) }).strict(),
  z.object({ kind: z.literal('cyclical'), low: rate, high: rate, stepsPerHalfCycle: z.number().int().positive() }).strict(),
]);

const fraction = z.number().min(0).max(1);
const step = z.number().int().min(0);
const frequency = z.number().int().positive();
const pruningSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('constant'), sparsity: fraction.max(0.999), beginStep: step, endStep: z.number().int().min(-1), frequency }).strict(),
  z
    .object({ kind: z.literal('polynomial'), initialSparsity: fraction, finalSparsity: fraction.max(0.999), beginStep: step, endStep: step, power: z.number().positive(), frequency })
    .strict()
    .refine((p) => p.endStep > p.beginStep, 'pruning endStep must come after beginStep'),
]);

const optimizerSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sgd'), momentum: z.number().min(0).max(0.999), nesterov: z.boolean() }).strict(),
  z.object({ kind: z.literal('adam'), beta1: z.number().min(0).max(0.9999), beta2: z.number().min(0).max(0.99999), epsilon: z.number().positive() }).strict(),
  z
    .object({ kind: z.literal('adamw'), beta1: z.number().min(0).max(0.9999), beta2: z.number().min(0).max(0.99999), epsilon: z.number().positive(), weightDecay: z.number().min(0).max(1) })
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
      .object({ timeMasks: z.number().int().min(0).max(20), timeMaskFrames: z.number().int().min(0), frequencyMasks: z.number().int().min(0).max(20), frequencyMaskBins: z.number().int().min(0) })
      .strict(),
    speedPerturbation: z
      .object({ min: z.number().min(0.5).max(2), max: z.number().min(0.5).max(2) })
      .strict()
      .refine((s) => s.min <= s.max, 'speed perturbation min must not exceed max')
      .nullable(),
    balance: z.enum(['none', 'oversample']),
  })
  .strict();

/** A TrainSpec from a spec file, the Train page or a sweep, checked field by field. */
export const trainSpecSchema = z
  .object({
    name: z.string().max(200).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1),
    features: featureSpecSchema,
    model: modelSpecSchema,
    data: dataSpecSchema,
    optimizer: optimizerSpecSchema,
    schedule: scheduleSpecSchema,
    batchSize: z.number().int().min(1).max(8192),
    epochs: z.number().int().min(1).max(10_000),
    steps: z.number().int().min(1).max(10_000_000).optional(),
    gradientAccumulation: z.number().int().min(1).max(1024),
    l2: z.number().min(0).max(1),
    labelSmoothing: z.number().min(0).max(0.5),
    earlyStopping: z.object({ metric: z.enum(['val_accuracy', 'val_loss']), patience: z.number().int().min(0), minDelta: z.number().min(0) }).strict().nullable(),
    pruning: pruningSpecSchema.nullable(),
  })
  .strict() satisfies z.ZodType<TrainSpec>;

/** Parses a TrainSpec or throws one error naming every problem with its field. */
export function parseTrainSpec(value: unknown, source = 'train spec'): TrainSpec {
  const result = trainSpecSchema.safeParse(value);
  if (result.success) return result.data as TrainSpec;
  const problems = result.error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
  throw new RangeError(`${source} is invalid: ${problems.join('; ')}`);
}
