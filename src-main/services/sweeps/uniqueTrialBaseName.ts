import type { ProjectDatabase } from '../../store/openProjectDatabase.ts';
import { firstFreeName } from '../runs/store/uniqueRunName.ts';

/**
 * The name a new sweep numbers its trials under ("DS-CNN #1", "DS-CNN #2", …): the base spec's
 * name, or "DS-CNN 2", "DS-CNN 3", … when an earlier sweep already numbers its trials under it, so
 * a second sweep from the same preset gets trial names of its own ("DS-CNN 2 #1").
 */
export function uniqueTrialBaseName(db: ProjectDatabase, base: string): string {
  // A base spec without a name numbers its trials under "trial" (see withOverrides).
  const taken = db
    .prepare(`SELECT COALESCE(json_extract(spec_json, '$.base.name'), 'trial') FROM sweeps`)
    .pluck()
    .all() as string[];
  return firstFreeName(base, new Set(taken));
}
