import { describe, expect, it } from 'vitest';
import { numberOption } from '../../src-main/cli/numberOption.ts';

describe('numberOption', () => {
  it('takes plain decimal numbers in range', () => {
    expect(numberOption('--epochs', { whole: true, min: 1, max: 10_000 })('20')).toBe(20);
    expect(numberOption('--epochs', { whole: true, min: 1, max: 10_000 })(' 10000 ')).toBe(10_000);
    expect(numberOption('--test', { whole: false, min: 0, max: 100 })('12.5')).toBe(12.5);
    expect(numberOption('--offset', { whole: true, min: 0 })('0')).toBe(0);
  });

  it('refuses anything else with a usage error naming the option, the value and the range', () => {
    const epochs = numberOption('--epochs', { whole: true, min: 1, max: 10_000 });
    for (const value of ['0', '-3', '2.5', 'abc', '', '1e3', '0x10', 'Infinity', '10001']) {
      expect(() => epochs(value), value).toThrow(
        expect.objectContaining({
          code: 'invalid_input',
          message: `--epochs must be a whole number from 1 to 10000, got "${value}"`,
        }),
      );
    }
    expect(() => numberOption('--limit', { whole: true, min: 1 })('0')).toThrow(
      '--limit must be a whole number of at least 1, got "0"',
    );
    expect(() => numberOption('--test', { whole: false, min: 0, max: 100 })('NaN')).toThrow(
      '--test must be a number from 0 to 100, got "NaN"',
    );
  });
});
