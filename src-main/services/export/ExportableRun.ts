import type { RunDetail, RunSummary } from '../../../src-shared/model/Run.ts';
import type { RunArtifact } from '../runs/store/readRunArtifacts.ts';

/** A finished run whose recorded files are all on disk: what every exporter works from. */
export interface ExportableRun {
  detail: RunDetail;
  summary: RunSummary;
  /** The run's own folder, absolute: exporters read it and never write it. */
  folder: string;
  /** Every file the run recorded, each checked present with its recorded size. */
  artifacts: RunArtifact[];
}
