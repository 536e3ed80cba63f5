import type { RunColumn } from '../../../src-shared/model/RunTable.ts';

export interface FilterCompletion {
  /** What the list shows. */
  label: string;
  /** What replaces the word being typed. */
  insert: string;
  detail: string;
}

export interface FilterCompletions {
  /** The span of the text the chosen completion replaces. */
  from: number;
  to: number;
  items: FilterCompletion[];
}

const LIMIT = 8;
const operator = /^\s*([^\s=!<>~,]+)\s*(==|!=|<>|>=|<=|=|>|<|~)\s*(.*)$/s;
const kindNames: Record<RunColumn['kind'], string> = {
  metric: 'metric',
  stat: 'model stat',
  param: 'parameter',
  info: 'run info',
};

/**
 * What the filter box offers at the caret: keys at the start of a condition (from every key a run
 * has), values after an operator (for keys with few distinct values). The grammar itself is
 * parseRunFilter's; this only has to know where a condition starts and whether the caret is in its
 * key or its value.
 */
export function filterCompletions(text: string, caret: number, columns: readonly RunColumn[]): FilterCompletions {
  const none = { from: caret, to: caret, items: [] };
  const before = text.slice(0, caret);
  const rest = /^[^\s,]*/.exec(text.slice(caret))![0];
  const part = before.slice(conditionStart(before));
  const match = operator.exec(part);
  if (!match) {
    const word = /[^\s=!<>~,"']*$/.exec(part)![0];
    // "val_accuracy 0.9": past the key, waiting for an operator.
    if (part.slice(0, part.length - word.length).trim()) return none;
    const items = rankKeys(word, columns).map((column) => ({
      label: column.key,
      insert: `${column.key} `,
      detail: `${kindNames[column.kind]} · ${column.count.toLocaleString('en-US')} run${column.count === 1 ? '' : 's'}`,
    }));
    return { from: caret - word.length, to: caret + rest.length, items };
  }
  const [, key, , typed] = match as unknown as [string, string, string, string];
  const column = columns.find((item) => item.key === key);
  if (!column?.values?.length) return none;
  const quoted = /^["']/.test(typed);
  // An unquoted value ends at a space: the caret has moved on to what follows it.
  if (!quoted && /\s/.test(typed)) return none;
  const needle = (quoted ? typed.slice(1) : typed).toLowerCase();
  const values = column.values.filter(
    (value) => value.toLowerCase().includes(needle) && value.toLowerCase() !== needle,
  );
  values.sort((a, b) => Number(!a.toLowerCase().startsWith(needle)) - Number(!b.toLowerCase().startsWith(needle)));
  const items = values.slice(0, LIMIT).map((value) => ({
    label: value,
    insert: `${quoted || /[\s,"'=!<>~]|^(and|or)$/i.test(value) ? JSON.stringify(value) : value} `,
    detail: key,
  }));
  return { from: caret - typed.length, to: caret + (quoted ? 0 : rest.length), items };
}

/** Where the condition under the caret starts: after the last `and`, `&&` or `,` outside quotes. */
function conditionStart(text: string): number {
  let start = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quote) {
      if (char === '\\') i++;
      else if (char === quote) quote = null;
    } else if (char === '"' || char === "'") {
      if (i === 0 || /[\s=!<>~,]/.test(text[i - 1]!)) quote = char;
    } else if (char === ',') {
      start = i + 1;
    } else if (text.startsWith('&&', i)) {
      start = i + 2;
    } else if (/^and\s/i.test(text.slice(i, i + 4)) && (i === 0 || /\s/.test(text[i - 1]!))) {
      start = i + 3;
    }
  }
  return start;
}

/** Keys containing the word: those starting with it first, then those with a part starting with it. */
function rankKeys(word: string, columns: readonly RunColumn[]): RunColumn[] {
  const needle = word.toLowerCase();
  const rank = (key: string): number => {
    const lower = key.toLowerCase();
    if (lower === needle) return 0;
    if (lower.startsWith(needle)) return 1;
    if (lower.split(/[._]/).some((segment) => segment.startsWith(needle))) return 2;
    return lower.includes(needle) ? 3 : -1;
  };
  return columns
    .map((column) => ({ column, rank: rank(column.key) }))
    .filter((item) => item.rank >= 0)
    .sort(
      (a, b) => a.rank - b.rank || Number(b.column.varies) - Number(a.column.varies) || b.column.count - a.column.count,
    )
    .slice(0, LIMIT)
    .map((item) => item.column);
}
