/**
 * The spectrum of a real frame of power-of-two `size`: bins 0 … size/2.
 *
 * A real input of size N is packed into a complex one of N/2 (even samples real, odd imaginary),
 * transformed, and split back — half the work of a complex FFT of size N. Bit reversal and twiddles
 * are tabled once per size. Chosen over fft.js by `npm run bench -- features` (see docs/benchmarks.md).
 */
export type RealFft = (frame: Float64Array, re: Float64Array, im: Float64Array) => void;

export function createRealFft(size: number): RealFft {
  if (size < 4 || (size & (size - 1)) !== 0) throw new RangeError(`FFT size must be a power of two ≥ 4, got ${size}`);
  const half = size / 2;
  const reversed = new Uint32Array(half);
  for (let i = 1, j = 0; i < half; i++) {
    let bit = half >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    reversed[i] = j;
  }
  // Twiddles of the half-size complex FFT, one contiguous table per stage (length ≥ 8):
  // stage table s holds e^(−2πik/length) for k < length/2, so the inner loop reads them in order.
  const stageCos: Float64Array[] = [];
  const stageSin: Float64Array[] = [];
  for (let length = 8; length <= half; length <<= 1) {
    stageCos.push(Float64Array.from({ length: length / 2 }, (_, k) => Math.cos((2 * Math.PI * k) / length)));
    stageSin.push(Float64Array.from({ length: length / 2 }, (_, k) => -Math.sin((2 * Math.PI * k) / length)));
  }
  // Twiddles of the split step: e^(−2πik/size).
  const cosFull = new Float64Array(half + 1);
  const sinFull = new Float64Array(half + 1);
  for (let k = 0; k <= half; k++) {
    cosFull[k] = Math.cos((2 * Math.PI * k) / size);
    sinFull[k] = -Math.sin((2 * Math.PI * k) / size);
  }
  const zrBuffer = new Float64Array(half);
  const ziBuffer = new Float64Array(half);

  return (frame, re, im) => {
    // Locals, not closure reads, so the JIT keeps them in registers through the loops.
    const zr = zrBuffer;
    const zi = ziBuffer;
    const bits = reversed;
    const cosSplit = cosFull;
    const sinSplit = sinFull;
    for (let i = 0; i < half; i++) {
      const j = bits[i]!;
      zr[j] = frame[2 * i]!;
      zi[j] = frame[2 * i + 1]!;
    }
    if (half >= 4) {
      // Stages of length 2 and 4 at once: their twiddles are 1 and −i, so no multiplications.
      for (let a = 0; a < half; a += 4) {
        const r0 = zr[a]! + zr[a + 1]!;
        const i0 = zi[a]! + zi[a + 1]!;
        const r1 = zr[a]! - zr[a + 1]!;
        const i1 = zi[a]! - zi[a + 1]!;
        const r2 = zr[a + 2]! + zr[a + 3]!;
        const i2 = zi[a + 2]! + zi[a + 3]!;
        const r3 = zr[a + 2]! - zr[a + 3]!;
        const i3 = zi[a + 2]! - zi[a + 3]!;
        zr[a] = r0 + r2;
        zi[a] = i0 + i2;
        zr[a + 2] = r0 - r2;
        zi[a + 2] = i0 - i2;
        // (r3 + i·i3)·(−i) = i3 − i·r3
        zr[a + 1] = r1 + i3;
        zi[a + 1] = i1 - r3;
        zr[a + 3] = r1 - i3;
        zi[a + 3] = i1 + r3;
      }
    } else {
      for (let a = 0; a < half; a += 2) {
        const r = zr[a + 1]!;
        const i = zi[a + 1]!;
        zr[a + 1] = zr[a]! - r;
        zi[a + 1] = zi[a]! - i;
        zr[a] = zr[a]! + r;
        zi[a] = zi[a]! + i;
      }
    }
    // Then two radix-2 stages at a time (lengths 2m and 4m): the same multiplications as one at a
    // time, half the passes over memory.
    let done = 4;
    for (; done * 4 <= half; done *= 4) {
      const m = done;
      const cos1 = stageCos[Math.log2(2 * m) - 3]!;
      const sin1 = stageSin[Math.log2(2 * m) - 3]!;
      const cos2 = stageCos[Math.log2(4 * m) - 3]!;
      const sin2 = stageSin[Math.log2(4 * m) - 3]!;
      for (let start = 0; start < half; start += 4 * m) {
        for (let k = 0; k < m; k++) {
          const p0 = start + k;
          const p1 = p0 + m;
          const p2 = p1 + m;
          const p3 = p2 + m;
          const w1r = cos1[k]!;
          const w1i = sin1[k]!;
          const w2r = cos2[k]!;
          const w2i = sin2[k]!;
          // Length-2m stage on (x0, x1) and (x2, x3).
          const t1r = zr[p1]! * w1r - zi[p1]! * w1i;
          const t1i = zr[p1]! * w1i + zi[p1]! * w1r;
          const t3r = zr[p3]! * w1r - zi[p3]! * w1i;
          const t3i = zr[p3]! * w1i + zi[p3]! * w1r;
          const a0r = zr[p0]! + t1r;
          const a0i = zi[p0]! + t1i;
          const a1r = zr[p0]! - t1r;
          const a1i = zi[p0]! - t1i;
          const a2r = zr[p2]! + t3r;
          const a2i = zi[p2]! + t3i;
          const a3r = zr[p2]! - t3r;
          const a3i = zi[p2]! - t3i;
          // Length-4m stage: (a0, a2) with W^k, (a1, a3) with W^(k+m) = −i·W^k.
          const u2r = a2r * w2r - a2i * w2i;
          const u2i = a2r * w2i + a2i * w2r;
          const v3r = a3r * w2r - a3i * w2i;
          const v3i = a3r * w2i + a3i * w2r;
          zr[p0] = a0r + u2r;
          zi[p0] = a0i + u2i;
          zr[p2] = a0r - u2r;
          zi[p2] = a0i - u2i;
          zr[p1] = a1r + v3i;
          zi[p1] = a1i - v3r;
          zr[p3] = a1r - v3i;
          zi[p3] = a1i + v3r;
        }
      }
    }
    if (done < half) {
      // One radix-2 stage left when log2(half) is odd.
      const cos = stageCos[Math.log2(half) - 3]!;
      const sin = stageSin[Math.log2(half) - 3]!;
      const span = half >> 1;
      for (let k = 0; k < span; k++) {
        const wr = cos[k]!;
        const wi = sin[k]!;
        const b = k + span;
        const tr = zr[b]! * wr - zi[b]! * wi;
        const ti = zr[b]! * wi + zi[b]! * wr;
        const ar = zr[k]!;
        const ai = zi[k]!;
        zr[b] = ar - tr;
        zi[b] = ai - ti;
        zr[k] = ar + tr;
        zi[k] = ai + ti;
      }
    }
    // X[k] = E + W^k·O with E = (Z[k] + conj Z[h−k]) / 2, O = (Z[k] − conj Z[h−k]) / 2i; and
    // since W^(h−k) = −conj W^k, X[h−k] = conj(E − W^k·O): each pass of the loop yields two bins.
    re[0] = zr[0]! + zi[0]!;
    im[0] = 0;
    re[half] = zr[0]! - zi[0]!;
    im[half] = 0;
    for (let k = 1, j = half - 1; k <= j; k++, j--) {
      const zkr = zr[k]!;
      const zki = zi[k]!;
      const zjr = zr[j]!;
      const zji = zi[j]!;
      const er = 0.5 * (zkr + zjr);
      const ei = 0.5 * (zki - zji);
      const or = 0.5 * (zki + zji);
      const oi = -0.5 * (zkr - zjr);
      const wr = cosSplit[k]!;
      const wi = sinSplit[k]!;
      const tr = or * wr - oi * wi;
      const ti = or * wi + oi * wr;
      re[k] = er + tr;
      im[k] = ei + ti;
      re[j] = er - tr;
      im[j] = ti - ei;
    }
  };
}
