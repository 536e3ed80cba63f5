/** The keys the studio hands out to labels by itself, in this order. */
export const AUTOMATIC_HOTKEYS: readonly string[] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'];

/**
 * The hotkey a new label gets when nobody chose one: its own name when that is one character and
 * free (the digit labels of a spoken-digits set label as themselves), else the first free digit.
 * It is given once, when the label is created, and stored with it: keys never move while someone
 * labels, and only the user changes them. Null when every digit is taken.
 */
export function automaticHotkey(name: string, taken: ReadonlySet<string>): string | null {
  const own = name.toLowerCase();
  if ([...own].length === 1 && own.trim() !== '' && !taken.has(own)) return own;
  return AUTOMATIC_HOTKEYS.find((key) => !taken.has(key)) ?? null;
}
