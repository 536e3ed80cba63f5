import { StudioError } from '../../src-shared/contract/StudioError.ts';

export interface NumberRange {
  /** Only whole numbers (no decimal point, no exponent). */
  whole: boolean;
  min: number;
  /** No upper bound when absent. */
  max?: number | undefined;
}

// Plain decimal notation only: Number() would also take "0x10", "1e3", " " and "Infinity".
const WHOLE = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/**
 * A commander option parser for a number in a range. A bad value stops the command before it does
 * anything, with a usage error (exit 2) naming the option, the value and what is allowed, e.g.
 * `--epochs must be a whole number from 1 to 10000, got "2.5"`.
 */
export function numberOption(flag: string, range: NumberRange): (value: string) => number {
  return (value) => {
    const text = value.trim();
    const parsed = (range.whole ? WHOLE : DECIMAL).test(text) ? Number(text) : Number.NaN;
    const inRange = parsed >= range.min && (range.max === undefined || parsed <= range.max);
    if (!inRange) throw new StudioError('invalid_input', `${flag} must be ${describeRange(range)}, got "${value}"`);
    return parsed;
  };
}

/** "a whole number from 1 to 10000", "a number of at least 1". */
export function describeRange({ whole, min, max }: NumberRange): string {
  const kind = whole ? 'a whole number' : 'a number';
  return max === undefined ? `${kind} of at least ${min}` : `${kind} from ${min} to ${max}`;
}
