import { trainSpecSchema } from '../../../src-shared/contract/trainSpecSchema.ts';
import type { TrainSpec } from '../../../src-shared/model/TrainSpec.ts';

/** One thing wrong with a spec: the field it belongs to (a dotted path) and a sentence about it. */
export interface SpecProblem {
  field: string;
  /** The whole sentence, naming the field: "Block filters, value 2: must be a number". */
  message: string;
  /** The same without the field's name, for the note under the field: "value 2: must be a number". */
  note: string;
}

const fieldNames: Record<string, string> = {
  name: 'Run name',
  seed: 'Seed',
  features: 'Features',
  batchSize: 'Batch size',
  epochs: 'Epochs',
  gradientAccumulation: 'Gradient accumulation',
  l2: 'L2',
  labelSmoothing: 'Label smoothing',
  'model.dropout': 'Dropout',
  'model.firstConv.filters': 'First conv filters',
  'model.firstConv.kernel': 'First conv kernel',
  'model.firstConv.stride': 'First conv stride',
  'model.blocks': 'Block filters',
  'model.blockKernel': 'Block kernel',
  'model.branchKernels': 'Branch kernels',
  'model.widthMultiplier': 'Width multiplier',
  'data.wantedWords': 'Wanted words',
  'data.silencePercentage': 'Silence',
  'data.unknownPercentage': 'Unknown',
  'data.backgroundVolume': 'Background volume',
  'data.backgroundFrequency': 'Background frequency',
  'data.timeShiftMs': 'Time shift',
  'data.specAugment.timeMasks': 'Time masks',
  'data.specAugment.timeMaskFrames': 'Time mask width',
  'data.specAugment.frequencyMasks': 'Frequency masks',
  'data.specAugment.frequencyMaskBins': 'Frequency mask width',
  'data.speedPerturbation': 'Speed perturbation',
  'data.speedPerturbation.min': 'Slowest speed',
  'data.speedPerturbation.max': 'Fastest speed',
  'optimizer.momentum': 'Momentum',
  'optimizer.beta1': 'β1',
  'optimizer.beta2': 'β2',
  'optimizer.epsilon': 'ε',
  'optimizer.weightDecay': 'Weight decay',
  schedule: 'Schedule',
  'schedule.rate': 'Learning rate',
  'schedule.initial': 'Initial rate',
  'schedule.final': 'Final rate',
  'schedule.power': 'Power',
  'schedule.warmupSteps': 'Warm-up steps',
  'schedule.warmupFraction': 'Warm-up share of the run',
  'schedule.cyclesPerRun': 'Cycles per run',
  'schedule.fractions': 'Stage shares of the run',
  'schedule.low': 'Low rate',
  'schedule.high': 'High rate',
  'schedule.stepsPerHalfCycle': 'Steps per half cycle',
  'schedule.steps': 'Stage steps',
  'schedule.rates': 'Stage rates',
  'earlyStopping.patience': 'Patience',
  'earlyStopping.minDelta': 'Minimum improvement',
  pruning: 'Pruning',
  'pruning.sparsity': 'Sparsity',
  'pruning.initialSparsity': 'Initial sparsity',
  'pruning.finalSparsity': 'Final sparsity',
  'pruning.beginStep': 'Begin step',
  'pruning.endStep': 'End step',
  'pruning.beginFraction': 'Pruning begin (share of run)',
  'pruning.endFraction': 'Pruning end (share of run)',
  'pruning.frequencyFraction': 'Pruning frequency (share of run)',
  'pruning.power': 'Power',
  'pruning.frequency': 'Frequency',
};

/** Tuples whose two entries are time and frequency. */
const pairFields = new Set(['model.firstConv.kernel', 'model.firstConv.stride', 'model.blockKernel']);

interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  origin?: string;
  expected?: string;
}

/** Every problem the schema finds, in words a user can act on, attached to its field. */
export function specProblems(spec: TrainSpec, classes: number, trainingClips: number | null = null): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const result = trainSpecSchema.safeParse(spec);
  if (!result.success) {
    for (const issue of result.error.issues as Issue[]) problems.push(describe(issue));
  }
  if (classes < 2) {
    const note = 'the model needs at least two classes: choose more words, or keep silence or unknown on';
    problems.push({ field: 'data.wantedWords', message: `Wanted words: ${note}`, note });
  }
  if (trainingClips === 0) {
    const note = 'no clip of the wanted words is in the training split yet: assign splits first';
    problems.push({ field: 'data.splits', message: `Splits: ${note}`, note });
  }
  return problems;
}

function describe(issue: Issue): SpecProblem {
  const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
  const index = path.findIndex((part) => typeof part === 'number');
  const fieldPath = (index === -1 ? path : path.slice(0, index)).join('.');
  const position = index === -1 ? null : (path[index] as number);
  const name = fieldNames[fieldPath] ?? fieldPath;
  const qualifier =
    position === null
      ? ''
      : pairFields.has(fieldPath)
        ? position === 0
          ? 'time'
          : 'frequency'
        : `value ${position + 1}`;
  const reason = explain(issue);
  return {
    field: fieldPath,
    message: `${name}${qualifier ? ` (${qualifier})` : ''}: ${reason}`,
    note: qualifier ? `${qualifier}: ${reason}` : reason,
  };
}

function explain(issue: Issue): string {
  const limit = (value: number | bigint | undefined) =>
    value === undefined ? '' : Number(value).toLocaleString('en-US', { maximumSignificantDigits: 6 });
  if (issue.code === 'too_small') {
    if (issue.origin === 'array')
      return Number(issue.minimum) <= 1 ? 'needs at least one value' : `needs at least ${limit(issue.minimum)} values`;
    if (issue.origin === 'string') return 'must not be empty';
    return issue.inclusive === false
      ? `must be above ${limit(issue.minimum)}`
      : `must be at least ${limit(issue.minimum)}`;
  }
  if (issue.code === 'too_big') {
    if (issue.origin === 'array') return `takes at most ${limit(issue.maximum)} values`;
    if (issue.origin === 'string') return `is too long (at most ${limit(issue.maximum)} characters)`;
    return issue.inclusive === false
      ? `must be below ${limit(issue.maximum)}`
      : `must be at most ${limit(issue.maximum)}`;
  }
  if (issue.code === 'invalid_type')
    return issue.expected === 'int'
      ? 'must be a whole number'
      : issue.expected === 'number'
        ? 'must be a number'
        : `must be a ${issue.expected ?? 'value'}`;
  return issue.message;
}

/** The first problem of a field (or of anything under it), for the note under that field. */
export function problemOf(problems: SpecProblem[], field: string): string | undefined {
  return problems.find((problem) => problem.field === field || problem.field.startsWith(`${field}.`))?.note;
}
