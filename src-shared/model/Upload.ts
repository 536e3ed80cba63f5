/**
 * Uploads: files dropped on a browser page have no path the host can read, so their bytes are
 * staged inside the project and imported from there. The page checks these limits before it
 * sends anything, and the host checks them again on arrival.
 */
export const uploadLimits = {
  /** The importer's own per-file limit: a larger file would only be rejected after the upload. */
  maxFileBytes: 512 * 2 ** 20,
  /** A whole Speech Commands download (2.3 GiB) fits; a drive dropped by mistake does not. */
  maxTotalBytes: 4 * 2 ** 30,
  maxFiles: 200_000,
  /** Per uploadChunk call: base64 and JSON keep that well under the WebSocket's 64 MiB message cap. */
  maxChunkBytes: 8 * 2 ** 20,
  maxPathLength: 1024,
} as const;

/** What an import reads: audio by extension (the bytes decide the real format) and manifests. */
export const audioExtensions: readonly string[] = ['.wav', '.wave', '.flac', '.mp3', '.ogg', '.oga', '.opus'];
export const manifestExtensions: readonly string[] = ['.csv', '.json'];

function extensionOf(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

export function isAudioFileName(name: string): boolean {
  return audioExtensions.includes(extensionOf(name));
}

/** Worth uploading: audio, or a manifest that labels it. Everything else the import would skip anyway. */
export function isUploadableFileName(name: string): boolean {
  const extension = extensionOf(name);
  return audioExtensions.includes(extension) || manifestExtensions.includes(extension);
}

/**
 * Why a relative path from a drop cannot be staged, or undefined when it can: it must stay inside
 * the staging folder (no absolute paths, drive letters, `..`, `.` or empty parts) and be a plain
 * name on every file system (no backslashes or control characters).
 */
export function uploadPathProblem(relativePath: string): string | undefined {
  if (relativePath.length === 0) return 'the path is empty';
  if (relativePath.length > uploadLimits.maxPathLength)
    return `the path is longer than ${uploadLimits.maxPathLength} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(relativePath)) return 'the path contains a control character';
  if (relativePath.includes('\\')) return 'the path contains a backslash';
  if (relativePath.startsWith('/') || /^[a-zA-Z]:/.test(relativePath))
    return 'the path is absolute; only paths relative to the dropped folder are accepted';
  const parts = relativePath.split('/');
  if (parts.some((part) => part === '..')) return 'the path leaves the dropped folder (..)';
  if (parts.some((part) => part === '' || part === '.')) return 'the path has an empty or "." part';
  if (parts.some((part) => part.length > 255)) return 'a part of the path is longer than 255 characters';
  return undefined;
}
