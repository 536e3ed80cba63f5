import fs from 'node:fs';

export interface TestWavOptions {
  sampleRate?: number;
  seconds?: number;
  frequency?: number;
  amplitude?: number;
}

/** A 16-bit mono sine WAV written by hand, so tests do not depend on the code they test. */
export function writeTestWav(file: string, { sampleRate = 16000, seconds = 1, frequency = 440, amplitude = 0.5 }: TestWavOptions = {}): Buffer {
  const frames = Math.round(sampleRate * seconds);
  const buffer = Buffer.alloc(44 + frames * 2);
  buffer.write('RIFF', 0);
  buffer.writeUInt32LE(36 + frames * 2, 4);
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
  buffer.writeUInt32LE(frames * 2, 40);
  for (let i = 0; i < frames; i++) {
    // An amplitude above 1 clips hard, as an overdriven recorder does.
    const value = Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * frequency * i) / sampleRate));
    buffer.writeInt16LE(Math.max(-32768, Math.min(32767, value)), 44 + i * 2);
  }
  fs.writeFileSync(file, buffer);
  return buffer;
}
