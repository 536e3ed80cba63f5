/**
 * Quality flags: cheap checks on a decoded clip that point the user at recordings worth a listen.
 * Each flag carries the measurement behind it so the library can show and sort by it.
 */

export type QualityFlagName = 'clipped' | 'silent' | 'quiet' | 'dc_offset' | 'too_short' | 'too_long';

export interface QualityFlag {
  flag: QualityFlagName;
  /**
   * clipped: fraction of samples at full scale or in flat-topped runs; silent: peak dBFS;
   * quiet: RMS of the loudest 100 ms in dBFS; dc_offset: the mean; too_short / too_long: duration ms.
   */
  value: number;
}

export interface QualityOptions {
  /** The project's clip length (train.py's clip_duration_ms). */
  clipDurationMs: number;
}

export const QUALITY_FLAGS: readonly QualityFlagName[] = [
  'clipped',
  'silent',
  'quiet',
  'dc_offset',
  'too_short',
  'too_long',
];

/**
 * |x| at or above this counts as full scale. 0.999 is within 33 LSB of 16-bit full scale, so a
 * converter that clips at 32767, or a file rescaled by a hair after clipping, still counts.
 */
const FULL_SCALE = 0.999;
/**
 * 0.1% of samples (16 in a 1 s clip at 16 kHz): one or two stray full-scale peaks are harmless,
 * sustained clipping distorts the spectrum the features are computed from.
 */
const CLIPPED_FRACTION = 0.001;
/**
 * Clipping followed by a gain change leaves flat tops below full scale: three or more consecutive
 * equal samples at the clip's own peak. Only counted when the peak is at least −6 dBFS, because
 * a quiet low-frequency signal can repeat its peak value through quantisation alone; at −6 dBFS a
 * 16-bit sine needs to be below ~20 Hz to do that.
 */
const FLAT_TOP_RUN = 3;
const FLAT_TOP_MIN_PEAK = 0.5;
/** −60 dBFS peak is ~33 LSB at 16 bits: below any usable speech, at the noise floor of a mic chain. */
const SILENT_PEAK_DBFS = -60;
/**
 * The loudest 100 ms (about a syllable) of normally recorded speech sits around −25 to −10 dBFS;
 * below −40 dBFS the word is close to the noise floor and normalising it mostly amplifies noise.
 * Silent clips are flagged silent, not also quiet.
 */
const QUIET_DBFS = -40;
const LOUDEST_WINDOW_MS = 100;
/**
 * 2% of full scale: ADC offsets are normally well under 0.5%; more indicates a broken chain, and
 * it shifts the lowest feature bands and c0.
 */
const DC_OFFSET = 0.02;
/**
 * Too short to hold a word: under a tenth of the project's clip length (100 ms at the usual 1 s).
 * Keyword clips shorter than the clip length are normal, train.py pads them, and words trimmed
 * tight are short: the quickest real digits of the Free Spoken Digit Dataset last 144 ms, and half
 * of it is under 455 ms (the old bound, half the clip length, flagged 63 % of it). Below 100 ms
 * there is at most one syllable's vowel: a click, a false trigger, a fragment of a split recording.
 * A fraction, not milliseconds, so short-event projects (0.5 s clips) and phrases (2 s) scale.
 */
const TOO_SHORT_FRACTION = 0.1;
/** train.py crops every clip to clip_duration_ms: above 1.5×, cropping drops a third or more and may drop the word. */
const TOO_LONG_FRACTION = 1.5;

export interface DurationLimits {
  /** Shorter than this is `too_short`. */
  tooShortBelowMs: number;
  /** Longer than this is `too_long`. */
  tooLongAboveMs: number;
}

/** The duration flags' bounds for a project's clip length: the one rule the import, analysis and the refresh on open share. */
export function durationLimits(clipDurationMs: number): DurationLimits {
  return { tooShortBelowMs: clipDurationMs * TOO_SHORT_FRACTION, tooLongAboveMs: clipDurationMs * TOO_LONG_FRACTION };
}

