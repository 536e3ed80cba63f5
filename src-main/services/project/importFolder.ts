import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import type { ImportCandidate, ImportLayout } from '../../../src-shared/model/ImportPlan.ts';
import type { ImportReport } from '../../../src-shared/model/ImportReport.ts';
import { AudioDecodeError, decodeAudio, type DecodedAudio } from '../audio/decodeAudio.ts';
import { computeFingerprint, fingerprintToBlob } from '../library/audioFingerprint.ts';
import { automaticHotkey } from '../../../src-shared/model/automaticHotkey.ts';
import { naturalSortKey } from '../../../src-shared/model/naturalSortKey.ts';
import { readSplitPercentages, recordImportBatch, takenHotkeys } from '../library/editHistory.ts';
import { computeQualityFlags, type QualityFlag } from '../library/qualityFlags.ts';
import { computeSplit } from '../library/splitHash.ts';
import { diskFullError, isDiskFull } from '../diskFull.ts';
import { discardIncoming, incomingPath, placeIncoming, removeIncomingIfEmpty, writeIncoming } from './incomingAudio.ts';
import type { OpenProject } from './ProjectSession.ts';
import { planImport } from './planImport.ts';
import { audioPath } from './projectLayout.ts';

export interface ImportFolderOptions {
  /** How labels are found; one folder per label (Speech Commands) when absent. */
  layout?: ImportLayout | undefined;
  onProgress?: (done: number, total: number, file: string) => void;
  signal?: AbortSignal | undefined;
  /**
   * What to call the source in the catalog and the history when its path means nothing to the user
   * (files uploaded from a drop, staged in the project): clips then record `<sourceName>/<relative path>`.
   */
  sourceName?: string | undefined;
}

interface PreparedClip extends ImportCandidate {
  hash: string;
  audio: DecodedAudio;
  flags: QualityFlag[];
  fingerprint: Buffer;
  /** The copy waiting in audio/.incoming for its row, and where it goes; null when the store has the content already. */
  copy: { incoming: string; target: string } | null;
}

const BATCH = 200;
const MAX_FILE_BYTES = 512 * 1024 * 1024;

/**
 * Imports audio into the project's content-addressed store. Originals are only read; each copy is
 * written aside (audio/.incoming) and moved into the store once its batch's rows have committed in
 * one transaction, so a crash, a cancel or a full disk leaves neither half-written files, nor files
 * without rows, nor partial rows: whole batches already written are kept and reported, and the next
 * open settles any copy a killed import left aside (see cleanProjectDebris). Files whose content
 * is already in the project are duplicates and add nothing. Quality flags, the near-duplicate
 * fingerprint and — once the project has split percentages — the split are computed on the way in.
 */
