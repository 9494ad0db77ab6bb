import { describe, expect, it } from 'vitest';
import { en, zhCN } from '../../i18n/dictionary';
import { withRfmLabels } from './report-labels';

describe('RFM groups in a report', () => {
  it('shows each group by its name in both languages, and leaves other measures alone', () => {
    const groups = [
      'important_value',
      'important_develop',
      'important_keep',
      'important_retain',
      'general_value',
      'general_develop',
      'general_keep',
      'general_retain',
    ];
    for (const lang of ['zh-CN', 'en'] as const) {
      const dict = (lang === 'en' ? en : zhCN) as Record<string, string>;
      const result = withRfmLabels(
        {
          columns: [
            { key: 'account', role: 'row', kind: 'record' },
            { key: 'amount', role: 'value', kind: 'number' },
            { key: 'segment', role: 'value', kind: 'rfm' },
          ],
          rows: groups.map((g, i) => ({ account: `a${i}`, amount: i, segment: g })),
          truncated: false,
        },
        (key) => dict[`report.rfm.${key}`] ?? key,
      );
      const names = result.rows.map((r) => r.segment);
      // every group has a name of its own, none is left as its key
      expect(new Set(names).size).toBe(groups.length);
      for (const n of names) expect(groups).not.toContain(n);
      expect(result.rows.map((r) => r.amount)).toEqual(groups.map((_, i) => i));
    }
    expect(zhCN['report.rfm.important_value']).toBe('重要价值客户');
  });
});
