import { decodeFlac } from './decodeFlac.ts';
import { decodeMp3 } from './decodeMp3.ts';
import { decodeOgg } from './decodeOgg.ts';
import { AudioDecodeError, type AudioFormat, type DecodedAudio } from './decodedAudio.ts';
import { parseWav } from './parseWav.ts';
import { sniffAudioFormat } from './sniffAudioFormat.ts';

export { AudioDecodeError, type DecodedAudio } from './decodedAudio.ts';

/** Extensions worth reading when scanning a folder; what a file really is comes from its bytes. */
const AUDIO_EXTENSIONS: Readonly<Record<string, AudioFormat>> = {
  '.wav': 'wav',
  '.wave': 'wav',
  '.flac': 'flac',
  '.mp3': 'mp3',
  '.ogg': 'ogg',
  '.oga': 'ogg',
  '.opus': 'ogg',
};

export function isSupportedAudioName(name: string): boolean {
  return extensionFormat(name) !== undefined;
}

/**
 * Decodes WAV, FLAC, MP3, Ogg Vorbis or Ogg Opus, chosen by the content's magic bytes. Any failure,
 * including one inside a third-party decoder, comes out as an AudioDecodeError with a reason; the
 * file name only serves to warn when the extension disagrees with the content.
 */
export async function decodeAudio(bytes: Uint8Array, fileName: string): Promise<DecodedAudio> {
  let audio: DecodedAudio;
  try {
    const { format, start } = sniffAudioFormat(bytes);
    audio =
      format === 'wav'
        ? parseWav(bytes)
        : format === 'flac'
          ? await decodeFlac(bytes, start)
          : format === 'mp3'
            ? await decodeMp3(bytes)
            : await decodeOgg(bytes);
  } catch (error) {
    if (error instanceof AudioDecodeError) throw error;
    // A decoder tripping over hostile input (a RangeError deep in its parser) is still just a bad file.
    throw new AudioDecodeError(`could not decode: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  const named = extensionFormat(fileName);
  if (named && named !== audio.format) {
    audio.warnings.push(
      `named like ${named.toUpperCase()} but the content is ${audio.format.toUpperCase()}; decoded as ${audio.format.toUpperCase()}`,
    );
  }
  return audio;
}

function extensionFormat(name: string): AudioFormat | undefined {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? undefined : AUDIO_EXTENSIONS[name.slice(dot).toLowerCase()];
}
