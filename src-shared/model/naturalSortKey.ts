/**
 * A key that sorts file names the way people read them: `take_2` before `take_10`. Digit runs are
 * written as their length (two digits) and their value without leading zeros, so a plain string
 * comparison — SQLite's `ORDER BY` on the stored key — orders them by number; letters compare
 * without case. Numbers longer than 99 digits keep their order among themselves only roughly.
 */
export function naturalSortKey(name: string): string {
  return name.toLowerCase().replace(/\d+/g, (digits) => {
    const value = digits.replace(/^0+(?=\d)/, '');
    return `${String(Math.min(99, value.length)).padStart(2, '0')}${value}`;
  });
}
