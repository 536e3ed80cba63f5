/**
 * JSON for the WebSocket transport that keeps typed arrays typed: a Float32Array goes over the
 * wire as base64 of its bytes and comes back as a Float32Array, not as a `number[]`.
 */
const typedArrays = {
  Float32Array,
  Float64Array,
  Int16Array,
  Int32Array,
  Uint8Array,
  Uint16Array,
  Uint32Array,
  Int8Array,
} as const;
type TypedArrayName = keyof typeof typedArrays;

interface EncodedTypedArray {
  $typed: TypedArrayName;
  base64: string;
}

export function encodeWire(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (ArrayBuffer.isView(item) && !(item instanceof DataView)) {
      const name = item.constructor.name as TypedArrayName;
      if (name in typedArrays) {
        const bytes = new Uint8Array(item.buffer, item.byteOffset, item.byteLength);
        return { $typed: name, base64: bytesToBase64(bytes) } satisfies EncodedTypedArray;
      }
    }
    return item;
  });
}

export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, item: unknown) => {
    if (isEncodedTypedArray(item)) {
      const bytes = base64ToBytes(item.base64);
      const Ctor = typedArrays[item.$typed];
      return new Ctor(bytes.buffer as ArrayBuffer, 0, bytes.byteLength / Ctor.BYTES_PER_ELEMENT);
    }
    return item;
  });
}

function isEncodedTypedArray(item: unknown): item is EncodedTypedArray {
  if (typeof item !== 'object' || item === null) return false;
  const candidate = item as Partial<EncodedTypedArray>;
  return (
    typeof candidate.base64 === 'string' &&
    typeof candidate.$typed === 'string' &&
    Object.hasOwn(typedArrays, candidate.$typed)
  );
}

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const lookup = new Uint8Array(128);
for (let i = 0; i < alphabet.length; i++) lookup[alphabet.charCodeAt(i)] = i;

export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  const chunk: string[] = [];
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = i + 1 < bytes.length ? bytes[i + 1]! : 0;
    const c = i + 2 < bytes.length ? bytes[i + 2]! : 0;
    const n = (a << 16) | (b << 8) | c;
    chunk.push(
      alphabet[(n >> 18) & 63]! +
        alphabet[(n >> 12) & 63]! +
        (i + 1 < bytes.length ? alphabet[(n >> 6) & 63]! : '=') +
        (i + 2 < bytes.length ? alphabet[n & 63]! : '='),
    );
    if (chunk.length === 4096) parts.push(chunk.splice(0).join(''));
  }
  parts.push(chunk.join(''));
  return parts.join('');
}

export function base64ToBytes(text: string): Uint8Array {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const length = (text.length / 4) * 3 - padding;
  // Allocate whole 8-byte words so any typed array view can be laid over the buffer.
  const bytes = new Uint8Array(new ArrayBuffer(Math.ceil(length / 8) * 8), 0, length);
  let out = 0;
  for (let i = 0; i < text.length; i += 4) {
    const n =
      (lookup[text.charCodeAt(i)]! << 18) |
      (lookup[text.charCodeAt(i + 1)]! << 12) |
      (lookup[text.charCodeAt(i + 2)]! << 6) |
      lookup[text.charCodeAt(i + 3)]!;
    if (out < length) bytes[out++] = (n >> 16) & 255;
    if (out < length) bytes[out++] = (n >> 8) & 255;
    if (out < length) bytes[out++] = n & 255;
  }
  return bytes;
}
