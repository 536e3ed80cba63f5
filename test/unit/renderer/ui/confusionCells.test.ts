import { describe, expect, it } from 'vitest';
import { differenceCells, runCells, type MatrixCell } from '../../../../src-renderer/lib/ui/confusionCells.ts';

const classes = ['go', 'stop'];

describe('runCells', () => {
  const confusion = [
    [8, 2],
    [0, 0],
  ];

  it('writes counts and shades each cell by its share of the row, right in accent and wrong in error', () => {
    const [[right, wrong], [none, alsoNone]] = runCells(classes, confusion, 'counts') as [
      [MatrixCell, MatrixCell],
      [MatrixCell, MatrixCell],
    ];
    // 8 of 10: 12 + 0.8 × 88 = 82.4 → 82 %, strong enough for light text.
    expect(right).toEqual({
      text: '8',
      title: 'actual go → predicted go: 8 of 10 (80.0 %)',
      background: 'color-mix(in srgb, var(--accent) 82%, var(--panel))',
      strong: true,
      empty: false,
    });
    // 2 of 10: 12 + 0.2 × 88 = 29.6 → 30 %.
    expect(wrong).toEqual({
      text: '2',
      title: 'actual go → predicted stop: 2 of 10 (20.0 %)',
      background: 'color-mix(in srgb, var(--error) 30%, var(--panel))',
      strong: false,
      empty: false,
    });
    // A class with no examples: zeros, no share, nothing shaded.
    expect(none).toEqual({
      text: '0',
      title: 'actual stop → predicted go: 0 of 0',
      background: 'transparent',
      strong: false,
      empty: true,
    });
    expect(alsoNone.title).toBe('actual stop → predicted stop: 0 of 0');
  });

  it('writes whole percentages of the row in rates mode, and a dash for a row without examples', () => {
    const cells = runCells(classes, confusion, 'rates');
    expect(cells.map((row) => row.map((cell) => cell.text))).toEqual([
      ['80', '20'],
      ['—', '—'],
    ]);
    // The shading does not depend on the mode.
    expect(cells[0]![0]!.background).toBe(runCells(classes, confusion, 'counts')[0]![0]!.background);
    const thirds = runCells(
      ['a', 'b'],
      [
        [1, 2],
        [0, 3],
      ],
      'rates',
    );
    expect(thirds.map((row) => row.map((cell) => cell.text))).toEqual([
      ['33', '67'],
      ['0', '100'],
    ]);
  });

  it('writes whole shares without decimals and marks empty cells of a populated row', () => {
    const [[all, nothing]] = runCells(['a', 'b'], [[5, 0]], 'counts') as [[MatrixCell, MatrixCell]];
    expect(all.title).toBe('actual a → predicted a: 5 of 5 (100 %)');
    expect(all.background).toBe('color-mix(in srgb, var(--accent) 100%, var(--panel))');
    expect(all.strong).toBe(true);
    expect(nothing.title).toBe('actual a → predicted b: 0 of 5 (0 %)');
    expect(nothing).toMatchObject({ text: '0', background: 'transparent', empty: true, strong: false });
  });

  it('turns the text light once the shade passes 55 %', () => {
    // Half the row: 12 + 44 = 56 → strong; 12 of 25 (48 %): 12 + 42.24 → 54 → not.
    expect(runCells(['a', 'b'], [[1, 1]], 'counts')[0]![0]!.strong).toBe(true);
    const [[justUnder]] = runCells(['a', 'b'], [[12, 13]], 'counts') as [[MatrixCell]];
    expect(justUnder.background).toBe('color-mix(in srgb, var(--accent) 54%, var(--panel))');
    expect(justUnder.strong).toBe(false);
  });
});

