import type { RunCondition, RunFilterOp } from '../model/RunQuery.ts';
import { toRunNumber } from './toRunNumber.ts';

interface Token {
  kind: 'word' | 'quoted' | 'op' | 'and' | 'or';
  /** As typed, for messages. */
  raw: string;
  /** The text of a word or quoted value, or the operator. */
  text: string;
  unterminated?: boolean;
}

const OPERATORS: Record<string, RunFilterOp> = {
  '=': '=',
  '==': '=',
  '!=': '!=',
  '<>': '!=',
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
  '~': '~',
};
const OPERATOR_LIST = '(one of = != > >= < <= ~)';
const OPERATOR_CHARS = '=!<>~';

/**
 * Parses what a user types in the run filter box: conditions `key op value` joined by `and`, `&&`
 * or `,` (every condition must hold; there is no `or`). A value in quotes is text as typed; an
 * unquoted value is a number when it reads as one, true/false a boolean, else text. Parts that do
 * not parse are left out and explained in `problems`, so the box can filter by the rest meanwhile.
 */
export function parseRunFilter(text: string): { conditions: RunCondition[]; problems: string[] } {
  const conditions: RunCondition[] = [];
  const problems: string[] = [];
  for (const part of splitOnAnd(tokenize(text))) {
    const parsed = parseCondition(part);
    if (typeof parsed === 'string') problems.push(parsed);
    else conditions.push(parsed);
  }
  return { conditions, problems };
}

/** A condition, or the problem with it. */
function parseCondition(tokens: readonly Token[]): RunCondition | string {
  const or = tokens.find((token) => token.kind === 'or');
  if (or)
    return `"${or.raw}" is not supported: every condition must hold (join them with "and"); "~" matches part of a value`;
  const open = tokens.find((token) => token.unterminated);
  if (open) return `${open.raw} has no closing quote`;
  const [key, op, value, ...rest] = tokens as [Token, ...(Token | undefined)[]];
  if (key.kind === 'op' || key.text === '')
    return `expected a key before "${(key.kind === 'op' ? key : op)?.raw ?? ''}"`;
  if (!op) return `expected an operator after "${key.raw}" ${OPERATOR_LIST}`;
  if (op.kind !== 'op') return `expected an operator after "${key.raw}" ${OPERATOR_LIST}, found "${op.raw}"`;
  const operator = OPERATORS[op.text];
  if (!operator) return `unknown operator "${op.raw}" after "${key.raw}" ${OPERATOR_LIST}`;
  if (!value) return `expected a value after "${key.raw} ${op.raw}"`;
  if (value.kind === 'op') return `expected a value after "${key.raw} ${op.raw}", found "${value.raw}"`;
  const next = rest[0];
  if (next) {
    const words = [value, ...rest].every((token) => token?.kind === 'word');
    const hint = words
      ? `; put a value with spaces in quotes: "${[value, ...rest].map((token) => token?.raw).join(' ')}"`
      : '';
    return `unexpected "${next.raw}" after "${key.raw} ${op.raw} ${value.raw}": join conditions with "and"${hint}`;
  }
  return { key: key.text, op: operator, value: valueOf(value) };
}

function valueOf(token: Token): string | number | boolean {
  if (token.kind === 'quoted') return token.text;
  const lower = token.text.toLowerCase();
  if (lower === 'true' || lower === 'false') return lower === 'true';
  return toRunNumber(token.text) ?? token.text;
}

/** The tokens between separators; empty parts (a trailing "and" while typing) are skipped. */
function splitOnAnd(tokens: readonly Token[]): Token[][] {
  const parts: Token[][] = [[]];
  for (const token of tokens) {
    if (token.kind === 'and') parts.push([]);
    else parts[parts.length - 1]!.push(token);
  }
  return parts.filter((part) => part.length > 0);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (/\s/.test(char)) {
      i++;
    } else if (char === ',') {
      tokens.push({ kind: 'and', raw: ',', text: ',' });
      i++;
    } else if (text.startsWith('&&', i) || text.startsWith('||', i)) {
      const raw = text.slice(i, i + 2);
      tokens.push({ kind: raw === '&&' ? 'and' : 'or', raw, text: raw });
      i += 2;
    } else if (char === '"' || char === "'") {
      // Only at the start of a token: inside a word (don't) a quote is just a character.
      const token = readQuoted(text, i);
      tokens.push(token);
      i += token.raw.length;
    } else if (OPERATOR_CHARS.includes(char)) {
      let end = i;
      while (end < text.length && OPERATOR_CHARS.includes(text[end]!)) end++;
      const raw = text.slice(i, end);
      tokens.push({ kind: 'op', raw, text: raw });
      i = end;
    } else {
      let end = i;
      while (
        end < text.length &&
        !/[\s,=!<>~]/.test(text[end]!) &&
        !text.startsWith('&&', end) &&
        !text.startsWith('||', end)
      )
        end++;
      const raw = text.slice(i, end);
      const lower = raw.toLowerCase();
      tokens.push({ kind: lower === 'and' ? 'and' : lower === 'or' ? 'or' : 'word', raw, text: raw });
      i = end;
    }
  }
  return tokens;
}

/** A quoted value from `start` (its opening quote); a backslash takes the next character as is. */
function readQuoted(text: string, start: number): Token {
  const quote = text[start]!;
  let value = '';
  let i = start + 1;
  while (i < text.length && text[i] !== quote) {
    if (text[i] === '\\' && i + 1 < text.length) i++;
    value += text[i];
    i++;
  }
  const unterminated = i >= text.length;
  const raw = text.slice(start, unterminated ? i : i + 1);
  return { kind: 'quoted', raw, text: value, ...(unterminated ? { unterminated } : {}) };
}
