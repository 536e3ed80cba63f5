import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ImportReport, RejectedFile } from '../../../src-shared/model/ImportReport.ts';
import { compileFileNamePattern, speakerFromNohash, type PatternMatch } from '../../../src-shared/model/fileNamePattern.ts';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import { AudioDecodeError, decodeWav, type DecodedAudio } from '../audio/decodeWav.ts';
import type { OpenProject } from './OpenProject.ts';
import { audioPath } from './projectLayout.ts';

export interface ImportFolderOptions {
  /** File-name pattern; without one, the parent folder is the label (Speech Commands layout). */
  pattern?: string | undefined;
  onProgress?: (done: number, total: number, file: string) => void;
  signal?: AbortSignal | undefined;
}

interface Candidate {
  path: string;
  kind: 'sample' | 'noise';
  label?: string | undefined;
  speaker?: string | undefined;
  take?: string | undefined;
}

interface PreparedClip extends Candidate {
  hash: string;
  audio: DecodedAudio;
}

const BATCH = 200;
const MAX_FILE_BYTES = 512 * 1024 * 1024;
const AUDIO_EXTENSIONS = new Set(['.wav', '.wave']);

/**
 * Imports a folder of WAV files into the project's content-addressed store. Originals are only
 * read; each copy is written to a temporary name and renamed, and rows go in per batch inside a
 * transaction, so a crash leaves neither half-written files nor partial rows. Files whose content
 * is already in the project are reported as duplicates and add nothing.
 */
