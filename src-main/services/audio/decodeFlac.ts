import { FLACDecoder } from '@wasm-audio-decoders/flac';
import { AUDIO_LIMITS, AudioDecodeError, type DecodedAudio } from './decodedAudio.ts';
import { fromDecoderOutput } from './fromDecoderOutput.ts';
import { readFlacStreamInfo } from './readFlacStreamInfo.ts';

/** Decodes FLAC with libFLAC (WebAssembly); `start` is where `fLaC` begins, past any ID3 tag. */
export async function decodeFlac(bytes: Uint8Array, start: number): Promise<DecodedAudio> {
  const info = readFlacStreamInfo(bytes, start);
  if (info.sampleRate > 0 && info.totalSamples / info.sampleRate > AUDIO_LIMITS.maxSeconds) {
    throw new AudioDecodeError('declares more than 24 h of audio; the header is probably corrupt');
  }
  const decoder = new FLACDecoder();
  let output;
  try {
    await decoder.ready;
    output = await decoder.decodeFile(bytes.subarray(start));
  } catch (error) {
    throw new AudioDecodeError(`FLAC decoder: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    decoder.free();
  }
  // libFLAC stops quietly at the last whole frame, so a cut file only shows in the count.
  if (info.totalSamples > 0 && output.errors.length === 0 && output.samplesDecoded < info.totalSamples) {
    throw new AudioDecodeError(
      `damaged or truncated: the header promises ${info.totalSamples} samples, only ${output.samplesDecoded} could be decoded`,
    );
  }
  return fromDecoderOutput(output, {
    format: 'flac',
    codec: 'FLAC',
    channels: info.channels,
    bitsPerSample: info.bitsPerSample,
    encoding: 'pcm',
    maxFrames: info.totalSamples > 0 ? info.totalSamples : undefined,
    warnings: [],
  });
}
