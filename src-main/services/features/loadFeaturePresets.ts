import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFeatureSpec } from '../../../src-shared/contract/featureSpecSchema.ts';
import type { FeaturePreset } from '../../../src-shared/model/FeatureSpec.ts';

/** The app's resources folder: found by walking up from this module (source tree or built bundle). */
export function resourcesDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'resources');
    if (fs.existsSync(path.join(candidate, 'presets'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('the resources folder (resources/presets) was not found beside the app');
    dir = parent;
  }
}

/** Every preset in resources/presets/<folder>, each spec validated; a broken file fails loudly. */
export function loadPresets<Spec>(
  folder: string,
  parse: (value: unknown, source: string) => Spec,
): { id: string; name: string; description: string; spec: Spec }[] {
  const dir = path.join(resourcesDir(), 'presets', folder);
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const raw = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as {
        id: string;
        name: string;
        description: string;
        spec: unknown;
      };
      return {
        id: raw.id,
        name: raw.name,
        description: raw.description,
        spec: parse(raw.spec, `${folder} preset ${file}`),
      };
    });
}

export function loadFeaturePresets(): FeaturePreset[] {
  return loadPresets('features', parseFeatureSpec);
}
