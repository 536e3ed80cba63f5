import { describe, expect, it } from 'vitest';
import {
  baseNameOf,
  computeSplit,
  nohashName,
  percentageHash,
  splitForPercentage,
  splitGroupOf,
} from '../../src-main/services/library/splitHash.ts';

/**
 * Expected values computed with Python 3 from TensorFlow speech_commands' which_set:
 *   hash_name = re.sub(r'_nohash_.*$', '', os.path.basename(name))
 *   (int(hashlib.sha1(hash_name.encode()).hexdigest(), 16) % (2**27)) * (100.0 / (2**27 - 1))
 * printed with repr(), so the comparison below is exact to the last bit.
 */
const PYTHON: readonly {
  file: string;
  hashName: string;
  percentage: number;
  split10x10: 'train' | 'validation' | 'test';
}[] = [
  { file: '0a7c2a8d_nohash_0.wav', hashName: '0a7c2a8d', percentage: 56.836387193474074, split10x10: 'train' },
  { file: '3_lucas_7.wav', hashName: '3_lucas_7.wav', percentage: 86.97647144627922, split10x10: 'train' },
  { file: 'lucas', hashName: 'lucas', percentage: 9.195007452331538, split10x10: 'validation' },
  { file: 'spk07', hashName: 'spk07', percentage: 13.320198754371692, split10x10: 'test' },
  { file: 'spk10', hashName: 'spk10', percentage: 6.574852813592946, split10x10: 'validation' },
  { file: 'spk30', hashName: 'spk30', percentage: 14.760483911339072, split10x10: 'test' },
  { file: 'ä_nohash_0.wav', hashName: 'ä', percentage: 73.77035598285761, split10x10: 'train' },
  { file: 'a_nohash_b_nohash_c.wav', hashName: 'a', percentage: 93.2815022266023, split10x10: 'train' },
  { file: 'x_nohash_1\n', hashName: 'x\n', percentage: 25.878747000386916, split10x10: 'train' },
  { file: 'x_nohash_1\nq', hashName: 'x_nohash_1\nq', percentage: 49.289992818906846, split10x10: 'train' },
  { file: 'dir/b5cf6ea8_nohash_2.wav', hashName: 'b5cf6ea8', percentage: 27.24356522592578, split10x10: 'train' },
];

describe('speech_commands split hashing', () => {
  it.each(PYTHON)('matches Python for $file', ({ file, hashName, percentage, split10x10 }) => {
    expect(nohashName(baseNameOf(file))).toBe(hashName);
    expect(percentageHash(hashName)).toBe(percentage);
    expect(splitForPercentage(percentage, { validationPercent: 10, testPercent: 10 })).toBe(split10x10);
    expect(computeSplit({ speaker: null, originalName: file }, { validationPercent: 10, testPercent: 10 })).toBe(
      split10x10,
    );
  });

  it('uses which_set comparisons: below validation%, then below validation% + test%', () => {
    // spk07 hashes to 13.32: test at 10/10, validation at 15/10, train at 5/5.
    expect(computeSplit({ speaker: 'spk07', originalName: 'a.wav' }, { validationPercent: 15, testPercent: 10 })).toBe(
      'validation',
    );
    expect(computeSplit({ speaker: 'spk07', originalName: 'a.wav' }, { validationPercent: 5, testPercent: 5 })).toBe(
      'train',
    );
    expect(splitForPercentage(10, { validationPercent: 10, testPercent: 10 })).toBe('test');
    expect(splitForPercentage(20, { validationPercent: 10, testPercent: 10 })).toBe('train');
  });

  it('hashes the explicit speaker, so one speaker never straddles splits', () => {
    const names = ['3_lucas_7.wav', '4_lucas_0.wav', 'lucas_says_yes.wav'];
    const splits = names.map((originalName) =>
      computeSplit({ speaker: 'lucas', originalName }, { validationPercent: 10, testPercent: 10 }),
    );
    expect(new Set(splits)).toEqual(new Set(['validation']));
    expect(splitGroupOf({ speaker: 'lucas', originalName: '3_lucas_7.wav' })).toEqual({
      key: 'lucas',
      source: 'speaker',
    });
    expect(splitGroupOf({ speaker: null, originalName: 'f00d_nohash_3.wav' })).toEqual({
      key: 'f00d',
      source: 'file name',
    });
    // An empty speaker is no speaker.
    expect(splitGroupOf({ speaker: '', originalName: 'f00d_nohash_3.wav' })).toEqual({
      key: 'f00d',
      source: 'file name',
    });
  });
});
