/** The parts of a keydown the curation keys read; a DOM KeyboardEvent is one. */
export interface CurationKeyEvent {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  target: unknown;
  preventDefault(): void;
}

/** What a clip list does on a key. The optional ones are keys only some lists answer. */
export interface CurationKeyActions {
  /** ↑ ↓ by one, PageUp/PageDown by 20, Home/End to either end (±Infinity); `extend` when Shift is held. */
  move(delta: number, extend: boolean): void;
  /** Space: play or stop the cursor's clip. */
  play(): void;
  /** Ctrl+Z. */
  undo(): void;
  /** Ctrl+Shift+Z or Ctrl+Y. */
  redo(): void;
  /** A label's hotkey (as the Library's chips show it) was pressed. */
  relabel(label: string): void;
  /** Enter. */
  accept?(): void;
  /** Escape. */
  escape?(): void;
  /** Ctrl+A. */
  selectAll?(): void;
  /** Delete or Backspace. */
  remove?(): void;
}

/** How far PageUp and PageDown move the cursor. */
export const PAGE_STEP = 20;

/**
 * The curation keys, alike on the Library, the Train page's confusion-cell list and Compare's clip
 * lists: ↑ ↓ (PageUp/PageDown, Home/End) move, Space plays, Enter accepts, Escape leaves, a label's
 * key relabels, Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y undo and redo the library's edits.
 * Keys typed into a text field are the field's; a focused drop-down keeps all but undo and redo, and a
 * focused button its Space. Returns whether the key was taken (and its default prevented).
 */
export function onCurationKey(
  event: CurationKeyEvent,
  hotkeys: Readonly<Record<string, string>>,
  actions: CurationKeyActions,
): boolean {
  if (inside(event.target, 'input, textarea, [contenteditable]')) return false;
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  const take = (action: () => void): boolean => {
    event.preventDefault();
    action();
    return true;
  };
  if (mod && key === 'z') return take(() => (event.shiftKey ? actions.redo() : actions.undo()));
  if (mod && key === 'y') return take(() => actions.redo());
  if (inside(event.target, 'select')) return false;
  switch (event.key) {
    case 'ArrowDown':
    case 'ArrowUp':
      return take(() => actions.move(event.key === 'ArrowDown' ? 1 : -1, event.shiftKey));
    case 'PageDown':
    case 'PageUp':
      return take(() => actions.move(event.key === 'PageDown' ? PAGE_STEP : -PAGE_STEP, event.shiftKey));
    case 'Home':
    case 'End':
      return take(() => actions.move(event.key === 'End' ? Infinity : -Infinity, event.shiftKey));
    case ' ':
      return inside(event.target, 'button') ? false : take(() => actions.play());
    case 'Enter':
      return actions.accept ? take(() => actions.accept!()) : false;
    case 'Escape':
      // Escape keeps its default: it also closes what the browser has open.
      actions.escape?.();
      return Boolean(actions.escape);
    case 'Delete':
    case 'Backspace':
      return actions.remove ? take(() => actions.remove!()) : false;
  }
  if (mod && key === 'a') return actions.selectAll ? take(() => actions.selectAll!()) : false;
  if (mod || event.altKey) return false;
  const label = hotkeys[key];
  return label ? take(() => actions.relabel(label)) : false;
}

/** Whether an event's target is inside elements matching the selector. */
function inside(target: unknown, selector: string): boolean {
  const element = target as { closest?: (selector: string) => unknown } | null;
  return typeof element?.closest === 'function' && element.closest(selector) !== null;
}
