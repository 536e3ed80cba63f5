/** How one cell of a confusion matrix is written and shaded, for the pages and the comparison report alike. */
export interface MatrixCell {
  text: string;
  title: string;
  /** A CSS colour (color-mix of the theme's variables), or transparent. */
  background: string;
  /** Light text on a strong shade. */
  strong: boolean;
  empty: boolean;
}

export type MatrixMode = 'counts' | 'rates';

const shareText = (share: number) => `${(share * 100).toFixed(share === 0 || share === 1 ? 0 : 1)} %`;

/**
 * A run's matrix: shaded by each cell's share of its row, so a small class's errors show as clearly
 * as a large one's; correct cells in the accent colour, errors in the error colour.
 */
export function runCells(
  classes: readonly string[],
  confusion: readonly (readonly number[])[],
  mode: MatrixMode,
): MatrixCell[][] {
  return confusion.map((row, actual) => {
    const total = row.reduce((sum, count) => sum + count, 0);
    return row.map((count, predicted) => {
      const share = total > 0 ? count / total : 0;
      const strength = count === 0 ? 0 : Math.round(12 + share * 88);
      const base = actual === predicted ? 'var(--accent)' : 'var(--error)';
      return {
        text: mode === 'counts' ? String(count) : total > 0 ? String(Math.round(share * 100)) : '—',
        title: `actual ${classes[actual]} → predicted ${classes[predicted]}: ${count} of ${total}${total > 0 ? ` (${shareText(share)})` : ''}`,
        background: count === 0 ? 'transparent' : `color-mix(in srgb, ${base} ${strength}%, var(--panel))`,
        strong: strength > 55,
        empty: count === 0,
      };
    });
  });
}

/**
 * A difference B − A: green where B does better (more right on the diagonal, fewer mistakes off it),
 * red where it does worse, shaded by the size of the change against the largest one in the matrix.
 */
export function differenceCells(
  classes: readonly string[],
  counts: readonly (readonly number[])[],
  rates: readonly (readonly (number | null)[])[],
  mode: MatrixMode,
): MatrixCell[][] {
  const values = mode === 'counts' ? counts : rates;
  const largest = Math.max(1e-9, ...values.flat().map((value) => Math.abs(value ?? 0)));
  return values.map((row, actual) =>
    row.map((value, predicted) => {
      const count = counts[actual]![predicted]!;
      const rate = rates[actual]![predicted] ?? null;
      // Rates show whole points: a change that rounds to 0 is no change, in colour as in text.
      const change = mode === 'rates' ? Math.round((value ?? 0) * 100) / 100 : (value ?? 0);
      const better = actual === predicted ? change > 0 : change < 0;
      const strength = change === 0 ? 0 : Math.round(15 + (Math.abs(change) / largest) * 75);
      const signed = (number: number, text: string) =>
        number > 0 ? `+${text}` : number < 0 ? `−${text.replace('-', '')}` : '0';
      return {
        text:
          value === null
            ? '—'
            : mode === 'counts'
              ? signed(count, String(count))
              : signed(change, String(Math.round(Math.abs(change) * 100))),
        title: `actual ${classes[actual]} → predicted ${classes[predicted]}: ${signed(count, String(count))} clip${Math.abs(count) === 1 ? '' : 's'}${rate === null ? '' : `, ${signed(rate, (Math.abs(rate) * 100).toFixed(1))} points of the row`}`,
        background:
          change === 0
            ? 'transparent'
            : `color-mix(in srgb, ${better ? 'var(--ok)' : 'var(--error)'} ${strength}%, var(--panel))`,
        strong: strength > 55,
        empty: change === 0,
      };
    }),
  );
}
