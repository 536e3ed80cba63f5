import { AUDIO_LIMITS, AudioDecodeError, type AudioFormat, type DecodedAudio } from './decodedAudio.ts';

/** What every @wasm-audio-decoders decoder returns. */
export interface DecoderOutput {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  errors: readonly { message: string }[];
}

export interface DecoderOutputFacts {
  format: AudioFormat;
  /** The codec's name for messages ("FLAC", "MP3", "Vorbis", "Opus"). */
  codec: string;
  /** Channels in the file, which may be fewer than the decoder hands back (mpg123 always gives two). */
  channels: number;
  bitsPerSample: number;
  encoding: 'pcm' | 'float';
  /** Keep at most this many frames (the container's own length, where the decoder pads past it). */
  maxFrames?: number;
  warnings: string[];
}

/**
 * Turns a compressed-audio decoder's output into DecodedAudio with the same checks and downmix
 * (mean of channels) as parseWav, so callers cannot tell which path a clip took.
 */
export function fromDecoderOutput(output: DecoderOutput, facts: DecoderOutputFacts): DecodedAudio {
  const { codec } = facts;
  if (output.errors.length > 0) {
    const more = output.errors.length > 1 ? ` (and ${output.errors.length - 1} more errors)` : '';
    throw new AudioDecodeError(`${codec} decoder: ${output.errors[0]!.message}${more}`);
  }
  const channels = Math.min(facts.channels, output.channelData.length);
  const available = Math.min(
    output.samplesDecoded,
    ...output.channelData.slice(0, channels).map((channel) => channel.length),
  );
  const numFrames = Math.min(available, facts.maxFrames ?? Infinity);
  if (!(numFrames > 0)) throw new AudioDecodeError(`no audio could be decoded from the ${codec} stream`);
  if (channels < 1 || channels > AUDIO_LIMITS.maxChannels)
    throw new AudioDecodeError(`${facts.channels} channels is not supported (1 to ${AUDIO_LIMITS.maxChannels})`);
  const { sampleRate } = output;
  if (!(sampleRate >= AUDIO_LIMITS.minSampleRate && sampleRate <= AUDIO_LIMITS.maxSampleRate)) {
    throw new AudioDecodeError(
      `implausible sample rate ${sampleRate} Hz (supported: ${AUDIO_LIMITS.minSampleRate} to ${AUDIO_LIMITS.maxSampleRate} Hz)`,
    );
  }
  if (numFrames / sampleRate > AUDIO_LIMITS.maxSeconds) throw new AudioDecodeError('holds more than 24 h of audio');

  const mono = new Float32Array(numFrames);
  for (let channel = 0; channel < channels; channel++) {
    const samples = output.channelData[channel]!;
    for (let i = 0; i < numFrames; i++) mono[i] = mono[i]! + samples[i]!;
  }
  for (let i = 0; i < numFrames; i++) {
    const value = mono[i]! / channels;
    if (!Number.isFinite(value)) throw new AudioDecodeError('contains NaN or infinite samples');
    mono[i] = value;
  }
  return {
    sampleRate,
    channels,
    bitsPerSample: facts.bitsPerSample,
    encoding: facts.encoding,
    numFrames,
    durationMs: (numFrames / sampleRate) * 1000,
    mono,
    downmix: 'mean',
    format: facts.format,
    warnings: facts.warnings,
  };
}
