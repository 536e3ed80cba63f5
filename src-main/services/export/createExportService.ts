import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExportService } from '../../../src-shared/contract/ExportService.ts';
import type { RunService } from '../../../src-shared/contract/RunService.ts';
import { exportFormats } from '../../../src-shared/model/ExportBundle.ts';
import type { ProjectSession } from '../project/ProjectSession.ts';
import { checkDestination } from './checkDestination.ts';
import { exportIoError } from './exportIoError.ts';
import { placeBundle, stagingParent } from './placeBundle.ts';
import { readExportableRun } from './readExportableRun.ts';
import { runExporters } from './runExporters.ts';
import { writeBundle } from './writeBundle.ts';
import { zipFiles } from './zipFiles.ts';

/** Hidden, and named so a user who finds one left by a killed export knows what it was. */
const STAGING_PREFIX = '.kws-export-';

/**
 * Export of the open project's finished runs. Runs are read through the run service (and their
 * artifact rows read only); every bundle is staged in a temporary folder and moved into place whole.
 */
export function createExportService(options: {
  session: ProjectSession;
  runs: Pick<RunService, 'getRun'>;
}): ExportService {
  const { session, runs } = options;
  return {
    async formats() {
      return exportFormats.map((format) => runExporters[format].info);
    },

    async exportRun({ runId, format, directory, overwrite }) {
      const project = session.require();
      const run = await readExportableRun(project, runs, runId);
      const destination = checkDestination(directory, overwrite === true, runId, run.folder);
      let staging: string;
      try {
        staging = fs.mkdtempSync(path.join(stagingParent(destination), STAGING_PREFIX));
      } catch (error) {
        throw exportIoError(error, stagingParent(destination));
      }
      try {
        const { files, warnings } = await writeBundle(run, format, staging);
        placeBundle(staging, destination, files);
        return { runId, format, directory: destination.target, files, bytes: sum(files), warnings };
      } catch (error) {
        fs.rmSync(staging, { recursive: true, force: true });
        throw exportIoError(error, destination.target);
      }
    },

    async exportFiles({ runId, format }) {
      const project = session.require();
      const run = await readExportableRun(project, runs, runId);
      const staging = fs.mkdtempSync(path.join(os.tmpdir(), STAGING_PREFIX));
      try {
        const { files, warnings } = await writeBundle(run, format, staging);
        const name = `${runId}-${format}`;
        const data = zipFiles(
          files.map((file) => ({ name: `${name}/${file.path}`, data: fs.readFileSync(path.join(staging, file.path)) })),
        );
        return { runId, format, fileName: `${name}.zip`, mimeType: 'application/zip', data, files, warnings };
      } catch (error) {
        throw exportIoError(error, staging);
      } finally {
        fs.rmSync(staging, { recursive: true, force: true });
      }
    },
  };
}

const sum = (files: readonly { bytes: number }[]) => files.reduce((total, file) => total + file.bytes, 0);
