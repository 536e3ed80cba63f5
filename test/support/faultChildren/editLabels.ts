/**
 * A child process for the fault-injection suite: opens a project and relabels random clips, one
 * edit (one transaction, one history batch) at a time, writing each finished batch id to stdout
 * synchronously, so the parent knows which edits had committed when it killed this process.
 * Usage: node --import tsx editLabels.ts <projectDir> <seed> <edits>
 */
import fs from 'node:fs';
import { createRandom } from '../../../src-shared/random/createRandom.ts';
import { setLabel } from '../../../src-main/services/library/labelEdits.ts';
import { openProject } from '../../../src-main/services/project/openProject.ts';

const [projectDir, seedText, editsText] = process.argv.slice(2);
const random = createRandom(Number(seedText));
const project = openProject(projectDir!);
const clipIds = project.db
  .prepare("SELECT id FROM clips WHERE kind = 'sample' AND deleted_at IS NULL ORDER BY id")
  .pluck()
  .all() as number[];
const labels = ['alpha', 'beta', 'gamma', null];
for (let edit = 0; edit < Number(editsText); edit++) {
  const picked = Array.from({ length: random.int(1, 20) }, () => clipIds[random.int(0, clipIds.length - 1)]!);
  const result = setLabel(project, [...new Set(picked)], labels[random.int(0, labels.length - 1)]!, 'fault-editor');
  if (result.batchId) fs.writeSync(1, `${result.batchId}\n`);
}
project.db.close();
