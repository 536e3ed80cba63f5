import type { DataSpec } from '../model/TrainSpec.ts';

/**
 * How many `_silence_` and `_unknown_` examples a split gets: percentages of its wanted words'
 * clips, rounded up (TensorFlow speech_commands' input_data.py); unknown is capped by the clips
 * there are to draw from.
 */
export function silenceAndUnknownCounts(
  known: number,
  unknownCandidates: number,
  data: Pick<DataSpec, 'silencePercentage' | 'unknownPercentage'>,
): { silence: number; unknown: number } {
  return {
    silence: Math.ceil((known * data.silencePercentage) / 100),
    unknown: Math.min(unknownCandidates, Math.ceil((known * data.unknownPercentage) / 100)),
  };
}
