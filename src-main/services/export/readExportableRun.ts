import fs from 'node:fs';
import path from 'node:path';
import type { RunService } from '../../../src-shared/contract/RunService.ts';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import type { OpenProject } from '../project/ProjectSession.ts';
import type { ExportableRun } from './ExportableRun.ts';
import { readRunArtifacts } from '../runs/store/readRunArtifacts.ts';

/**
 * The run, if it can be exported: finished (status done, with a summary) and with every file its
 * training recorded still on disk at its recorded size. Otherwise an error naming the run and what
 * is wrong: unknown, unfinished, failed, or a file lost.
 */
export async function readExportableRun(
  project: OpenProject,
  runs: Pick<RunService, 'getRun'>,
  runId: string,
): Promise<ExportableRun> {
  const detail = await runs.getRun({ runId });
  const { status } = detail;
  if (status === 'queued' || status === 'running') {
    throw new StudioError('invalid_input', `Run ${runId} is still ${status}; export it once it has finished.`);
  }
  if (status === 'failed') {
    throw new StudioError(
      'invalid_input',
      `Run ${runId} failed${detail.error ? ` (${detail.error})` : ''}; only a finished run can be exported. Resume it or train again.`,
    );
  }
  if (status !== 'done') {
    throw new StudioError(
      'invalid_input',
      `Run ${runId} was ${status} before it finished; resume it to the end, then export it.`,
    );
  }
  if (!detail.summary)
    throw new StudioError('not_found', `Run ${runId} is done but recorded no results; it cannot be exported.`);

  const folder = path.join(project.layout.runs, runId);
  const artifacts = readRunArtifacts(project.db, runId);
  if (artifacts.length === 0)
    throw new StudioError('not_found', `Run ${runId} recorded no model files (${folder}); it cannot be exported.`);
  for (const artifact of artifacts) {
    const file = path.join(folder, artifact.path);
    let size: number | null = null;
    try {
      const stat = fs.statSync(file);
      if (stat.isFile()) size = stat.size;
    } catch {
      // Missing or unreadable: reported below.
    }
    if (size === null)
      throw new StudioError('not_found', `Run ${runId} lost its file ${file}; it cannot be exported. Train it again.`);
    if (size !== artifact.bytes) {
      throw new StudioError(
        'io_error',
        `Run ${runId}'s file ${file} has ${size} bytes, not the ${artifact.bytes} training wrote; it was changed since, so it is not exported.`,
      );
    }
  }
  return { detail, summary: detail.summary, folder, artifacts };
}
