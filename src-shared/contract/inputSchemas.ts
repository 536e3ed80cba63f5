import { z } from 'zod';
import { clipSortKeys } from '../model/ClipQuery.ts';
import { featureSpecSchema } from './featureSpecSchema.ts';
import { trainSpecSchema } from './trainSpecSchema.ts';
import { sweepSpecSchema } from './sweepSpecSchema.ts';
import { uploadLimits } from '../model/Upload.ts';
import { exportFormats, exportIoTypes, exportQuantizations } from '../model/ExportBundle.ts';
import type { MethodName, ServiceName, ServiceTable } from './ServiceTable.ts';

type FirstParameter<F> = F extends (...args: infer A) => unknown ? A[0] : never;

const noInput = z.undefined();
const fsPath = z
  .string()
  .trim()
  .min(1, 'a path is required')
  .max(4096, 'the path is longer than 4096 characters')
  .refine((value) => !value.includes('\0'), 'the path contains a NUL character');

const name = z.string().max(200);
const sweepId = z.string().regex(/^sweep-[0-9A-Za-z-]{1,64}$/, 'not a sweep id');
const runId = z.string().regex(/^run-[0-9A-Za-z-]{1,64}$/, 'not a run id');
const runIdList = z.array(runId).min(1, 'select at least one run').max(100_000);
const runKey = z.string().min(1).max(300);
const runSelection = {
  conditions: z
    .array(
      z
        .object({
          key: runKey,
          op: z.enum(['=', '!=', '>', '>=', '<', '<=', '~']),
          value: z.union([z.string().max(1000), z.number(), z.boolean()]),
        })
        .strict(),
    )
    .max(100),
  scope: z.enum(['active', 'archived', 'deleted']),
  starredOnly: z.boolean().optional(),
  sweepId: sweepId.nullable().optional(),
};
const runTags = z.object({ runIds: runIdList, tags: z.array(z.string().max(200)).max(100) }).strict();
const predictionSplit = z.enum(['train', 'validation', 'test']);
// Services check label names fully (reserved names, control characters); this bounds the size.
const labelName = z.string().max(200);
const clipIds = z.union([z.array(z.number().int().positive()).max(2_000_000), z.instanceof(Int32Array)]);
const labelInput = z
  .object({
    name: labelName,
    hotkey: z.string().max(8).nullable().optional(),
    color: z.string().max(16).nullable().optional(),
    unknown: z.boolean().optional(),
  })
  .strict();
const uploadId = z.string().regex(/^upload-[0-9a-f-]{36}$/, 'not an upload id');
const uploadPath = z.string().min(1).max(uploadLimits.maxPathLength);
const importInput = z
  .object({
    path: fsPath,
    pattern: z.string().trim().min(1).max(500).optional(),
    manifest: fsPath.optional(),
    uploadId: uploadId.optional(),
  })
  .strict()
  .refine((input) => !(input.pattern && input.manifest), 'give a file-name pattern or a manifest, not both');
const clipFilter = z
  .object({
    kind: z.enum(['sample', 'noise']).optional(),
    labels: z.array(name).max(1000).optional(),
    splits: z
      .array(z.enum(['train', 'validation', 'test', 'none']))
      .max(4)
      .optional(),
    speakers: z.array(name).max(1000).optional(),
    minDurationMs: z.number().min(0).optional(),
    maxDurationMs: z.number().min(0).optional(),
    flags: z.array(z.string().max(40)).max(40).optional(),
    search: z.string().max(500).optional(),
    trashed: z.boolean().optional(),
  })
  .strict();
const clipSort = z.object({ key: z.enum(clipSortKeys), direction: z.enum(['asc', 'desc']) }).strict();

/**
 * The schema of every method's input. Every call that crosses a process boundary is parsed
 * with these before a service sees it; the mapped type keeps them in step with the interfaces.
 */
/** What every export call names: the run, the format and, for TFLite, how the model is made. */
const exportChoice = {
  runId,
  format: z.enum(exportFormats),
  quantize: z.enum(exportQuantizations).optional(),
  io: z.enum(exportIoTypes).optional(),
  calibration: z.number().int().min(1).max(10_000).optional(),
};

