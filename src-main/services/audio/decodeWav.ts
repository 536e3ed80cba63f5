import wavefile from 'wavefile';

export interface DecodedAudio {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** 'pcm' (integer) or 'float'. */
  encoding: 'pcm' | 'float';
  numFrames: number;
  durationMs: number;
  /** Downmixed to mono by averaging channels, scaled to [-1, 1]. */
  mono: Float32Array;
}

/** A file that cannot be used as audio, with the reason in words a user can act on. */
export class AudioDecodeError extends Error {
  override name = 'AudioDecodeError';
}

interface WavFormat {
  audioFormat: number;
  numChannels: number;
  sampleRate: number;
  bitsPerSample: number;
}

const MAX_CHANNELS = 32;

/** Decodes a RIFF/WAVE file (PCM 8/16/24/32-bit or float 32/64) after sanity checks on the header. */
export function decodeWav(bytes: Uint8Array): DecodedAudio {
  if (bytes.length < 44) throw new AudioDecodeError(`too short to be a WAV file (${bytes.length} bytes)`);
  const tag = String.fromCharCode(...bytes.subarray(0, 4));
  const wave = String.fromCharCode(...bytes.subarray(8, 12));
  if ((tag !== 'RIFF' && tag !== 'RF64') || wave !== 'WAVE') throw new AudioDecodeError('not a WAV file (no RIFF/WAVE header)');

  const file = new wavefile.WaveFile();
  try {
    file.fromBuffer(bytes);
  } catch (error) {
    throw new AudioDecodeError(`malformed WAV: ${error instanceof Error ? error.message : String(error)}`);
  }
  const fmt = file.fmt as WavFormat;
  const data = (file as unknown as { data: { chunkSize: number; samples: Uint8Array } }).data;
  const encoding = fmt.audioFormat === 3 ? 'float' : 'pcm';
  const extensible = fmt.audioFormat === 0xfffe;
  if (fmt.audioFormat !== 1 && fmt.audioFormat !== 3 && !extensible) {
    throw new AudioDecodeError(`unsupported WAV encoding (format tag ${fmt.audioFormat}); use PCM or float`);
  }
  if (fmt.numChannels < 1 || fmt.numChannels > MAX_CHANNELS) throw new AudioDecodeError(`implausible channel count ${fmt.numChannels}`);
  if (fmt.sampleRate < 1000 || fmt.sampleRate > 768000) throw new AudioDecodeError(`implausible sample rate ${fmt.sampleRate} Hz`);
  if (![8, 16, 24, 32, 64].includes(fmt.bitsPerSample)) throw new AudioDecodeError(`unsupported bit depth ${fmt.bitsPerSample}`);
  const bytesPerFrame = (fmt.bitsPerSample / 8) * fmt.numChannels;
  if (data.chunkSize > data.samples.length) {
    throw new AudioDecodeError(`truncated: the header promises ${data.chunkSize} bytes of audio, the file holds ${data.samples.length}`);
  }
  const numFrames = Math.floor(data.samples.length / bytesPerFrame);
  if (numFrames === 0) throw new AudioDecodeError('contains no audio samples');

  let interleaved: Float64Array;
  try {
    interleaved = file.getSamples(true, Float64Array) as unknown as Float64Array;
  } catch (error) {
    throw new AudioDecodeError(`unreadable samples: ${error instanceof Error ? error.message : String(error)}`);
  }
  const isFloat = encoding === 'float' || (extensible && fmt.bitsPerSample === 64);
  const scale = isFloat ? 1 : fmt.bitsPerSample === 8 ? 128 : 2 ** (fmt.bitsPerSample - 1);
  const offset = !isFloat && fmt.bitsPerSample === 8 ? 128 : 0;
  const mono = new Float32Array(numFrames);
  const channels = fmt.numChannels;
  for (let frame = 0; frame < numFrames; frame++) {
    let sum = 0;
    for (let channel = 0; channel < channels; channel++) sum += (interleaved[frame * channels + channel]! - offset) / scale;
    mono[frame] = sum / channels;
  }
  return {
    sampleRate: fmt.sampleRate,
    channels,
    bitsPerSample: fmt.bitsPerSample,
    encoding: isFloat ? 'float' : 'pcm',
    numFrames,
    durationMs: (numFrames / fmt.sampleRate) * 1000,
    mono,
  };
}
