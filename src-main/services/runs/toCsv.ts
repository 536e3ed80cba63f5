import type { RunValue } from '../../../src-shared/model/RunQuery.ts';

/**
 * RFC 4180 CSV: CRLF line ends, and a field in double quotes (its quotes doubled) when it holds a
 * comma, a quote, a line break or edge spaces a spreadsheet would trim. Numbers keep every digit.
 * Text a spreadsheet would run as a formula (a note typed as `=HYPERLINK(…)`) gets a leading
 * apostrophe, as OWASP advises for CSV exports; numbers, negative ones included, are left alone.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly RunValue[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

function csvField(value: RunValue | undefined): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
