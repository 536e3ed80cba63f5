import type { ImportFolderInput } from '../../../src-shared/contract/ProjectService.ts';
import type { ImportLayout, ImportPreview } from '../../../src-shared/model/ImportPlan.ts';
import { planImport } from './planImport.ts';

const SAMPLE = 12;

/** The layout an import request asks for: a manifest, a file-name pattern, or one folder per label. */
export function importLayout(input: ImportFolderInput): ImportLayout {
  if (input.manifest) return { kind: 'manifest', manifest: input.manifest };
  if (input.pattern) return { kind: 'pattern', pattern: input.pattern };
  return { kind: 'folders' };
}

/** The live preview: counts per label and the first files as they would be labelled. */
export function previewImport(source: string, layout: ImportLayout): ImportPreview {
  const plan = planImport(source, layout);
  const counts = new Map<string, number>();
  for (const candidate of plan.candidates) {
    if (candidate.label) counts.set(candidate.label, (counts.get(candidate.label) ?? 0) + 1);
  }
  return {
    root: plan.root,
    candidates: plan.candidates.length,
    noise: plan.candidates.filter((candidate) => candidate.kind === 'noise').length,
    rejected: plan.rejected.length,
    labels: [...counts].map(([label, count]) => ({ label, count })).sort((a, b) => a.label.localeCompare(b.label)),
    sample: plan.candidates.slice(0, SAMPLE),
    rejectedSample: plan.rejected.slice(0, SAMPLE),
  };
}
