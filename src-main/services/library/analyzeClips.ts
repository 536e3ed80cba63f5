import fs from 'node:fs';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import { decodeAudio } from '../audio/decodeAudio.ts';
import type { OpenProject } from '../project/ProjectSession.ts';
import { audioPath } from '../project/projectLayout.ts';
import { computeFingerprint, fingerprintToBlob } from './audioFingerprint.ts';
import { computeQualityFlags, QUALITY_FLAGS, type QualityFlag } from './qualityFlags.ts';

export interface AnalyzeOptions {
  /** Only these clips; default every clip. */
  clipIds?: readonly number[] | undefined;
  /** Also re-analyse clips analysed before (after a change to the checks); default false. */
  again?: boolean | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
  signal?: AbortSignal | undefined;
}

export interface AnalyzeReport {
  analyzed: number;
  failed: { clipId: number; reason: string }[];
}

interface Analysis {
  clipId: number;
  flags: QualityFlag[];
  fingerprint: Buffer;
}

const BATCH = 200;

/**
 * Computes quality flags and the fingerprint of each clip from its stored audio and saves them,
 * a batch per transaction so an interruption keeps what was finished. Flags this module owns are
 * replaced; flags written by other checks are left alone.
 */
export async function analyzeClips(project: OpenProject, options: AnalyzeOptions = {}): Promise<AnalyzeReport> {
  const { db, layout } = project;
  const clipDurationMs = db.prepare('SELECT clip_duration_ms FROM project WHERE id = 1').pluck().get() as
    number | undefined;
  if (clipDurationMs === undefined)
    throw new StudioError('project_corrupt', `${layout.database} has no project record.`);
  const where = [options.again ? '1' : 'analyzed_at IS NULL'];
  const params: string[] = [];
  if (options.clipIds) {
    where.push('id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(options.clipIds));
  }
  const clips = db
    .prepare(`SELECT id, hash, ext FROM clips WHERE ${where.join(' AND ')} ORDER BY id`)
    .all(...params) as {
    id: number;
    hash: string;
    ext: string;
  }[];

  const clearFlags = db.prepare(
    `DELETE FROM clip_flags WHERE clip_id = ? AND flag IN (${QUALITY_FLAGS.map(() => '?').join(', ')})`,
  );
  const insertFlag = db.prepare('INSERT INTO clip_flags (flag, clip_id, value) VALUES (?, ?, ?)');
  const markAnalyzed = db.prepare('UPDATE clips SET fingerprint = ?, analyzed_at = ? WHERE id = ?');
  const save = db.transaction((batch: Analysis[]) => {
    const at = new Date().toISOString();
    for (const { clipId, flags, fingerprint } of batch) {
      clearFlags.run(clipId, ...QUALITY_FLAGS);
      for (const { flag, value } of flags) insertFlag.run(flag, clipId, value);
      markAnalyzed.run(fingerprint, at, clipId);
    }
  });

  const report: AnalyzeReport = { analyzed: 0, failed: [] };
  let batch: Analysis[] = [];
  const flush = () => {
    save(batch);
    report.analyzed += batch.length;
    batch = [];
  };
  for (const [index, clip] of clips.entries()) {
    if (options.signal?.aborted) {
      flush();
      throw new StudioError('cancelled', `Analysis cancelled after ${report.analyzed} clips; those are kept.`);
    }
    options.onProgress?.(index, clips.length);
    try {
      const fileName = `${clip.hash}.${clip.ext}`;
      const audio = await decodeAudio(fs.readFileSync(audioPath(layout, clip.hash, clip.ext)), fileName);
      batch.push({
        clipId: clip.id,
        flags: computeQualityFlags(audio.mono, audio.sampleRate, { clipDurationMs }),
        fingerprint: fingerprintToBlob(computeFingerprint(audio.mono, audio.sampleRate)),
      });
    } catch (error) {
      report.failed.push({ clipId: clip.id, reason: error instanceof Error ? error.message : String(error) });
    }
    if (batch.length >= BATCH) {
      flush();
      // Let progress and cancel events through between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  flush();
  options.onProgress?.(clips.length, clips.length);
  return report;
}
