import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Emitter } from '../../../src-shared/contract/events.ts';
import type { ExportChoice, ExportProgress, ExportService } from '../../../src-shared/contract/ExportService.ts';
import type { RunService } from '../../../src-shared/contract/RunService.ts';
import { exportBundleSuffix, exportFormats, type ShipReport } from '../../../src-shared/model/ExportBundle.ts';
import type { OpenProject, ProjectSession } from '../project/ProjectSession.ts';
import { recordDeployStats } from '../runs/store/recordDeployStats.ts';
import { checkDestination } from './checkDestination.ts';
import { exportIoError } from './exportIoError.ts';
import { placeBundle, stagingParent } from './placeBundle.ts';
import type { ReadModelInputs } from './ModelInputs.ts';
import { readExportableRun } from './readExportableRun.ts';
import { resolveExportOptions } from './resolveExportOptions.ts';
import { createStagingFolder } from './stagingFolder.ts';
import { deployStatsOf } from './ship/buildShipModel.ts';
import type { ExportContext, ResolvedExportOptions } from './RunExporter.ts';
import { runExporters } from './runExporters.ts';
import { writeBundle } from './writeBundle.ts';
import { zipFiles } from './zipFiles.ts';

/**
 * Export of the open project's finished runs. Runs are read through the run service (and their
 * artifact rows read only); every bundle is staged in a temporary folder and moved into place whole.
 */
export function createExportService(options: {
  session: ProjectSession;
  runs: Pick<RunService, 'getRun'>;
  /** The training pipeline's runModelInputs (calibration and test inputs of TFLite exports). */
  modelInputs: ReadModelInputs;
}): ExportService {
  const { session, runs, modelInputs } = options;
  const progress = new Emitter<ExportProgress>({ name: 'export.onDidProgress' });
  const context = (choice: ExportChoice, resolved: ResolvedExportOptions): ExportContext => ({
    options: resolved,
    project: session.require(),
    modelInputs,
    progress: (stage, fraction) => progress.fire({ runId: choice.runId, format: choice.format, stage, fraction }),
  });
  return {
    onDidProgress: progress.event,

    async formats() {
      return exportFormats.map((format) => runExporters[format].info);
    },

    async exportRun(input) {
      const { runId, format, directory, overwrite } = input;
      const options = resolveExportOptions(input);
      const project = session.require();
      const run = await readExportableRun(project, runs, runId);
      const destination = checkDestination(directory, overwrite === true, runId, run.folder);
      let staging: string;
      try {
        staging = createStagingFolder(stagingParent(destination));
      } catch (error) {
        throw exportIoError(error, stagingParent(destination));
      }
      try {
        const { files, warnings, report } = await writeBundle(run, format, staging, context(input, options));
        placeBundle(staging, destination, files);
        recordInt8Stats(project, runId, report);
        return { runId, format, directory: destination.target, files, bytes: sum(files), warnings, report };
      } catch (error) {
        fs.rmSync(staging, { recursive: true, force: true });
        throw exportIoError(error, destination.target);
      }
    },

    async exportFiles(input) {
      const { runId, format } = input;
      const options = resolveExportOptions(input);
      const project = session.require();
      const run = await readExportableRun(project, runs, runId);
      const staging = createStagingFolder(os.tmpdir());
      try {
        const { files, warnings, report } = await writeBundle(run, format, staging, context(input, options));
        recordInt8Stats(project, runId, report);
        const name = `${runId}-${exportBundleSuffix({ format, ...options })}`;
        const data = zipFiles(
          files.map((file) => ({ name: `${name}/${file.path}`, data: fs.readFileSync(path.join(staging, file.path)) })),
        );
        return { runId, format, fileName: `${name}.zip`, mimeType: 'application/zip', data, files, warnings, report };
      } catch (error) {
        throw exportIoError(error, staging);
      } finally {
        fs.rmSync(staging, { recursive: true, force: true });
      }
    },
  };
}

/** An int8 export's measurements become the run's `stats.tflite_int8_*`, so Compare and the Runs table show what ships. */
function recordInt8Stats(project: OpenProject, runId: string, report: ShipReport | null): void {
  if (report?.quantize === 'int8') recordDeployStats(project.db, runId, deployStatsOf(report));
}

const sum = (files: readonly { bytes: number }[]) => files.reduce((total, file) => total + file.bytes, 0);
