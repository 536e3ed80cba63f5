import zlib from 'node:zlib';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import type { ModelFileSizes } from '../../../src-shared/model/ExportBundle.ts';
import { zipFiles } from './zipFiles.ts';

/**
 * A model file's size raw and compressed as the field reports it: `zlibBytes` is deflate level 9 with
 * the zlib header and checksum (node's deflateSync, the format of Python's `zlib.compress(data, 9)`),
 * `zipBytes` a zip archive holding only the file under `fileName`, written by the studio's own
 * zipFiles (deflate level 9; stored instead if deflating would not shrink it, as zip tools do).
 */
export function modelFileSizes(bytes: Uint8Array, fileName: string): ModelFileSizes {
  if (fileName === '' || fileName.includes('/') || fileName.includes('\\')) {
    throw new StudioError('invalid_input', `Model file name ${JSON.stringify(fileName)} must be a plain file name.`);
  }
  return {
    rawBytes: bytes.length,
    zlibBytes: zlib.deflateSync(bytes, { level: 9 }).length,
    // The date only changes two header fields, never the size.
    zipBytes: zipFiles([{ name: fileName, data: bytes }]).length,
  };
}
