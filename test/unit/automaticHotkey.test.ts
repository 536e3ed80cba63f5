import { describe, expect, it } from 'vitest';
import { automaticHotkey } from '../../src-shared/model/automaticHotkey.ts';

describe('automaticHotkey', () => {
  it('gives a one-character name its own key when free, else the first free digit 1–9, 0', () => {
    expect(automaticHotkey('7', new Set())).toBe('7');
    expect(automaticHotkey('A', new Set())).toBe('a');
    expect(automaticHotkey('7', new Set(['7']))).toBe('1');
    expect(automaticHotkey('yes', new Set(['1', '2']))).toBe('3');
    expect(automaticHotkey('go', new Set(['1', '2', '3', '4', '5', '6', '7', '8', '9']))).toBe('0');
  });

  it('gives none once every digit is taken', () => {
    expect(automaticHotkey('eleventh', new Set(['1', '2', '3', '4', '5', '6', '7', '8', '9', '0']))).toBeNull();
  });
});
