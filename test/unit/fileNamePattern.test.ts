import { describe, expect, it } from 'vitest';
import { compileFileNamePattern, fsddPattern, speakerFromNohash } from '../../src-shared/model/fileNamePattern.ts';

describe('file-name patterns', () => {
  it('reads label, speaker and take from FSDD names', () => {
    const match = compileFileNamePattern(fsddPattern);
    expect(match('7_jackson_32.wav')).toEqual({ label: '7', speaker: 'jackson', take: '32' });
    expect(match('README.md')).toBeNull();
  });

  it('treats regex characters literally and supports *', () => {
    const match = compileFileNamePattern('rec(1)-{label}-*.wav');
    expect(match('rec(1)-yes-anything.wav')).toEqual({ label: 'yes' });
    expect(match('rec1-yes-x.wav')).toBeNull();
  });

  it('rejects unknown and missing fields with a readable message', () => {
    expect(() => compileFileNamePattern('{word}.wav')).toThrow(/unknown field \{word\}/);
    expect(() => compileFileNamePattern('{speaker}.wav')).toThrow(/must contain \{label\}/);
  });

  it('keeps Speech Commands speakers together via _nohash_', () => {
    expect(speakerFromNohash('0a7c2a8d_nohash_1.wav')).toEqual({ speaker: '0a7c2a8d', take: '1' });
    expect(speakerFromNohash('plain.wav')).toEqual({});
  });
});