export const inputSchemas = {
  project: {
    create: z.object({ path: fsPath, name: z.string().trim().min(1).max(200).optional() }).strict(),
    open: z.object({ path: fsPath }).strict(),
    close: noInput,
    current: noInput,
    recent: noInput,
    forgetRecent: z.union([z.object({ path: fsPath }).strict(), z.object({ missing: z.literal(true) }).strict()]),
    createDemo: z
      .object({
        path: fsPath.optional(),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1)
          .optional(),
        clipsPerWord: z.number().int().min(1).max(1000).optional(),
      })
      .strict(),
    previewImport: importInput,
    importFolder: importInput,
    beginUpload: z
      .object({
        files: z
          .array(z.object({ path: uploadPath, size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }).strict())
          .min(1, 'the upload has no files')
          .max(uploadLimits.maxFiles, `an upload holds at most ${uploadLimits.maxFiles} files`),
      })
      .strict(),
    uploadChunk: z
      .object({
        uploadId,
        pieces: z
          .array(
            z.object({ path: uploadPath, offset: z.number().int().min(0), bytes: z.instanceof(Uint8Array) }).strict(),
          )
          .min(1)
          .max(100_000)
          .refine(
            (pieces) => pieces.reduce((sum, piece) => sum + piece.bytes.byteLength, 0) <= uploadLimits.maxChunkBytes,
            `one call carries at most ${uploadLimits.maxChunkBytes / 2 ** 20} MiB`,
          ),
      })
      .strict(),
    discardUpload: z.object({ uploadId }).strict(),
    cancelTask: z.object({ taskId: z.string().min(1).max(100) }).strict(),
  },
  library: {
    listClips: z
      .object({
        filter: clipFilter.optional(),
        sort: clipSort.optional(),
        offset: z.number().int().min(0).optional(),
        limit: z.number().int().min(1).max(5000).optional(),
      })
      .strict(),
    clipIds: z.object({ filter: clipFilter.optional(), sort: clipSort.optional() }).strict(),
    labelCounts: noInput,
    flagCounts: noInput,
    clipAudio: z.object({ clipId: z.number().int().positive() }).strict(),
    statistics: noInput,
    setLabel: z.object({ clipIds, label: labelName.nullable() }).strict(),
    // The service checks the name itself (control characters, empty means none); this bounds the size.
    setSpeaker: z.object({ clipIds, speaker: z.string().max(200).nullable() }).strict(),
    createLabel: labelInput,
    renameLabel: z.object({ from: labelName, to: labelName }).strict(),
    mergeLabels: z.object({ sources: z.array(labelName).min(1).max(1000), target: labelName }).strict(),
    deleteLabel: z.object({ name: labelName }).strict(),
    setLabelStyle: labelInput,
    trashClips: z.object({ clipIds }).strict(),
    restoreClips: z.object({ clipIds }).strict(),
    undo: noInput,
    redo: noInput,
    history: z.object({ limit: z.number().int().min(1).max(1000).optional() }).strict(),
    assignSplits: z
      .object({ validationPercent: z.number().min(0).max(100), testPercent: z.number().min(0).max(100) })
      .strict(),
    setSplitOverride: z.object({ clipIds, split: z.enum(['train', 'validation', 'test']).nullable() }).strict(),
    splitReport: noInput,
    flagNearDuplicates: noInput,
  },
  features: {
    presets: noInput,
    clipFeatures: z
      .object({ clipId: z.number().int().positive(), spec: featureSpecSchema, fresh: z.boolean().optional() })
      .strict(),
    extractAll: z
      .object({
        spec: featureSpecSchema,
        threads: z.number().int().min(1).max(1024).optional(),
        float16: z.boolean().optional(),
      })
      .strict(),
    cancelTask: z.object({ taskId: z.string().min(1).max(100) }).strict(),
    cacheStatus: noInput,
    clearCache: noInput,
    exportModelInputs: z
      .object({
        runId,
        split: z.enum(['train', 'validation', 'test']),
        directory: fsPath,
        overwrite: z.boolean().optional(),
        limit: z.number().int().min(1).max(1_000_000).optional(),
      })
      .strict(),
  },
  training: {
    presets: noInput,
    modelStats: z
      .object({
        model: trainSpecSchema.shape.model,
        features: featureSpecSchema,
        classes: z.number().int().min(2).max(10_000),
      })
      .strict(),
    warnings: z.object({ spec: trainSpecSchema }).strict(),
    startRun: z.object({ spec: trainSpecSchema }).strict(),
    resumeRun: z.object({ runId }).strict(),
    cancelRun: z.object({ runId, reason: z.string().min(1).max(500).optional() }).strict(),
  },
  sweeps: {
    presets: noInput,
    check: z.object({ spec: z.unknown() }).strict(),
    startSweep: z
      .object({
        spec: sweepSpecSchema,
        queueUrl: z
          .string()
          .regex(/^rediss?:\/\/\S+$/, 'not a Redis URL (redis://host:port)')
          .optional(),
      })
      .strict(),
    runSweep: z.object({ sweepId }).strict(),
    addTrials: z.object({ sweepId, spec: sweepSpecSchema }).strict(),
    pauseSweep: z.object({ sweepId, reason: z.string().trim().min(1).max(200).optional() }).strict(),
    resumeSweep: z.object({ sweepId }).strict(),
    cancelSweep: z.object({ sweepId }).strict(),
    listSweeps: noInput,
    getSweep: z.object({ sweepId }).strict(),
  },
  runs: {
    listRuns: noInput,
    getRun: z.object({ runId }).strict(),
    predictions: z
      .object({
        runId,
        actual: z.string().max(200).optional(),
        predicted: z.string().max(200).optional(),
        split: z.enum(['train', 'validation', 'test']).optional(),
        limit: z.number().int().min(1).max(100_000).optional(),
      })
      .strict(),
    queryRuns: z
      .object({
        ...runSelection,
        sort: z.array(z.object({ key: runKey, direction: z.enum(['asc', 'desc']) }).strict()).max(10),
        offset: z.number().int().min(0),
        limit: z.number().int().min(1).max(10_000),
      })
      .strict(),
    columns: noInput,
    runIds: z.object(runSelection).strict(),
    tags: noInput,
    setTags: runTags,
    addTags: runTags,
    removeTags: runTags,
    setNote: z.object({ runIds: runIdList, note: z.string().max(20_000) }).strict(),
    setStarred: z.object({ runIds: runIdList, starred: z.boolean() }).strict(),
    archiveRuns: z.object({ runIds: runIdList }).strict(),
    unarchiveRuns: z.object({ runIds: runIdList }).strict(),
    deleteRuns: z.object({ runIds: runIdList }).strict(),
    restoreRuns: z.object({ runIds: runIdList }).strict(),
    purgeDeletedRuns: z.object({ runIds: runIdList.optional() }).strict(),
    compareRuns: z
      .object({
        runIds: z.array(runId).min(2, 'compare at least 2 runs').max(8, 'compare at most 8 runs'),
        baselineRunId: runId.optional(),
      })
      .strict(),
    clipDifferences: z
      .object({
        baseRunId: runId,
        otherRunId: runId,
        split: predictionSplit.optional(),
        limit: z.number().int().min(1).max(100_000).optional(),
      })
      .strict(),
    likelyMislabeled: z
      .object({
        runId,
        minConfidence: z.number().min(0).max(1).optional(),
        split: predictionSplit.optional(),
        limit: z.number().int().min(1).max(100_000).optional(),
      })
      .strict(),
    sweepAnalysis: z.object({ sweepId, metric: runKey.optional() }).strict(),
    exportRuns: z
      .object({ runIds: runIdList, format: z.enum(['csv', 'json']), columns: z.array(runKey).max(2000).optional() })
      .strict(),
  },
  export: {
    formats: noInput,
    exportRun: z.object({ ...exportChoice, directory: fsPath, overwrite: z.boolean().optional() }).strict(),
    exportFiles: z.object(exportChoice).strict(),
  },
  system: {
    diagnostics: noInput,
    version: noInput,
  },
} satisfies {
  [S in ServiceName]: {
    [M in MethodName<ServiceTable[S]>]: z.ZodType<FirstParameter<ServiceTable[S][M]>>;
  };
};
