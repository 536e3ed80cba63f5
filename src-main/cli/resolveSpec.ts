import fs from 'node:fs';
import { StudioError } from '../../src-shared/contract/StudioError.ts';

/** A spec from `--spec FILE` (parsed and validated) or `--preset ID`, with errors that say which. */
export async function resolveSpec<Spec>(
  options: { spec?: string; preset?: string },
  kind: 'feature' | 'train' | 'sweep',
  parse: (value: unknown, source: string) => Spec,
  presets: () => Promise<{ id: string; spec: Spec }[]>,
  defaultPreset: string,
): Promise<Spec> {
  if (options.spec) {
    let text: string;
    try {
      text = fs.readFileSync(options.spec, 'utf8');
    } catch {
      throw new StudioError('not_found', `Cannot read the spec file ${options.spec}.`);
    }
    try {
      return parse(JSON.parse(text), options.spec);
    } catch (error) {
      throw new StudioError('invalid_input', error instanceof Error ? error.message : String(error));
    }
  }
  const available = await presets();
  const id = options.preset ?? defaultPreset;
  const preset = available.find((item) => item.id === id);
  if (!preset)
    throw new StudioError(
      'invalid_input',
      `There is no ${kind} preset "${id}"; presets: ${available.map((item) => item.id).join(', ')}.`,
    );
  return preset.spec;
}
