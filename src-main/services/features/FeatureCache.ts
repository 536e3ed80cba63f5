import fs from 'node:fs';
import path from 'node:path';
import type { FeatureMatrix } from '../../../src-shared/model/FeatureSpec.ts';
import type { FeatureCacheStatus } from '../../../src-shared/model/FeatureCacheStatus.ts';
import { diskFullMessage, isDiskFull } from '../diskFull.ts';
import { decodeFeatureFile, encodeFeatureFile, type FeatureValueType } from './featureFile.ts';

const EXTENSION = '.feat';
export const DEFAULT_CACHE_CAP_BYTES = 2 * 1024 ** 3;

interface Entry {
  bytes: number;
  lastUsed: number;
}

/**
 * Feature matrices on disk under `<dir>/<spec hash>/<audio hash>.feat`, with a size cap enforced
 * least-recently-used first. Use times are file mtimes, so the order survives a restart. A corrupt
 * entry (bad checksum, truncated, foreign) is deleted and reported as a miss: never used. A failed
 * write (full disk, read-only folder) only means the next read computes again.
 */
export class FeatureCache {
  private index: Map<string, Entry> | null = null;
  private totalBytes = 0;
  private hits = 0;
  private misses = 0;
  private corrupt = 0;
  private writeFailures = 0;
  private lastWriteError: string | null = null;
  /** Use times, strictly increasing so entries touched within one millisecond still have an order. */
  private clock = 0;

  constructor(
    readonly dir: string,
    private readonly options: { capBytes?: number; valueType?: FeatureValueType } = {},
  ) {}

  get capBytes(): number {
    return this.options.capBytes ?? DEFAULT_CACHE_CAP_BYTES;
  }

  get(audioHash: string, specHash: string): FeatureMatrix | null {
    const key = entryKey(specHash, audioHash);
    const index = this.loadIndex();
    const entry = index.get(key);
    if (!entry) {
      this.misses++;
      return null;
    }
    const file = path.join(this.dir, key);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch {
      this.forget(key);
      this.misses++;
      return null;
    }
    const decoded = decodeFeatureFile(bytes);
    if ('corrupt' in decoded) {
      this.corrupt++;
      this.misses++;
      this.forget(key);
      fs.rmSync(file, { force: true });
      return null;
    }
    this.hits++;
    entry.lastUsed = this.tick();
    touch(file, entry.lastUsed);
    return decoded;
  }

  put(audioHash: string, specHash: string, matrix: FeatureMatrix): void {
    const key = entryKey(specHash, audioHash);
    const file = path.join(this.dir, key);
    const bytes = encodeFeatureFile(matrix, this.options.valueType ?? 'float32');
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      // Written aside and renamed, so a crash or full disk never leaves a half file under the real name.
      fs.writeFileSync(temporary, bytes);
      fs.renameSync(temporary, file);
    } catch (error) {
      removeQuietly(temporary);
      this.writeFailures++;
      const entries = this.index?.size ?? 0;
      this.lastWriteError = isDiskFull(error)
        ? diskFullMessage(
            this.dir,
            `the ${entries} cached feature file${entries === 1 ? ' is' : 's are'} kept, and features that cannot be stored are computed again when needed`,
            'Free some space, or lower the cache cap.',
          )
        : error instanceof Error
          ? error.message
          : String(error);
      return;
    }
    const index = this.loadIndex();
    this.forget(key);
    const lastUsed = this.tick();
    touch(file, lastUsed);
    index.set(key, { bytes: bytes.length, lastUsed });
    this.totalBytes += bytes.length;
    if (this.totalBytes > this.capBytes) this.evict();
  }

  status(): FeatureCacheStatus {
    const index = this.loadIndex();
    const lookups = this.hits + this.misses;
    return {
      entries: index.size,
      bytes: this.totalBytes,
      capBytes: this.capBytes,
      hits: this.hits,
      misses: this.misses,
      hitRate: lookups ? this.hits / lookups : null,
      corrupt: this.corrupt,
      writeFailures: this.writeFailures,
      lastWriteError: this.lastWriteError,
    };
  }

  clear(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
    this.index = new Map();
    this.totalBytes = 0;
  }

  /** Drops least recently used entries until the cache is at 90 % of its cap (so eviction is rare). */
  private evict(): void {
    const index = this.loadIndex();
    const target = this.capBytes * 0.9;
    const oldestFirst = [...index.entries()].sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [key] of oldestFirst) {
      if (this.totalBytes <= target) break;
      fs.rmSync(path.join(this.dir, key), { force: true });
      this.forget(key);
    }
  }

  private tick(): number {
    this.clock = Math.max(Date.now(), this.clock + 1);
    return this.clock;
  }

  private forget(key: string): void {
    const entry = this.index?.get(key);
    if (!entry) return;
    this.totalBytes -= entry.bytes;
    this.index!.delete(key);
  }

  /** Scans the folder once per session; after that the index follows every put and eviction. */
  private loadIndex(): Map<string, Entry> {
    if (this.index) return this.index;
    const index = new Map<string, Entry>();
    let specDirs: string[] = [];
    try {
      specDirs = fs.readdirSync(this.dir);
    } catch {
      // No cache folder yet.
    }
    for (const specDir of specDirs) {
      let files: string[];
      try {
        files = fs.readdirSync(path.join(this.dir, specDir));
      } catch {
        continue;
      }
      for (const file of files) {
        const full = path.join(this.dir, specDir, file);
        if (file.endsWith('.tmp')) {
          // Left by a crash mid-write.
          fs.rmSync(full, { force: true });
          continue;
        }
        if (!file.endsWith(EXTENSION)) continue;
        const stat = fs.statSync(full, { throwIfNoEntry: false });
        if (!stat) continue;
        index.set(`${specDir}/${file}`, { bytes: stat.size, lastUsed: stat.mtimeMs });
        this.totalBytes += stat.size;
      }
    }
    this.index = index;
    return index;
  }
}

/** Records a use in the file's mtime, so the LRU order survives a restart. */
function touch(file: string, time: number): void {
  try {
    fs.utimesSync(file, new Date(time), new Date(time));
  } catch {
    // A read-only cache still serves hits; only the LRU order goes stale.
  }
}

function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // Nothing there to remove (or no folder at all).
  }
}

function entryKey(specHash: string, audioHash: string): string {
  if (!/^[0-9a-f]{8,128}$/.test(specHash) || !/^[0-9a-f]{8,128}$/.test(audioHash)) {
    throw new RangeError(`cache keys must be hex hashes (got ${specHash}, ${audioHash})`);
  }
  return `${specHash}/${audioHash}${EXTENSION}`;
}
