import { MPEGDecoder } from 'mpg123-decoder';
import { AUDIO_LIMITS, AudioDecodeError, type DecodedAudio } from './decodedAudio.ts';
import { fromDecoderOutput } from './fromDecoderOutput.ts';
import { scanMpegFrames } from './scanMpegFrames.ts';

/**
 * Decodes MPEG audio (layers I–III) with mpg123 (WebAssembly). Gapless mode trims the encoder delay
 * and padding that a LAME/FFmpeg Info header records, so durations match the source.
 */
export async function decodeMp3(bytes: Uint8Array): Promise<DecodedAudio> {
  const stream = scanMpegFrames(bytes);
  if (
    stream.frames !== null &&
    (stream.frames * stream.samplesPerFrame) / stream.sampleRate > AUDIO_LIMITS.maxSeconds
  ) {
    throw new AudioDecodeError('holds more than 24 h of audio');
  }
  const decoder = new MPEGDecoder({ enableGapless: true });
  let output;
  try {
    await decoder.ready;
    output = decoder.decode(bytes);
  } catch (error) {
    throw new AudioDecodeError(`MP3 decoder: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    decoder.free();
  }
  return fromDecoderOutput(output, {
    format: 'mp3',
    codec: 'MP3',
    channels: stream.channels,
    bitsPerSample: 0,
    encoding: 'float',
    warnings: stream.warnings,
  });
}
