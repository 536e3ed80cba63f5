import type { LibraryService } from '../../../src-shared/contract/LibraryService.ts';
import type { ClipRow, LabelCount } from '../../../src-shared/model/Clip.ts';
import { clipAudioRecord, decodeClipAudio } from '../project/clipAudioStore.ts';
import type { ProjectSession } from '../project/ProjectSession.ts';
import { Emitter } from '../../../src-shared/contract/events.ts';
import type { LibraryChange } from '../../../src-shared/contract/LibraryService.ts';
import type { EditResult } from '../../../src-shared/model/Curation.ts';
import type { OpenProject } from '../project/ProjectSession.ts';
import { assignSplits, setSplitOverride, splitReport } from './assignSplits.ts';
import { restoreClips, trashClips } from './clipTrash.ts';
import { clipOrder, clipWhere } from './clipQuery.ts';
import { createLabel, deleteLabel, mergeLabels, renameLabel, setLabel, setLabelStyle } from './labelEdits.ts';
import { flagNearDuplicates } from './flagNearDuplicates.ts';
import { flagCounts, libraryStatistics } from './libraryStatistics.ts';
import { setSpeaker } from './speakerEdits.ts';
import { historySummary, redo, undo } from './undoRedo.ts';

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
  const changed = new Emitter<LibraryChange>();
  /** Every edit is one recorded, undoable batch; listeners hear about it once it is committed. */
  const edit = async (change: (project: OpenProject) => EditResult): Promise<EditResult> => {
    const result = change(session.require());
    if (result.batchId) changed.fire({ description: result.description });
    return result;
  };
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
      const ids = db
        .prepare(`SELECT c.id ${from} ${clipOrder(sort)}`)
        .pluck()
        .all(params) as number[];
      return Int32Array.from(ids);
    },

    async labelCounts() {
      const { db } = session.require();
      return db
        .prepare(
          `SELECT l.name AS label, COUNT(c.id) AS count, l.hotkey, l.color, l.unknown FROM labels l
           LEFT JOIN clips c ON c.label_id = l.id AND c.deleted_at IS NULL AND c.kind = 'sample'
           GROUP BY l.id ORDER BY l.name`,
        )
        .all()
        .map((row) => ({ ...(row as LabelCount), unknown: (row as { unknown: number }).unknown === 1 }));
    },

    async flagCounts() {
      return flagCounts(session.require().db);
    },

    async clipAudio({ clipId }) {
      const { file } = clipAudioRecord(session.require(), clipId);
      const audio = await decodeClipAudio(clipId, file);
      return { clipId, sampleRate: audio.sampleRate, samples: audio.mono };
    },

    async statistics() {
      return libraryStatistics(session.require().db);
    },

    setLabel: ({ clipIds, label }) => edit((project) => setLabel(project, Array.from(clipIds), label)),
    setSpeaker: ({ clipIds, speaker }) => edit((project) => setSpeaker(project, Array.from(clipIds), speaker)),
    createLabel: ({ name, ...style }) => edit((project) => createLabel(project, name, style)),
    renameLabel: ({ from, to }) => edit((project) => renameLabel(project, from, to)),
    mergeLabels: ({ sources, target }) => edit((project) => mergeLabels(project, sources, target)),
    deleteLabel: ({ name }) => edit((project) => deleteLabel(project, name)),
    setLabelStyle: ({ name, ...style }) => edit((project) => setLabelStyle(project, name, style)),
    trashClips: ({ clipIds }) => edit((project) => trashClips(project, Array.from(clipIds))),
    restoreClips: ({ clipIds }) => edit((project) => restoreClips(project, Array.from(clipIds))),
    setSplitOverride: ({ clipIds, split }) => edit((project) => setSplitOverride(project, Array.from(clipIds), split)),

    async undo() {
      const description = undo(session.require());
      if (description) changed.fire({ description: `Undo: ${description}` });
      return description;
    },

    async redo() {
      const description = redo(session.require());
      if (description) changed.fire({ description: `Redo: ${description}` });
      return description;
    },

    async history({ limit }) {
      return historySummary(session.require(), limit);
    },

    async assignSplits(percentages) {
      const result = assignSplits(session.require(), percentages);
      changed.fire({
        description: `Splits assigned (${percentages.validationPercent}% validation, ${percentages.testPercent}% test)`,
      });
      return result;
    },

    async splitReport() {
      return splitReport(session.require());
    },

    async flagNearDuplicates() {
      const result = flagNearDuplicates(session.require());
      changed.fire({ description: `Near-duplicate search: ${result.pairs} pairs among ${result.clips} clips` });
      return result;
    },

    onDidChangeLibrary: changed.event,
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
