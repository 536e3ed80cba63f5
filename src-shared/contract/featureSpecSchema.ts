import { z } from 'zod';
import { featureSpecProblems } from '../dsp/featureGeometry.ts';
import type { FeatureSpec } from '../model/FeatureSpec.ts';

/**
 * A FeatureSpec from outside (a preset file, the UI, a sweep spec): every field's range, then the
 * cross-field rules (upper frequency above Nyquist, FFT smaller than the window, …) with messages
 * a user can act on.
 */
export const featureSpecSchema = z
  .object({
    type: z.enum(['mfcc', 'log-mel', 'spectrogram']),
    sampleRate: z.number().int().min(1000, 'sample rate below 1000 Hz').max(192_000, 'sample rate above 192 kHz'),
    clipDurationMs: z.number().positive().max(60_000, 'clip duration above 60 s'),
    windowMs: z.number().positive().max(1000, 'window longer than 1 s'),
    strideMs: z.number().positive().max(1000, 'stride longer than 1 s'),
    fftSize: z.number().int().min(4).max(65_536, 'FFT size above 65536'),
    window: z.enum(['hann', 'hamming', 'blackman', 'rectangular']),
    center: z.boolean(),
    preEmphasis: z.number().min(0).max(1),
    magnitudePower: z.union([z.literal(1), z.literal(2)]),
    melBins: z.number().int().min(1).max(512),
    lowerHz: z.number().min(0),
    upperHz: z.number().positive(),
    melScale: z.enum(['htk', 'slaney']),
    melNorm: z.enum(['slaney', 'none']),
    melTriangles: z.enum(['hz', 'mel']),
    log: z.enum(['db', 'ln', 'none']),
    logFloor: z.number().min(0).max(1),
    topDb: z.number().positive().nullable(),
    mfccCount: z.number().int().min(1).max(512),
    dctNorm: z.enum(['ortho', 'tensorflow']),
    lifter: z.number().min(0).max(1000),
    deltas: z.union([z.literal(0), z.literal(1), z.literal(2)]),
    normalization: z.enum(['none', 'clip', 'dataset']),
  })
  .strict()
  .superRefine((spec, context) => {
    for (const message of featureSpecProblems(spec)) context.addIssue({ code: 'custom', message });
  }) satisfies z.ZodType<FeatureSpec>;

/** Parses `value` as a FeatureSpec or throws one error listing every problem. */
export function parseFeatureSpec(value: unknown, source = 'feature spec'): FeatureSpec {
  const result = featureSpecSchema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) =>
    issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
  );
  throw new RangeError(`${source} is invalid: ${problems.join('; ')}`);
}
