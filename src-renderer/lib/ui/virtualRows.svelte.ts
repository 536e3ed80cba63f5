import {
  Virtualizer,
  elementScroll,
  observeElementOffset,
  observeElementRect,
  type VirtualItem,
} from '@tanstack/virtual-core';

export interface VirtualRows {
  /** The rows in view (plus the overscan), to render absolutely at `item.start`. */
  readonly items: VirtualItem[];
  /** The height of all rows together, for the spacer that gives the scroll bar its length. */
  readonly totalSize: number;
  scrollToIndex(index: number, options?: { align?: 'start' | 'center' | 'end' | 'auto' }): void;
}

/**
 * Fixed-height row virtualization as reactive state: only the rows in view (plus a few) need to
 * exist in the DOM. Follows `scroller()` as it mounts and `count()` as it changes. Call during
 * component setup.
 */
export function virtualRows(options: {
  scroller: () => HTMLDivElement | undefined;
  count: () => number;
  rowHeight: number;
  overscan: number;
}): VirtualRows {
  let items = $state<VirtualItem[]>([]);
  let totalSize = $state(0);

  const virtualizer = new Virtualizer<HTMLDivElement, HTMLDivElement>({
    count: 0,
    getScrollElement: () => options.scroller() ?? null,
    estimateSize: () => options.rowHeight,
    overscan: options.overscan,
    scrollToFn: elementScroll,
    observeElementRect,
    observeElementOffset,
    onChange: (instance) => {
      items = instance.getVirtualItems();
      totalSize = instance.getTotalSize();
    },
  });

  $effect(() => {
    if (!options.scroller()) return;
    const cleanup = virtualizer._didMount();
    virtualizer._willUpdate();
    return cleanup;
  });

  $effect(() => {
    virtualizer.setOptions({ ...virtualizer.options, count: options.count() });
    virtualizer._willUpdate();
    items = virtualizer.getVirtualItems();
    totalSize = virtualizer.getTotalSize();
  });

  return {
    get items() {
      return items;
    },
    get totalSize() {
      return totalSize;
    },
    scrollToIndex: (index, scrollOptions) => virtualizer.scrollToIndex(index, scrollOptions),
  };
}
