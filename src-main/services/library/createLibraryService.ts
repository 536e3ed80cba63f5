import fs from 'node:fs';
import type { LibraryService } from '../../../src-shared/contract/LibraryService.ts';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import type { ClipRow, LabelCount } from '../../../src-shared/model/Clip.ts';
import { decodeWav } from '../audio/decodeWav.ts';
import type { ProjectSession } from '../project/OpenProject.ts';
import { audioPath } from '../project/projectLayout.ts';
import { clipOrder, clipWhere } from './clipQuery.ts';

interface ClipRecord {
  id: number;
  hash: string;
  kind: ClipRow['kind'];
  ext: string;
  label: string | null;
  speaker: string | null;
  split: ClipRow['split'];
  original_name: string;
  duration_ms: number;
  sample_rate: number;
  channels: number;
  bits_per_sample: number;
  added_at: string;
}

/** Browsing the open project's clips. */
export function createLibraryService(session: ProjectSession): LibraryService {
  return {
    async listClips({ filter, sort, offset = 0, limit = 200 }) {
      const { db } = session.require();
      const { from, params } = clipWhere(filter);
      const total = db.prepare(`SELECT COUNT(*) ${from}`).pluck().get(params) as number;
      const records = db
        .prepare(
          `SELECT c.id, c.hash, c.kind, c.ext, l.name AS label, c.speaker, c.split, c.original_name, c.duration_ms,
             c.sample_rate, c.channels, c.bits_per_sample, c.added_at
           ${from} ${clipOrder(sort)} LIMIT @limit OFFSET @offset`,
        )
        .all({ ...params, limit, offset }) as ClipRecord[];
      return { total, offset, rows: records.map(toClipRow) };
    },

    async clipIds({ filter, sort }) {
      const { db } = session.require();
      const { from, params } = clipWhere(filter);
      const ids = db.prepare(`SELECT c.id ${from} ${clipOrder(sort)}`).pluck().all(params) as number[];
      return Int32Array.from(ids);
    },

    async labelCounts() {
      const { db } = session.require();
      return db
        .prepare(
          `SELECT l.name AS label, COUNT(c.id) AS count FROM labels l
           LEFT JOIN clips c ON c.label_id = l.id AND c.deleted_at IS NULL AND c.kind = 'sample'
           GROUP BY l.id ORDER BY l.name`,
        )
        .all() as LabelCount[];
    },

    async clipAudio({ clipId }) {
      const project = session.require();
      const record = project.db.prepare('SELECT hash, ext FROM clips WHERE id = ?').get(clipId) as
        | { hash: string; ext: string }
        | undefined;
      if (!record) throw new StudioError('not_found', `Clip ${clipId} does not exist in this project.`);
      const file = audioPath(project.layout, record.hash, record.ext);
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(file);
      } catch {
        throw new StudioError('not_found', `The audio of clip ${clipId} is missing from the project store (${file}).`);
      }
      const audio = decodeWav(bytes);
      return { clipId, sampleRate: audio.sampleRate, samples: audio.mono };
    },
  };
}

function toClipRow(record: ClipRecord): ClipRow {
  return {
    id: record.id,
    hash: record.hash,
    kind: record.kind,
    label: record.label,
    speaker: record.speaker,
    split: record.split,
    originalName: record.original_name,
    durationMs: record.duration_ms,
    sampleRate: record.sample_rate,
    channels: record.channels,
    bitsPerSample: record.bits_per_sample,
    addedAt: record.added_at,
  };
}
