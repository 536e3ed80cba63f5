/** What a clip list does on a key, so the two clip lists of the Compare page answer the same keys. */
export interface ClipListActions {
  move: (delta: number) => void;
  play: () => void;
  undo: () => void;
  /** A label's hotkey (as in the Library) was pressed. */
  relabel: (label: string) => void;
  /** Enter: the list's main action, if it has one. */
  accept?: () => void;
}

/** ↑ ↓ move, Space plays, Enter accepts, a label's key relabels, Ctrl+Z undoes. */
export function onClipListKey(event: KeyboardEvent, hotkeys: Record<string, string>, actions: ClipListActions): void {
  const mod = event.ctrlKey || event.metaKey;
  if (mod && event.key.toLowerCase() === 'z') {
    event.preventDefault();
    actions.undo();
    return;
  }
  if ((event.target as HTMLElement).closest('select, input')) return;
  if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    event.preventDefault();
    actions.move(event.key === 'ArrowDown' ? 1 : -1);
  } else if (event.key === ' ') {
    event.preventDefault();
    actions.play();
  } else if (event.key === 'Enter' && actions.accept) {
    event.preventDefault();
    actions.accept();
  } else if (!mod && !event.altKey) {
    const label = hotkeys[event.key.toLowerCase()];
    if (label) {
      event.preventDefault();
      actions.relabel(label);
    }
  }
}
