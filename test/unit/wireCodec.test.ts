import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64, decodeWire, encodeWire } from '../../src-shared/contract/wireCodec.ts';

describe('wire codec', () => {
  it('matches Node base64 for every length modulo 3', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 100, 1001]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + 11) & 255);
      const text = bytesToBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect([...base64ToBytes(text)]).toEqual([...bytes]);
    }
  });

  it('keeps typed arrays typed, including views into a larger buffer', () => {
    const big = new Float32Array([9, 1.5, -2.25, 3e-7, 9]);
    const value = {
      samples: big.subarray(1, 4),
      ints: new Int16Array([-32768, 0, 32767]),
      nested: [{ x: new Uint8Array([1, 2]) }],
      n: 3,
    };
    const back = decodeWire(encodeWire(value)) as typeof value;
    expect(back.samples).toBeInstanceOf(Float32Array);
    expect([...back.samples]).toEqual([1.5, -2.25, Math.fround(3e-7)]);
    expect(back.ints).toBeInstanceOf(Int16Array);
    expect([...back.ints]).toEqual([-32768, 0, 32767]);
    expect(back.nested[0]!.x).toBeInstanceOf(Uint8Array);
    expect(back.n).toBe(3);
  });
});
