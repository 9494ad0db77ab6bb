import type { CompiledReport } from './compile';
import { type RfmSegment, rfmSegments } from './spec';

// Computed measures: a pass over the report's rows (at most 10,000), after the database grouped
// them. A "series" is the rows that share every dimension but the last row dimension (a pivot's
// columns included); cumulative totals, changes and step ratios run along it in that dimension's order.

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const divide = (a: unknown, b: unknown): number | null => {
  const x = num(a);
  const y = num(b);
  return x === null || y === null || y === 0 ? null : x / y;
};

/** The same period a year before: '2026-04-01' → '2025-04-01'. */
export function yearBefore(period: string): string {
  const m = /^(\d{4})(-\d\d-\d\d)$/.exec(period);
  return m ? `${String(Number(m[1]) - 1).padStart(4, '0')}${m[2]}` : '';
}

export function applyComputed(c: CompiledReport, rows: Record<string, unknown>[]): void {
  if (!c.computed.length) return;
  const along = c.rows.at(-1);
  const others = [...c.rows.slice(0, -1), ...c.columns].map((d) => d.key);
  const detail = rows.filter((r) => !r.$subtotal && !r.$colSubtotal);
  const seriesOf = new Map<string, Record<string, unknown>[]>();
  for (const r of detail) {
    const k = JSON.stringify(others.map((key) => r[key] ?? null));
    let list = seriesOf.get(k);
    if (!list) seriesOf.set(k, (list = []));
    list.push(r);
  }
  // Rows come ordered by the dimensions (select fields in their options' order) unless a sort was
  // asked: the series keep the order the dimensions give.
  const series = [...seriesOf.values()];
  if (along) {
    const order = along.order;
    const rank = (v: unknown) => (order ? order.indexOf(String(v)) : -1);
    for (const s of series)
      s.sort((a, b) => {
        const x = a[along.key];
        const y = b[along.key];
        if (order) return (rank(x) < 0 ? 1e9 : rank(x)) - (rank(y) < 0 ? 1e9 : rank(y));
        if (x === y) return 0;
        if (x === null || x === undefined) return 1;
        if (y === null || y === undefined) return -1;
        return String(x) < String(y) ? -1 : 1;
      });
  }
  for (const m of c.computed) {
    const of = Array.isArray(m.of) ? m.of : [m.of];
    const [a, b] = of as [string, string];
    switch (m.fn) {
      case 'ratio':
        for (const r of rows) r[m.name] = divide(r[a], r[b]);
        break;
      case 'share': {
        const columnKeys = c.columns.map((d) => d.key);
        const totals = new Map<string, number>();
        // Per column, over the rows' detail: a column total's share is of the grand total.
        const colKey = (r: Record<string, unknown>) => JSON.stringify([r.$colSubtotal ?? 0, ...columnKeys.map((k) => r[k] ?? null)]);
        for (const r of rows) if (!r.$subtotal) totals.set(colKey(r), (totals.get(colKey(r)) ?? 0) + (num(r[a]) ?? 0));
        for (const r of rows) r[m.name] = r.$subtotal ? null : divide(r[a], totals.get(colKey(r)));
        break;
      }
      case 'cumulative':
        for (const s of series) {
          let total = 0;
          for (const r of s) {
            total += num(r[a]) ?? 0;
            r[m.name] = total;
          }
        }
        break;
      case 'stepRatio':
        for (const s of series)
          s.forEach((r, i) => {
            r[m.name] = i === 0 ? null : divide(r[a], s[i - 1]?.[a]);
          });
        break;
      case 'change':
        for (const s of series) {
          const byPeriod = new Map(s.map((r) => [String(r[along?.key ?? ''] ?? ''), r]));
          s.forEach((r, i) => {
            const before = m.compare === 'year' ? byPeriod.get(yearBefore(String(r[along?.key ?? ''] ?? ''))) : s[i - 1];
            const was = num(before?.[a]);
            r[m.name] = was === null || was === 0 ? null : ((num(r[a]) ?? 0) - was) / Math.abs(was);
          });
        }
        break;
      case 'rfm': {
        const [recency, frequency, monetary] = of as [string, string, string];
        const mean = (k: string) => {
          const xs = detail.map((r) => num(r[k])).filter((x): x is number => x !== null);
          return xs.length ? xs.reduce((x, y) => x + y, 0) / xs.length : null;
        };
        const [mr, mf, mm] = [mean(recency), mean(frequency), mean(monetary)];
        const segments = Object.entries(rfmSegments) as [RfmSegment, (typeof rfmSegments)[RfmSegment]][];
        for (const r of detail) {
          const [x, y, z] = [num(r[recency]), num(r[frequency]), num(r[monetary])];
          if (x === null || y === null || z === null || mr === null || mf === null || mm === null) continue;
          const key = { r: x < mr, f: y > mf, m: z > mm };
          r[m.name] = segments.find(([, s]) => s.r === key.r && s.f === key.f && s.m === key.m)?.[0] ?? null;
        }
        break;
      }
    }
  }
  for (const r of rows) for (const m of c.computed) if (!(m.name in r)) r[m.name] = null;
}
