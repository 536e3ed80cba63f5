import { OggVorbisDecoder } from '@wasm-audio-decoders/ogg-vorbis';
import { OggOpusDecoder } from 'ogg-opus-decoder';
import { AUDIO_LIMITS, AudioDecodeError, type DecodedAudio } from './decodedAudio.ts';
import { fromDecoderOutput, type DecoderOutput } from './fromDecoderOutput.ts';
import { scanOggPages } from './scanOggPages.ts';

/** Decodes Ogg Vorbis (libvorbis) or Ogg Opus (libopus, always 48 kHz out), both WebAssembly. */
export async function decodeOgg(bytes: Uint8Array): Promise<DecodedAudio> {
  const stream = scanOggPages(bytes);
  if (
    stream.totalSamples !== null &&
    stream.sampleRate > 0 &&
    stream.totalSamples / stream.sampleRate > AUDIO_LIMITS.maxSeconds
  ) {
    throw new AudioDecodeError('declares more than 24 h of audio; the header is probably corrupt');
  }
  const codec = stream.codec === 'opus' ? 'Opus' : 'Vorbis';
  const decoder = stream.codec === 'opus' ? new OggOpusDecoder() : new OggVorbisDecoder();
  let output: DecoderOutput;
  try {
    await decoder.ready;
    output = await decoder.decodeFile(bytes);
  } catch (error) {
    throw new AudioDecodeError(`${codec} decoder: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    decoder.free();
  }
  return fromDecoderOutput(output, {
    format: 'ogg',
    codec,
    channels: stream.channels,
    bitsPerSample: 0,
    encoding: 'float',
    // The last granule position is the exact length; decoders may hand back a padded final packet.
    maxFrames: stream.totalSamples ?? undefined,
    warnings: stream.warnings,
  });
}
