// Formatting and small statistics for the bench output. No timing logic here.

export type Cell = string | number | undefined;

/** Prints a titled table: text columns left-aligned, numeric-looking columns right-aligned. */
export function printTable(title: string, header: string[], rows: Cell[][], notes: string[] = []): void {
  const text = rows.map((r) => header.map((_, i) => cellText(r[i])));
  const widths = header.map((h, i) => Math.max(h.length, ...text.map((r) => r[i]!.length)));
  const numeric = header.map((_, i) => text.every((r) => r[i] === '' || r[i] === '-' || /^[-+~≈<>]?[\d.,]+\s*\S*$/.test(r[i]!)));
  const line = (cells: string[]) =>
    '  ' + cells.map((c, i) => (numeric[i] && i > 0 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  console.log(`\n${title}`);
  console.log(line(header));
  console.log('  ' + widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of text) console.log(line(r));
  for (const n of notes) console.log(`  ${n}`);
}

function cellText(c: Cell): string {
  if (c === undefined) return '-';
  return typeof c === 'number' ? String(c) : c;
}

export function ms(v: number | undefined, digits = 1): string {
  return v === undefined || !Number.isFinite(v) ? '-' : `${v.toFixed(digits)} ms`;
}

export function bytes(n: number | undefined): string {
  if (n === undefined) return '-';
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(2)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

export function mb(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function min(xs: number[]): number {
  return xs.length === 0 ? Number.NaN : Math.min(...xs);
}

export function max(xs: number[]): number {
  return xs.length === 0 ? Number.NaN : Math.max(...xs);
}

/** Median and min of a series, rounded for the JSON summary. */
export function stats(xs: number[]): { median: number; min: number } {
  return { median: round(median(xs)), min: round(min(xs)) };
}

export function round(v: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
