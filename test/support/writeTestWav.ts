import fs from 'node:fs';

export interface TestWavOptions {
  sampleRate?: number;
  seconds?: number;
  frequency?: number;
  amplitude?: number;
}

/** 16-bit mono PCM WAV bytes written by hand, so tests do not depend on the code they test. Values beyond ±1 clip hard. */
export function encodeTestWav(samples: ArrayLike<number>, sampleRate = 16000): Buffer {
  const buffer = Buffer.alloc(44 + samples.length * 2);
  buffer.write('RIFF', 0);
  buffer.writeUInt32LE(36 + samples.length * 2, 4);
  buffer.write('WAVE', 8);
  buffer.write('fmt ', 12);
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(1, 20);
  buffer.writeUInt16LE(1, 22);
  buffer.writeUInt32LE(sampleRate, 24);
  buffer.writeUInt32LE(sampleRate * 2, 28);
  buffer.writeUInt16LE(2, 32);
  buffer.writeUInt16LE(16, 34);
  buffer.write('data', 36);
  buffer.writeUInt32LE(samples.length * 2, 40);
  for (let i = 0; i < samples.length; i++) {
    buffer.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(samples[i]! * 32767))), 44 + i * 2);
  }
  return buffer;
}

/** A sine WAV file; an amplitude above 1 clips hard, as an overdriven recorder does. */
export function writeTestWav(
  file: string,
  { sampleRate = 16000, seconds = 1, frequency = 440, amplitude = 0.5 }: TestWavOptions = {},
): Buffer {
  const samples = Float64Array.from(
    { length: Math.round(sampleRate * seconds) },
    (_, i) => amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate),
  );
  const buffer = encodeTestWav(samples, sampleRate);
  fs.writeFileSync(file, buffer);
  return buffer;
}
