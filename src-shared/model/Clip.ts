export type ClipKind = 'sample' | 'noise';
export type SplitName = 'train' | 'validation' | 'test';

/** One row of the library table. */
export interface ClipRow {
  id: number;
  hash: string;
  kind: ClipKind;
  label: string | null;
  speaker: string | null;
  split: SplitName | null;
  originalName: string;
  durationMs: number;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  addedAt: string;
}

export interface LabelCount {
  label: string;
  count: number;
  /** The key that applies this label in the library, if any. */
  hotkey?: string | null;
  color?: string | null;
  /** A filler word, trained as `_unknown_` by default. */
  unknown?: boolean;
}

export interface ClipPage {
  total: number;
  offset: number;
  rows: ClipRow[];
}

/** Decoded audio, downmixed to mono at the file's own rate. */
export interface ClipAudio {
  clipId: number;
  sampleRate: number;
  samples: Float32Array;
}
