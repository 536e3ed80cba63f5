import { StudioError } from '../../../src-shared/contract/StudioError.ts';

export const MAX_LABEL_LENGTH = 64;

/**
 * Names TensorFlow's speech_commands pipeline gives its own classes and folders. A user label with
 * one of these names would silently merge with the generated silence / unknown classes or be read
 * as the background-noise folder on export.
 */
export const RESERVED_LABELS: ReadonlyMap<string, string> = new Map([
  ['_silence_', 'the class training adds for silent clips'],
  ['_unknown_', 'the class training adds for words outside the keyword list'],
  ['_background_noise_', 'the folder of background-noise recordings used for augmentation'],
]);

/** Trims and checks a label name; returns the name to store. */
export function validateLabelName(raw: unknown, what = 'Label name'): string {
  if (typeof raw !== 'string') throw new StudioError('invalid_input', `${what} must be text.`);
  const name = raw.trim();
  const length = [...name].length;
  if (length === 0) throw new StudioError('invalid_input', `${what} is empty; type at least one character.`);
  if (length > MAX_LABEL_LENGTH) {
    throw new StudioError(
      'invalid_input',
      `${what} "${name.slice(0, 20)}…" has ${length} characters; use at most ${MAX_LABEL_LENGTH}.`,
    );
  }
  if (/\p{Cc}/u.test(name)) {
    throw new StudioError(
      'invalid_input',
      `${what} ${JSON.stringify(name)} contains a control character (tab, line break…); remove it.`,
    );
  }
  // Labels become folder names when a dataset is exported in the Speech Commands layout.
  if (/[/\\]/.test(name) || name === '.' || name === '..') {
    throw new StudioError(
      'invalid_input',
      `${what} "${name}" cannot contain / or \\ or be . or .. (labels become folder names on export).`,
    );
  }
  const reserved = RESERVED_LABELS.get(name.toLowerCase());
  if (reserved) {
    throw new StudioError(
      'invalid_input',
      `"${name}" is reserved: TensorFlow's speech_commands uses it for ${reserved}. Choose another name.`,
    );
  }
  return name;
}

/** A hotkey is one printable character other than space (the library uses space for play). */
export function validateHotkey(raw: unknown): string | null {
  if (raw === null) return null;
  if (typeof raw !== 'string' || [...raw].length !== 1 || /[\p{Cc}\p{Z}]/u.test(raw)) {
    throw new StudioError(
      'invalid_input',
      `Hotkey ${JSON.stringify(raw)} must be a single visible character such as "1" or "y".`,
    );
  }
  return raw;
}

/** Colours are stored as lower-case #rrggbb so they compare and render the same everywhere. */
export function validateColor(raw: unknown): string | null {
  if (raw === null) return null;
  if (typeof raw !== 'string' || !/^#[0-9a-f]{6}$/i.test(raw)) {
    throw new StudioError('invalid_input', `Colour ${JSON.stringify(raw)} must be written as #rrggbb, e.g. #3a7bd5.`);
  }
  return raw.toLowerCase();
}
