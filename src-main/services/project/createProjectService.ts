import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ProjectService } from '../../../src-shared/contract/ProjectService.ts';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import { Emitter } from '../../../src-shared/contract/events.ts';
import type { ProjectInfo } from '../../../src-shared/model/ProjectInfo.ts';
import type { TaskProgress } from '../../../src-shared/model/TaskProgress.ts';
import { RecentProjects } from '../../store/recentProjects.ts';
import { defaultDemoProjectPath } from '../appPaths.ts';
import { assignSplits } from '../library/assignSplits.ts';
import { assertCanCreate, createProject } from './createProject.ts';
import { importFolder } from './importFolder.ts';
import { importLayout, previewImport } from './previewImport.ts';
import { openProject } from './openProject.ts';
import type { OpenProject, ProjectSession } from './ProjectSession.ts';
import { readProjectInfo } from './readProjectInfo.ts';
import { UploadStaging } from './uploadStaging.ts';

export interface ProjectServiceOptions {
  session: ProjectSession;
  home: string;
}

/** Creating, opening and importing into projects, for every transport and the CLI. */
export function createProjectService({ session, home }: ProjectServiceOptions): ProjectService {
  const recents = new RecentProjects(home);
  const changed = new Emitter<ProjectInfo | null>();
  const progress = new Emitter<TaskProgress>();
  let taskCounter = 0;

  const staging = new UploadStaging();
  const release = (project: OpenProject | null) => {
    if (project) staging.discardProject(project.layout);
  };

  const activate = (project: OpenProject): ProjectInfo => {
    release(session.current);
    session.current?.db.close();
    session.current = project;
    staging.removeLeftovers(project.layout);
    const info = readProjectInfo(project);
    recents.remember(info.path, info.name);
    changed.fire(info);
    return info;
  };

  const running = new Map<string, AbortController>();
  const task = (title: string, cancellable = false) => {
    const taskId = `task-${++taskCounter}`;
    const controller = new AbortController();
    if (cancellable) running.set(taskId, controller);
    const report = (state: TaskProgress['state'], done: number, total: number, message: string) => {
      progress.fire({ taskId, title, state, done, total, message, cancellable });
      if (state !== 'running') running.delete(taskId);
    };
    return { report, signal: controller.signal };
  };

  const demosInProgress = new Map<string, Promise<ProjectInfo>>();
  /** Synthesizes the demo words, imports them into a new project at `target` and opens it. */
  const makeDemo = async (target: string, seed: number, clipsPerWord: number | undefined): Promise<ProjectInfo> => {
    assertCanCreate(target);
    const { report } = task('Creating the demo project');
    const { generateDemoDataset, DEMO_KEYWORDS, DEMO_UNKNOWN_WORDS } = await import('../demo/generateDemoDataset.ts');
    const source = fs.mkdtempSync(path.join(os.tmpdir(), 'kws-demo-'));
    fs.rmSync(source, { recursive: true });
    try {
      report('running', 0, 1, 'Synthesizing speech…');
      await generateDemoDataset({
        outDir: source,
        seed,
        clipsPerWord,
        workers: Math.min(4, os.availableParallelism()),
        onProgress: (done, total, message) => report('running', done, total * 2, message),
      });
      const project = createProject(target, 'Demo: ten keywords');
      try {
        const result = await importFolder(project, source, {
          onProgress: (done, total, file) => report('running', total + done, total * 2, `Importing ${file}`),
        });
        if (result.rejected.length > 0) {
          throw new StudioError(
            'internal',
            `Demo import rejected ${result.rejected.length} files: ${result.rejected[0]!.reason}`,
          );
        }
        // Ready to train from the first click: speaker-grouped splits, a fifth each for validation and test.
        assignSplits(project, { validationPercent: 20, testPercent: 20 });
        markDemoWords(project, DEMO_KEYWORDS, DEMO_UNKNOWN_WORDS);
      } catch (error) {
        project.db.close();
        fs.rmSync(target, { recursive: true, force: true });
        throw error;
      }
      report('done', 1, 1, 'Demo project ready');
      return activate(project);
    } catch (error) {
      report('failed', 0, 1, error instanceof Error ? error.message : String(error));
      throw error;
    } finally {
      fs.rmSync(source, { recursive: true, force: true });
    }
  };

  const service: ProjectService = {
    async create({ path: target, name }) {
      return activate(createProject(path.resolve(target), name));
    },

    async open({ path: target }) {
      return activate(openProject(path.resolve(target)));
    },

    async close() {
      release(session.current);
      session.current?.db.close();
      session.current = null;
      changed.fire(null);
    },

    async current() {
      return session.current ? readProjectInfo(session.current) : null;
    },

    async recent() {
      return recents.list();
    },

    async forgetRecent(input) {
      if ('missing' in input) {
        recents.forget((entry) => !entry.exists);
        return recents.list();
      }
      const target = path.resolve(input.path);
      if (recents.forget((entry) => entry.path === target) === 0) {
        throw new StudioError(
          'not_found',
          `${target} is not in the recent projects list (kws-studio project recent lists them).`,
        );
      }
      return recents.list();
    },

    async createDemo({ path: requested, seed = 1, clipsPerWord }) {
      const target = path.resolve(requested ?? defaultDemoProjectPath(home));
      // The default demo is made once and reopened after that; an explicit path must be new. A second
      // ask while it is being made (the page's button while `npm start` makes it) waits for that one.
      if (!requested && fs.existsSync(path.join(target, 'project.sqlite'))) return service.open({ path: target });
      const inProgress = demosInProgress.get(target);
      if (inProgress) return inProgress;
      const making = makeDemo(target, seed, clipsPerWord);
      demosInProgress.set(target, making);
      return making.finally(() => demosInProgress.delete(target));
    },

    async previewImport(input) {
      if (!input.uploadId) return previewImport(input.path, importLayout(input));
      const { folder, name } = staging.source(input.uploadId, session.require().layout, input.path);
      return { ...previewImport(folder, importLayout(input)), root: name };
    },

    async importFolder(input) {
      const project = session.require();
      // Claimed before anything else, so the staged copy is deleted however the import ends.
      const staged = input.uploadId ? staging.claim(input.uploadId, project.layout, input.path) : undefined;
      const { report, signal } = task(`Importing ${staged ? staged.name : path.basename(input.path)}`, true);
      try {
        const result = await importFolder(project, staged?.folder ?? input.path, {
          layout: importLayout(input),
          signal,
          sourceName: staged?.name,
          onProgress: (done, total, file) => report('running', done, total, file),
        });
        report(
          'done',
          1,
          1,
          `${result.imported} imported, ${result.duplicates} duplicates, ${result.rejected.length} rejected`,
        );
        changed.fire(readProjectInfo(project));
        return result;
      } catch (error) {
        const cancelled = error instanceof StudioError && error.code === 'cancelled';
        report(cancelled ? 'cancelled' : 'failed', 0, 1, error instanceof Error ? error.message : String(error));
        if (session.current === project) changed.fire(readProjectInfo(project));
        throw error;
      } finally {
        staged?.release();
      }
    },

    async beginUpload(input) {
      return staging.begin(session.require().layout, input);
    },

    async uploadChunk(input) {
      session.require();
      return staging.write(input);
    },

    async discardUpload({ uploadId }) {
      staging.discard(uploadId);
    },

    async cancelTask({ taskId }) {
      const controller = running.get(taskId);
      if (!controller)
        throw new StudioError('not_found', `There is no running task ${taskId} to cancel (it may have finished).`);
      controller.abort();
    },

    onDidChangeProject: changed.event,
    onDidProgress: progress.event,
  };
  return service;
}

/**
 * The demo teaches the product: its filler words are unknown words (a first run has ten keywords,
 * `_silence_` and `_unknown_`), and the keywords hold the keys 1–9, 0 in the order people say them.
 */
function markDemoWords(project: OpenProject, keywords: readonly string[], unknownWords: readonly string[]): void {
  const { db } = project;
  db.transaction(() => {
    db.prepare('UPDATE labels SET hotkey = NULL').run();
    const markUnknown = db.prepare('UPDATE labels SET unknown = 1 WHERE name = ?');
    for (const word of unknownWords) markUnknown.run(word);
    const setKey = db.prepare('UPDATE labels SET hotkey = ? WHERE name = ?');
    keywords.forEach((word, index) => setKey.run(String((index + 1) % 10), word));
  })();
}
