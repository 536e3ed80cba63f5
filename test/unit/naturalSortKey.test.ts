import { describe, expect, it } from 'vitest';
import { naturalSortKey } from '../../src-shared/model/naturalSortKey.ts';

/** Sorted as SQLite's ORDER BY on the stored key sorts them: a plain comparison of the keys. */
const byKey = (names: string[]) =>
  [...names].sort((a, b) =>
    naturalSortKey(a) < naturalSortKey(b) ? -1 : naturalSortKey(a) > naturalSortKey(b) ? 1 : 0,
  );

describe('naturalSortKey', () => {
  it('puts _2 before _10, as people read file names', () => {
    expect(byKey(['take_10.wav', 'take_2.wav', 'take_1.wav', 'take_100.wav', 'take_9.wav'])).toEqual([
      'take_1.wav',
      'take_2.wav',
      'take_9.wav',
      'take_10.wav',
      'take_100.wav',
    ]);
  });

  it('orders the Free Spoken Digit Dataset by digit, speaker, then take number', () => {
    expect(byKey(['0_george_10.wav', '0_george_2.wav', '1_george_0.wav', '0_jackson_1.wav', '0_george_0.wav'])).toEqual(
      ['0_george_0.wav', '0_george_2.wav', '0_george_10.wav', '0_jackson_1.wav', '1_george_0.wav'],
    );
  });

  it('compares every digit run by value, not only the last', () => {
    expect(byKey(['s10_t1.wav', 's2_t10.wav', 's2_t3.wav', 's1_t20.wav'])).toEqual([
      's1_t20.wav',
      's2_t3.wav',
      's2_t10.wav',
      's10_t1.wav',
    ]);
  });

  it('ignores case and leading zeros', () => {
    expect(naturalSortKey('Take_007.WAV')).toBe(naturalSortKey('take_7.wav'));
    expect(byKey(['B_1.wav', 'a_2.wav', 'A_10.wav'])).toEqual(['a_2.wav', 'A_10.wav', 'B_1.wav']);
    // Zero itself is a one-digit number, not an empty one.
    expect(byKey(['x_1', 'x_000', 'x_01'])).toEqual(['x_000', 'x_1', 'x_01']);
  });

  it('keeps names without digits in plain alphabetical order, a prefix first', () => {
    expect(byKey(['yes.wav', 'no.wav', 'no_more.wav', 'no'])).toEqual(['no', 'no.wav', 'no_more.wav', 'yes.wav']);
  });

  it('orders numbers of different lengths by value up to 99 digits', () => {
    const big = '9'.repeat(30);
    expect(byKey([`n_${big}`, 'n_123456789012', 'n_99999999999'])).toEqual([
      'n_99999999999',
      'n_123456789012',
      `n_${big}`,
    ]);
  });
});