export async function importFolder(project: OpenProject, sourceDir: string, options: ImportFolderOptions = {}): Promise<ImportReport> {
  const started = performance.now();
  const root = path.resolve(sourceDir);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch {
    throw new StudioError('not_found', `${root} does not exist.`);
  }
  if (!stat.isDirectory()) throw new StudioError('invalid_input', `${root} is not a folder.`);

  let matcher: ((name: string) => PatternMatch | null) | undefined;
  if (options.pattern) {
    try {
      matcher = compileFileNamePattern(options.pattern);
    } catch (error) {
      throw new StudioError('invalid_input', `Pattern "${options.pattern}": ${(error as Error).message}.`);
    }
  }

  const rejected: RejectedFile[] = [];
  const candidates: Candidate[] = [];
  for (const file of listFiles(root)) {
    const relative = path.relative(root, file);
    if (!AUDIO_EXTENSIONS.has(path.extname(file).toLowerCase())) {
      rejected.push({ path: relative, reason: `not a WAV file (${path.extname(file) || 'no extension'})` });
      continue;
    }
    const parent = path.basename(path.dirname(file));
    if (parent === '_background_noise_') {
      candidates.push({ path: file, kind: 'noise' });
      continue;
    }
    if (matcher) {
      const match = matcher(path.basename(file));
      if (!match) {
        rejected.push({ path: relative, reason: `name does not match the pattern ${options.pattern}` });
        continue;
      }
      candidates.push({ path: file, kind: 'sample', ...match });
    } else {
      if (path.dirname(file) === root) {
        rejected.push({ path: relative, reason: 'not inside a label folder (use a file-name pattern for flat folders)' });
        continue;
      }
      candidates.push({ path: file, kind: 'sample', label: parent, ...speakerFromNohash(path.basename(file)) });
    }
  }

  const { db, layout } = project;
  const knownHash = db.prepare('SELECT 1 FROM clips WHERE hash = ?').pluck();
  const labels = new LabelIds(project);
  const insert = db.prepare(`INSERT INTO clips
    (hash, kind, ext, source_path, original_name, label_id, speaker, take, duration_ms, sample_rate, channels,
     bits_per_sample, num_frames, added_at)
    VALUES (@hash, @kind, 'wav', @source, @name, @labelId, @speaker, @take, @durationMs, @sampleRate, @channels,
     @bits, @frames, @addedAt)`);
  const history = db.prepare(`INSERT INTO label_history (clip_id, old_label_id, new_label_id, batch_id, actor, at)
    VALUES (?, NULL, ?, ?, 'import', ?)`);
  const batchId = `import-${Date.now()}`;
  const writeBatch = db.transaction((batch: PreparedClip[]) => {
    const addedAt = new Date().toISOString();
    for (const clip of batch) {
      const labelId = clip.label ? labels.idFor(clip.label) : null;
      const { lastInsertRowid } = insert.run({
        hash: clip.hash,
        kind: clip.kind,
        source: clip.path,
        name: path.basename(clip.path),
        labelId,
        speaker: clip.speaker ?? null,
        take: clip.take ?? null,
        durationMs: clip.audio.durationMs,
        sampleRate: clip.audio.sampleRate,
        channels: clip.audio.channels,
        bits: clip.audio.bitsPerSample,
        frames: clip.audio.numFrames,
        addedAt,
      });
      if (labelId !== null) history.run(lastInsertRowid, labelId, batchId, addedAt);
    }
  });

  let imported = 0;
  let duplicates = 0;
  let noise = 0;
  const importedLabels = new Set<string>();
  const seenInThisImport = new Set<string>();
  let batch: PreparedClip[] = [];
  const flush = () => {
    writeBatch(batch);
    imported += batch.filter((clip) => clip.kind === 'sample').length;
    noise += batch.filter((clip) => clip.kind === 'noise').length;
    batch = [];
  };

  for (const [index, candidate] of candidates.entries()) {
    if (options.signal?.aborted) {
      flush();
      throw new StudioError('cancelled', `Import cancelled after ${imported + noise} files; those are kept.`);
    }
    const relative = path.relative(root, candidate.path);
    options.onProgress?.(index, candidates.length, relative);
    let bytes: Buffer;
    try {
      if (fs.statSync(candidate.path).size > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES / 2 ** 20} MiB`);
      bytes = fs.readFileSync(candidate.path);
    } catch (error) {
      rejected.push({ path: relative, reason: `unreadable: ${(error as Error).message}` });
      continue;
    }
    const hash = createHash('sha256').update(bytes).digest('hex');
    if (seenInThisImport.has(hash) || knownHash.get(hash)) {
      duplicates++;
      continue;
    }
    let audio: DecodedAudio;
    try {
      audio = decodeWav(bytes);
    } catch (error) {
      const reason = error instanceof AudioDecodeError ? error.message : `could not decode: ${(error as Error).message}`;
      rejected.push({ path: relative, reason });
      continue;
    }
    const target = audioPath(layout, hash, 'wav');
    if (!fs.existsSync(target)) {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const temporary = `${target}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, bytes);
      fs.renameSync(temporary, target);
    }
    seenInThisImport.add(hash);
    batch.push({ ...candidate, hash, audio });
    if (candidate.label) importedLabels.add(candidate.label);
    if (batch.length >= BATCH) {
      flush();
      // Let events (progress, cancel) through between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  flush();
  options.onProgress?.(candidates.length, candidates.length, '');
  return {
    imported,
    duplicates,
    rejected,
    noise,
    labels: [...importedLabels].sort(),
    seconds: (performance.now() - started) / 1000,
  };
}

class LabelIds {
  private readonly cache = new Map<string, number>();
  private readonly select;
  private readonly insert;

  constructor(project: OpenProject) {
    this.select = project.db.prepare('SELECT id FROM labels WHERE name = ?').pluck();
    this.insert = project.db.prepare('INSERT INTO labels (name, created_at) VALUES (?, ?)');
  }

  idFor(name: string): number {
    const key = name.toLowerCase();
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const existing = this.select.get(name) as number | undefined;
    const id = existing ?? Number(this.insert.run(name, new Date().toISOString()).lastInsertRowid);
    this.cache.set(key, id);
    return id;
  }
}

function listFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.push(full);
    }
  };
  walk(root);
  return files;
}
