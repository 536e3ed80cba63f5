import { Emitter } from '../../../src-shared/contract/events.ts';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import type { RunService } from '../../../src-shared/contract/RunService.ts';
import type { RunsChangedEvent } from '../../../src-shared/model/RunTable.ts';
import type { ProjectDatabase } from '../../store/openProjectDatabase.ts';
import type { OpenProject, ProjectSession } from '../project/ProjectSession.ts';
import { clipDifferences } from './clipDifferences.ts';
import { compareRuns } from './compareRuns.ts';
import { exportRuns } from './exportRuns.ts';
import { likelyMislabeled } from './likelyMislabeled.ts';
import { RunIndex } from './RunIndex.ts';
import { getRun } from './store/getRun.ts';
import { listRuns } from './store/listRuns.ts';
import { purgeDeletedRuns } from './store/purgeDeletedRuns.ts';
import { readPredictions } from './store/readPredictions.ts';
import { readTagCounts } from './store/readTagCounts.ts';
import { setRunArchived } from './store/setRunArchived.ts';
import { setRunDeleted } from './store/setRunDeleted.ts';
import { setRunNote } from './store/setRunNote.ts';
import { setRunStarred } from './store/setRunStarred.ts';
import { setRunTags } from './store/setRunTags.ts';
import { sweepAnalysis } from './sweepAnalysis.ts';

/** How often, while someone listens for run changes, the project is checked for runs written by training processes. */
const watchIntervalMs = 1000;

/**
 * The run table and comparisons of the open project. One in-memory index per open database (see
 * RunIndex), so switching projects starts a fresh one and the old one goes with its connection.
 */
export function createRunService(session: ProjectSession): RunService & { dispose(): void } {
  const indexes = new WeakMap<ProjectDatabase, RunIndex>();
  const changed = new Emitter<RunsChangedEvent>();

  const open = (): { project: OpenProject; index: RunIndex } => {
    const project = session.require();
    let index = indexes.get(project.db);
    if (!index) indexes.set(project.db, (index = new RunIndex(project.db)));
    return { project, index };
  };
  /**
   * Brings the index up to date and tells listeners which runs changed; `touched` stands in when
   * the index was built from scratch and cannot say (an edit before the first query).
   */
  const announce = (index: RunIndex, touched: readonly string[] = []) => {
    const runIds = index.refresh() ?? [...new Set(touched)];
    if (runIds.length) changed.fire({ runIds });
  };
  const edit = (runIds: readonly string[], apply: (db: ProjectDatabase) => number) => {
    const { project, index } = open();
    const count = apply(project.db);
    announce(index, count ? runIds : []);
    return { changed: count };
  };

  // Training workers write runs through their own connections; only a listener needs to hear of it.
  const watch = setInterval(() => {
    if (changed.listenerCount === 0 || !session.current) return;
    try {
      announce(open().index);
    } catch {
      // A project closing between the check and the read; the next tick sees the new state.
    }
  }, watchIntervalMs);
  watch.unref();

  return {
    async listRuns() {
      return listRuns(open().project.db);
    },
    async getRun({ runId }) {
      const run = getRun(open().project.db, runId);
      if (!run) throw new StudioError('not_found', `There is no run ${runId} in this project.`);
      return run;
    },
    async predictions(query) {
      return readPredictions(open().project.db, query);
    },

    async queryRuns(query) {
      return open().index.query(query);
    },
    async columns() {
      return open().index.columns();
    },
    async runIds(selection) {
      return open().index.ids(selection);
    },
    async tags() {
      return readTagCounts(open().project.db);
    },

    async setTags({ runIds, tags }) {
      return edit(runIds, (db) => setRunTags(db, runIds, tags, 'replace'));
    },
    async addTags({ runIds, tags }) {
      return edit(runIds, (db) => setRunTags(db, runIds, tags, 'add'));
    },
    async removeTags({ runIds, tags }) {
      return edit(runIds, (db) => setRunTags(db, runIds, tags, 'remove'));
    },
    async setNote({ runIds, note }) {
      return edit(runIds, (db) => setRunNote(db, runIds, note));
    },
    async setStarred({ runIds, starred }) {
      return edit(runIds, (db) => setRunStarred(db, runIds, starred));
    },
    async archiveRuns({ runIds }) {
      return edit(runIds, (db) => setRunArchived(db, runIds, true));
    },
    async unarchiveRuns({ runIds }) {
      return edit(runIds, (db) => setRunArchived(db, runIds, false));
    },
    async deleteRuns({ runIds }) {
      return edit(runIds, (db) => setRunDeleted(db, runIds, true));
    },
    async restoreRuns({ runIds }) {
      return edit(runIds, (db) => setRunDeleted(db, runIds, false));
    },
    async purgeDeletedRuns({ runIds }) {
      const { project, index } = open();
      const result = purgeDeletedRuns(project, runIds);
      announce(index, runIds ?? []);
      return result;
    },

    async compareRuns(input) {
      return compareRuns(open().project.db, input);
    },
    async clipDifferences(input) {
      return clipDifferences(open().project.db, input);
    },
    async likelyMislabeled(input) {
      return likelyMislabeled(open().project.db, input);
    },
    async sweepAnalysis(input) {
      const { project, index } = open();
      return sweepAnalysis(project.db, index, input);
    },
    async exportRuns(input) {
      const { project, index } = open();
      return exportRuns(project.db, index, input);
    },

    onDidChangeRuns: changed.event,

    dispose() {
      clearInterval(watch);
    },
  };
}
