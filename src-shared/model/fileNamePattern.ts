/** Fields a file-name pattern can capture. */
export type PatternField = 'label' | 'speaker' | 'take';
export type PatternMatch = Partial<Record<PatternField, string>>;

export const fsddPattern = '{label}_{speaker}_{take}.wav';

const fieldNames: readonly string[] = ['label', 'speaker', 'take'];

/**
 * Compiles `{label}_{speaker}_{take}.wav` into a matcher over base names. `*` matches anything;
 * every other character is literal. Throws with a readable message on an unknown field.
 */
export function compileFileNamePattern(pattern: string): (fileName: string) => PatternMatch | null {
  const fields: PatternField[] = [];
  let source = '';
  const tokens = pattern.match(/\{[^}]*\}|\*|[^{*]+/g) ?? [];
  for (const token of tokens) {
    if (token === '*') source += '.*?';
    else if (token.startsWith('{')) {
      const name = token.slice(1, -1);
      if (!fieldNames.includes(name))
        throw new Error(`unknown field {${name}} in pattern; use {label}, {speaker} or {take}`);
      if (fields.includes(name as PatternField)) throw new Error(`field {${name}} appears twice in the pattern`);
      fields.push(name as PatternField);
      source += '(.+?)';
    } else source += token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  if (!fields.includes('label')) throw new Error('the pattern must contain {label}');
  const regex = new RegExp(`^${source}$`, 'i');
  return (fileName) => {
    const match = regex.exec(fileName);
    if (!match) return null;
    const result: PatternMatch = {};
    fields.forEach((field, index) => {
      result[field] = match[index + 1];
    });
    return result;
  };
}

/** Speech Commands convention: everything before `_nohash_` is the speaker, so they stay in one split. */
export function speakerFromNohash(baseName: string): { speaker?: string; take?: string } {
  const stem = baseName.replace(/\.[^.]+$/, '');
  const at = stem.indexOf('_nohash_');
  if (at <= 0) return {};
  return { speaker: stem.slice(0, at), take: stem.slice(at + '_nohash_'.length) };
}