/** Floor for dBFS values so an all-zero clip reports a number, not −Infinity. */
const DBFS_FLOOR = -120;

export function computeQualityFlags(
  mono: Float32Array,
  sampleRate: number,
  { clipDurationMs }: QualityOptions,
): QualityFlag[] {
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate))
    throw new RangeError(`sample rate must be positive (got ${sampleRate})`);
  if (!(clipDurationMs > 0)) throw new RangeError(`clip duration must be positive (got ${clipDurationMs} ms)`);
  const flags: QualityFlag[] = [];
  const n = mono.length;
  const durationMs = (n / sampleRate) * 1000;

  let peak = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = mono[i]!;
    const magnitude = Math.abs(x);
    if (magnitude > peak) peak = magnitude;
    sum += x;
  }

  const clipped = clippedFraction(mono, peak);
  if (clipped !== null) flags.push({ flag: 'clipped', value: clipped });

  const peakDbfs = toDbfs(peak);
  if (peakDbfs < SILENT_PEAK_DBFS) {
    flags.push({ flag: 'silent', value: peakDbfs });
  } else {
    const loudest = toDbfs(loudestWindowRms(mono, Math.max(1, Math.round((LOUDEST_WINDOW_MS / 1000) * sampleRate))));
    if (loudest < QUIET_DBFS) flags.push({ flag: 'quiet', value: loudest });
  }

  const mean = n > 0 ? sum / n : 0;
  if (Math.abs(mean) > DC_OFFSET) flags.push({ flag: 'dc_offset', value: mean });

  const { tooShortBelowMs, tooLongAboveMs } = durationLimits(clipDurationMs);
  if (durationMs < tooShortBelowMs) flags.push({ flag: 'too_short', value: durationMs });
  else if (durationMs > tooLongAboveMs) flags.push({ flag: 'too_long', value: durationMs });
  return flags;
}

/** The fraction of clipped samples, or null when the clip does not count as clipped. */
function clippedFraction(mono: Float32Array, peak: number): number | null {
  const n = mono.length;
  if (n === 0) return null;
  let atFullScale = 0;
  let inFlatTops = 0;
  let flatTopFound = false;
  const watchFlatTops = peak >= FLAT_TOP_MIN_PEAK;
  let run = 0;
  for (let i = 0; i < n; i++) {
    const x = mono[i]!;
    const magnitude = Math.abs(x);
    if (magnitude >= FULL_SCALE) atFullScale++;
    if (watchFlatTops && magnitude === peak) {
      run = i > 0 && mono[i - 1] === x ? run + 1 : 1;
      if (run === FLAT_TOP_RUN) {
        flatTopFound = true;
        // Count the run so far, and each further sample of it as it comes.
        if (magnitude < FULL_SCALE) inFlatTops += FLAT_TOP_RUN;
      } else if (run > FLAT_TOP_RUN && magnitude < FULL_SCALE) inFlatTops++;
    } else run = 0;
  }
  const fraction = (atFullScale + inFlatTops) / n;
  return fraction >= CLIPPED_FRACTION || flatTopFound ? fraction : null;
}

/** RMS of the loudest window of `width` samples (the whole clip when shorter), from prefix sums. */
function loudestWindowRms(mono: Float32Array, width: number): number {
  const n = mono.length;
  if (n === 0) return 0;
  const w = Math.min(width, n);
  let energy = 0;
  for (let i = 0; i < w; i++) energy += mono[i]! * mono[i]!;
  let best = energy;
  for (let i = w; i < n; i++) {
    energy += mono[i]! * mono[i]! - mono[i - w]! * mono[i - w]!;
    if (energy > best) best = energy;
  }
  return Math.sqrt(Math.max(0, best) / w);
}

function toDbfs(linear: number): number {
  return linear > 0 ? Math.max(DBFS_FLOOR, 20 * Math.log10(linear)) : DBFS_FLOOR;
}
