import type { Attachment } from 'svelte/attachments';

/**
 * Closes a popup when the user is done with it: a press outside the element it is attached to (the
 * popup together with its button), or Escape, which then reaches no page shortcut. Attach it only
 * while the popup is open (`{@attach open && dismissable(close)}`), so nothing listens otherwise.
 */
export function dismissable(onDismiss: (how: 'escape' | 'outside') => void): Attachment<HTMLElement> {
  return (element) => {
    const onPointerDown = (event: PointerEvent) => {
      if (!element.contains(event.target as Node)) onDismiss('outside');
    };
    const onKeydown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      onDismiss('escape');
    };
    window.addEventListener('pointerdown', onPointerDown, true);
    window.addEventListener('keydown', onKeydown, true);
    return () => {
      window.removeEventListener('pointerdown', onPointerDown, true);
      window.removeEventListener('keydown', onKeydown, true);
    };
  };
}