export async function importFolder(
  project: OpenProject,
  source: string,
  options: ImportFolderOptions = {},
): Promise<ImportReport> {
  const started = performance.now();
  const plan = planImport(source, options.layout ?? { kind: 'folders' });
  const rejected = [...plan.rejected];
  const { db, layout } = project;
  const settings = db.prepare('SELECT clip_duration_ms FROM project WHERE id = 1').get() as {
    clip_duration_ms: number;
  };
  const percentages = readSplitPercentages(db);
  const knownHash = db.prepare('SELECT 1 FROM clips WHERE hash = ?').pluck();
  const labels = new LabelIds(project);
  const insert = db.prepare(`INSERT INTO clips
    (hash, kind, ext, source_path, original_name, name_key, label_id, speaker, take, split, split_override, duration_ms, sample_rate,
     channels, bits_per_sample, num_frames, fingerprint, analyzed_at, added_at)
    VALUES (@hash, @kind, @ext, @source, @name, @nameKey, @labelId, @speaker, @take, @split, @splitOverride, @durationMs, @sampleRate,
     @channels, @bits, @frames, @fingerprint, @addedAt, @addedAt)`);
  const insertFlag = db.prepare('INSERT INTO clip_flags (flag, clip_id, value) VALUES (?, ?, ?)');
  const history = db.prepare(`INSERT INTO label_history (clip_id, old_label_id, new_label_id, batch_id, actor, at)
    VALUES (?, NULL, ?, ?, 'import', ?)`);
  const batchId = `import-${Date.now()}-${process.pid}`;
  const sourceName = options.sourceName ?? plan.root;
  const sourcePath = (candidate: ImportCandidate) =>
    options.sourceName === undefined
      ? candidate.path
      : path.posix.join(options.sourceName, candidate.relative.split(path.sep).join('/'));
  const diskFull = (kept: string) =>
    diskFullError(
      layout.root,
      kept,
      'Free some space and import again: the files already imported are skipped as duplicates.',
    );
  // An import is history too (not undoable: trash undoes it); a new action ends the redo stack.
  try {
    db.transaction(() => recordImportBatch(db, batchId, `Import from ${sourceName}`))();
  } catch (error) {
    throw isDiskFull(error) ? diskFull('nothing was imported and nothing was changed') : error;
  }

  const writeBatch = db.transaction((batch: PreparedClip[]) => {
    const addedAt = new Date().toISOString();
    for (const clip of batch) {
      const labelId = clip.label ? labels.idFor(clip.label) : null;
      const split =
        clip.split ??
        (percentages && clip.kind === 'sample'
          ? computeSplit({ speaker: clip.speaker ?? null, originalName: path.basename(clip.path) }, percentages)
          : null);
      const name = path.basename(clip.path);
      const { lastInsertRowid } = insert.run({
        hash: clip.hash,
        kind: clip.kind,
        ext: clip.audio.format,
        source: sourcePath(clip),
        name,
        nameKey: naturalSortKey(name),
        labelId,
        speaker: clip.speaker ?? null,
        take: clip.take ?? null,
        split,
        splitOverride: clip.split ?? null,
        durationMs: clip.audio.durationMs,
        sampleRate: clip.audio.sampleRate,
        channels: clip.audio.channels,
        bits: clip.audio.bitsPerSample,
        frames: clip.audio.numFrames,
        fingerprint: clip.fingerprint,
        addedAt,
      });
      for (const flag of clip.flags) insertFlag.run(flag.flag, lastInsertRowid, flag.value);
      if (labelId !== null) history.run(lastInsertRowid, labelId, batchId, addedAt);
    }
  });

  let imported = 0;
  let duplicates = 0;
  let noise = 0;
  const importedLabels = new Set<string>();
  const seenInThisImport = new Set<string>();
  let batch: PreparedClip[] = [];
  /** Rows first, then the copies into place: a copy is in the store only once its row is. */
  const flush = () => {
    try {
      writeBatch(batch);
    } catch (error) {
      // Labels the rolled-back transaction made are gone with it.
      labels.forget();
      throw error;
    }
    imported += batch.filter((clip) => clip.kind === 'sample').length;
    noise += batch.filter((clip) => clip.kind === 'noise').length;
    for (const clip of batch) if (clip.label) importedLabels.add(clip.label);
    const written = batch;
    batch = [];
    // A copy that cannot be moved now stays aside with its row; the next open moves it.
    let unplaced: unknown = null;
    for (const clip of written) {
      if (!clip.copy) continue;
      try {
        placeIncoming(clip.copy.incoming, clip.copy.target);
      } catch (error) {
        unplaced ??= error;
      }
    }
    if (unplaced !== null) throw unplaced;
  };
  const finish = () =>
    db
      .prepare('UPDATE history_batches SET description = ? WHERE batch_id = ?')
      .run(
        `Import of ${imported} clip${imported === 1 ? '' : 's'}${noise ? ` and ${noise} noise file${noise === 1 ? '' : 's'}` : ''} from ${sourceName}`,
        batchId,
      );

  let cancelled = false;
  const importCandidates = async (): Promise<void> => {
    for (const [index, candidate] of plan.candidates.entries()) {
      if (options.signal?.aborted) {
        cancelled = true;
        return;
      }
      options.onProgress?.(index, plan.candidates.length, candidate.relative);
      let bytes: Buffer;
      try {
        const size = fs.statSync(candidate.path).size;
        if (size > MAX_FILE_BYTES)
          throw new Error(
            `${(size / 2 ** 20).toFixed(0)} MiB is larger than the ${MAX_FILE_BYTES / 2 ** 20} MiB limit`,
          );
        bytes = fs.readFileSync(candidate.path);
      } catch (error) {
        rejected.push({ path: candidate.relative, reason: `unreadable: ${(error as Error).message}` });
        continue;
      }
      const hash = createHash('sha256').update(bytes).digest('hex');
      if (seenInThisImport.has(hash) || knownHash.get(hash)) {
        duplicates++;
        continue;
      }
      let audio: DecodedAudio;
      try {
        audio = await decodeAudio(bytes, candidate.path);
      } catch (error) {
        const reason =
          error instanceof AudioDecodeError ? error.message : `could not decode: ${(error as Error).message}`;
        rejected.push({ path: candidate.relative, reason });
        continue;
      }
      const target = audioPath(layout, hash, audio.format);
      // Content already in the store without a row (an earlier version's crash) is taken as it is.
      const copy = fs.existsSync(target) ? null : { incoming: incomingPath(layout, hash, audio.format), target };
      if (copy) writeIncoming(copy.incoming, copy.target, bytes);
      seenInThisImport.add(hash);
      batch.push({
        ...candidate,
        hash,
        audio,
        flags:
          candidate.kind === 'sample'
            ? computeQualityFlags(audio.mono, audio.sampleRate, { clipDurationMs: settings.clip_duration_ms })
            : [],
        fingerprint: fingerprintToBlob(computeFingerprint(audio.mono, audio.sampleRate)),
        copy,
      });
      if (batch.length >= BATCH) {
        flush();
        // Let events (progress, cancel) through between batches.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  };

  let failure: unknown = null;
  try {
    await importCandidates();
  } catch (error) {
    failure = error;
  }
  // What the import finished is kept; when even its rows cannot be written (the disk is full), its
  // copies go too, so nothing half-done stays behind.
  try {
    flush();
  } catch (error) {
    for (const clip of batch) if (clip.copy) discardIncoming(clip.copy.incoming);
    failure ??= error;
  }
  try {
    finish();
  } catch {
    // The history keeps the batch under its first description ("Import from …").
  }
  removeIncomingIfEmpty(layout);
  const kept = imported + noise;
  if (failure !== null) {
    if (!isDiskFull(failure)) throw failure;
    const left = plan.candidates.length - kept - duplicates - (rejected.length - plan.rejected.length);
    throw diskFull(
      kept === 0
        ? 'nothing was imported and no partial copy was left'
        : `the ${kept} file${kept === 1 ? '' : 's'} imported before it filled up ${kept === 1 ? 'is' : 'are'} kept, ` +
            `the other ${left} ${left === 1 ? 'was' : 'were'} not imported and no partial copy was left`,
    );
  }
  if (cancelled)
    throw new StudioError(
      'cancelled',
      `Import cancelled after ${kept} files; those are kept, the rest were not imported.`,
    );
  options.onProgress?.(plan.candidates.length, plan.candidates.length, '');
  return {
    imported,
    duplicates,
    rejected,
    noise,
    labels: [...importedLabels].sort(),
    seconds: (performance.now() - started) / 1000,
  };
}

/** Label ids by name, creating labels the import brings in. */
class LabelIds {
  private readonly cache = new Map<string, number>();
  private readonly select;
  private readonly insert;
  private readonly db;

  constructor(project: OpenProject) {
    this.db = project.db;
    this.select = project.db.prepare('SELECT id FROM labels WHERE name = ?').pluck();
    this.insert = project.db.prepare('INSERT INTO labels (name, created_at, hotkey) VALUES (?, ?, ?)');
  }

  /** Drops the cached ids, after a transaction that may have made some of them was rolled back. */
  forget(): void {
    this.cache.clear();
  }

  idFor(name: string): number {
    const key = name.toLowerCase();
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const existing = this.select.get(name) as number | undefined;
    // New labels get their automatic hotkey once, here, as labels made in the library do.
    const id =
      existing ??
      Number(
        this.insert.run(name, new Date().toISOString(), automaticHotkey(name, takenHotkeys(this.db))).lastInsertRowid,
      );
    this.cache.set(key, id);
    return id;
  }
}