describe('differenceCells', () => {
  // B − A for go: 80 % → 90 % right; stop: 90 % → 50 % right (see confusionDifference).
  const counts = [
    [10, 0],
    [4, -4],
  ];
  const rates = [
    [0.1, -0.1],
    [0.4, -0.4],
  ];

  it('in counts, greens more right on the diagonal and reds more mistakes off it and fewer right on it', () => {
    const cells = differenceCells(classes, counts, rates, 'counts');
    expect(cells.map((row) => row.map((cell) => cell.text))).toEqual([
      ['+10', '0'],
      ['+4', '−4'],
    ]);
    // Shaded against the largest change, 10: 15 + 75 = 90; 4 → 15 + 0.4 × 75 = 45.
    expect(cells[0]![0]).toEqual({
      text: '+10',
      title: 'actual go → predicted go: +10 clips, +10.0 points of the row',
      background: 'color-mix(in srgb, var(--ok) 90%, var(--panel))',
      strong: true,
      empty: false,
    });
    expect(cells[1]![0]!.background).toBe('color-mix(in srgb, var(--error) 45%, var(--panel))');
    expect(cells[1]![0]!.strong).toBe(false);
    expect(cells[1]![1]!.background).toBe('color-mix(in srgb, var(--error) 45%, var(--panel))');
    expect(cells[1]![1]!.title).toBe('actual stop → predicted stop: −4 clips, −40.0 points of the row');
    // No change in count is empty, though the row's share moved.
    expect(cells[0]![1]).toEqual({
      text: '0',
      title: 'actual go → predicted stop: 0 clips, −10.0 points of the row',
      background: 'transparent',
      strong: false,
      empty: true,
    });
  });

  it('in rates, writes signed points and greens fewer mistakes off the diagonal', () => {
    const cells = differenceCells(classes, counts, rates, 'rates');
    expect(cells.map((row) => row.map((cell) => cell.text))).toEqual([
      ['+10', '−10'],
      ['+40', '−40'],
    ]);
    // Largest change 0.4: 0.1 → 15 + 0.25 × 75 = 33.75 → 34; 0.4 → 90.
    expect(cells.map((row) => row.map((cell) => cell.background))).toEqual([
      ['color-mix(in srgb, var(--ok) 34%, var(--panel))', 'color-mix(in srgb, var(--ok) 34%, var(--panel))'],
      ['color-mix(in srgb, var(--error) 90%, var(--panel))', 'color-mix(in srgb, var(--error) 90%, var(--panel))'],
    ]);
    expect(cells.map((row) => row.map((cell) => cell.strong))).toEqual([
      [false, false],
      [true, true],
    ]);
  });

  it('shows a row without shares to compare as a dash in rates and leaves the rate out of the title', () => {
    const cells = differenceCells(
      ['go', 'yes'],
      [
        [1, -1],
        [3, 0],
      ],
      [
        [0.5, -0.5],
        [null, null],
      ],
      'rates',
    );
    expect(cells[1]![0]).toEqual({
      text: '—',
      title: 'actual yes → predicted go: +3 clips',
      background: 'transparent',
      strong: false,
      empty: true,
    });
    // A single clip is one clip.
    expect(cells[0]![1]!.title).toBe('actual go → predicted yes: −1 clip, −50.0 points of the row');
    // In counts the same cell is written and shaded by its count.
    const inCounts = differenceCells(
      ['go', 'yes'],
      [
        [1, -1],
        [3, 0],
      ],
      [
        [0.5, -0.5],
        [null, null],
      ],
      'counts',
    );
    expect(inCounts[1]![0]!.text).toBe('+3');
    expect(inCounts[1]![0]!.background).toBe('color-mix(in srgb, var(--error) 90%, var(--panel))');
  });

  it('leaves a matrix without any change unshaded', () => {
    const cells = differenceCells(
      classes,
      [
        [0, 0],
        [0, 0],
      ],
      [
        [0, 0],
        [0, 0],
      ],
      'rates',
    );
    for (const cell of cells.flat())
      expect(cell).toMatchObject({ text: '0', background: 'transparent', empty: true, strong: false });
  });

  it('in rates, leaves a change that rounds to 0 points unshaded, as its text says', () => {
    const cells = differenceCells(
      ['go', 'yes'],
      [
        [0, 0],
        [1, -1],
      ],
      [
        [0.004, -0.004],
        [0.3, -0.3],
      ],
      'rates',
    );
    expect(cells[0]![0]).toMatchObject({ text: '0', background: 'transparent', empty: true });
    expect(cells[0]![1]).toMatchObject({ text: '0', background: 'transparent', empty: true });
    expect(cells[1]![0]).toMatchObject({ text: '+30', empty: false });
    expect(cells[1]![0]!.background).toContain('var(--error)');
  });
});
