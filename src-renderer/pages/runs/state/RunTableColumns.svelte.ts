const COLUMNS_KEY = 'kws-studio.runColumns';
const WIDTHS_KEY = 'kws-studio.runColumnWidths';
/** A dragged column keeps at least this much room, and at most this much. */
export const COLUMN_WIDTH_LIMITS = { min: 44, max: 640 };

/** What a new user sees: what the run is, how good, how big, how fast. */
export const defaultRunColumns: readonly string[] = [
  'starred',
  'name',
  'status',
  'sweep',
  'model.kind',
  'val_accuracy',
  'test_accuracy',
  'stats.gzip_kb',
  'stats.latency_ms',
  'created',
];

/** Where the choices are kept: the browser's localStorage in the app. */
export type PreferenceStorage = Pick<Storage, 'getItem' | 'setItem'>;

/**
 * The columns the user picked, in their order, and the widths they dragged, kept across launches.
 * A damaged or missing stored choice gives the defaults; storage that is full or disabled keeps
 * the choice for this session.
 */
export class RunTableColumns {
  /** Shown column keys, left to right. */
  visible = $state<string[]>([]);
  /** Widths the user dragged, in pixels, by column key; other columns take their default width. */
  widths = $state<Record<string, number>>({});

  constructor(private readonly storage: PreferenceStorage | undefined = browserStorage()) {
    this.visible = this.read(COLUMNS_KEY, isKeys) ?? [...defaultRunColumns];
    this.widths = this.read(WIDTHS_KEY, isWidths) ?? {};
  }

  set(keys: string[]): void {
    this.visible = keys;
    this.store(COLUMNS_KEY, keys);
  }

  /** Moves a shown column to another's place (the others shift over). */
  move(key: string, to: number): void {
    const from = this.visible.indexOf(key);
    const target = Math.max(0, Math.min(this.visible.length - 1, to));
    if (from < 0 || from === target) return;
    const keys = this.visible.filter((item) => item !== key);
    keys.splice(target, 0, key);
    this.set(keys);
  }

  toggle(key: string): void {
    this.set(this.visible.includes(key) ? this.visible.filter((item) => item !== key) : [...this.visible, key]);
  }

  /** A column's dragged width, kept within the limits; null puts its default back. */
  setWidth(key: string, width: number | null): void {
    const rest = { ...this.widths };
    delete rest[key];
    const limited = (value: number) =>
      Math.round(Math.max(COLUMN_WIDTH_LIMITS.min, Math.min(COLUMN_WIDTH_LIMITS.max, value)));
    this.widths = width === null ? rest : { ...rest, [key]: limited(width) };
    this.store(WIDTHS_KEY, this.widths);
  }

  /** The default columns at their default widths. */
  reset(): void {
    this.set([...defaultRunColumns]);
    this.widths = {};
    this.store(WIDTHS_KEY, {});
  }

  /** A stored choice, or null when there is none or it is damaged (the defaults apply then). */
  private read<T>(key: string, valid: (value: unknown) => value is T): T | null {
    try {
      const stored = JSON.parse(this.storage?.getItem(key) ?? 'null') as unknown;
      return valid(stored) ? stored : null;
    } catch {
      return null;
    }
  }

  private store(key: string, value: unknown): void {
    try {
      this.storage?.setItem(key, JSON.stringify(value));
    } catch {
      // Storage full or disabled: the choice lasts for this session.
    }
  }
}

/** The browser's localStorage; undefined where there is none, or reading it is refused (storage disabled). */
function browserStorage(): PreferenceStorage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

const isKeys = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((key) => typeof key === 'string');

const isWidths = (value: unknown): value is Record<string, number> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every((width) => typeof width === 'number' && Number.isFinite(width));
