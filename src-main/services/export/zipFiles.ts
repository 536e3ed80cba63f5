import zlib from 'node:zlib';

export interface ZipEntry {
  /** With `/` separators; stored as UTF-8. */
  name: string;
  data: Uint8Array;
}

/**
 * A zip archive of the entries, each deflated (level 9) or stored when that is no smaller: the
 * plain PKWARE format every unzip tool reads (no zip64, so under 4 GiB, as a model bundle is).
 */
export function zipFiles(entries: readonly ZipEntry[], modified = new Date()): Uint8Array {
  const time = (modified.getHours() << 11) | (modified.getMinutes() << 5) | Math.floor(modified.getSeconds() / 2);
  const date =
    ((Math.max(1980, modified.getFullYear()) - 1980) << 9) | ((modified.getMonth() + 1) << 5) | modified.getDate();
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const deflated = zlib.deflateRawSync(entry.data, { level: 9 });
    const stored = deflated.length >= entry.data.length;
    const body = stored ? Buffer.from(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength) : deflated;
    const crc = zlib.crc32(entry.data);
    // Fields shared by the local header (from "version needed") and the central directory entry.
    const common = Buffer.alloc(26);
    common.writeUInt16LE(20, 0); // version needed: 2.0 (deflate)
    common.writeUInt16LE(0x0800, 2); // flags: the name is UTF-8
    common.writeUInt16LE(stored ? 0 : 8, 4);
    common.writeUInt16LE(time, 6);
    common.writeUInt16LE(date, 8);
    common.writeUInt32LE(crc, 10);
    common.writeUInt32LE(body.length, 14);
    common.writeUInt32LE(entry.data.length, 18);
    common.writeUInt16LE(name.length, 22);
    common.writeUInt16LE(0, 24); // extra field length
    const local = Buffer.concat([signature(0x04034b50), common, name, body]);
    const tail = Buffer.alloc(14); // comment length, disk, internal and external attributes: 0; then the local header's offset
    tail.writeUInt32LE(offset, 10);
    const versionMadeBy = Buffer.alloc(2);
    versionMadeBy.writeUInt16LE(20, 0);
    centrals.push(Buffer.concat([signature(0x02014b50), versionMadeBy, common, tail, name]));
    locals.push(local);
    offset += local.length;
  }
  const central = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(central.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, central, end]));
}

function signature(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value, 0);
  return bytes;
}
