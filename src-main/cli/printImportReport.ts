import type { ImportReport } from '../../src-shared/model/ImportReport.ts';

export function printImportReport(report: ImportReport, json?: boolean): void {
  if (json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  console.log(`imported=${report.imported}`);
  console.log(`duplicates=${report.duplicates}`);
  console.log(`noise_files=${report.noise}`);
  console.log(`rejected=${report.rejected.length}`);
  const shown = 20;
  for (const item of report.rejected.slice(0, shown)) console.log(`  rejected: ${item.path}: ${item.reason}`);
  if (report.rejected.length > shown)
    console.log(`  … and ${report.rejected.length - shown} more (use --json for the full report)`);
  console.log(`labels=${report.labels.join(',')}`);
  console.log(`seconds=${report.seconds.toFixed(1)}`);
}
