import type { ReportInput } from '@tangram/metadata';
import { Card, Checkbox, Form, InputNumber, Select, Space } from 'antd';
import { useI18n } from '../i18n/i18n';
import { type BuilderField, rankable, sortKeys, withSettings } from './report-builder-core';

const subtotalModes = ['none', 'rows', 'columns', 'both'] as const;
const months = Array.from({ length: 12 }, (_, i) => i + 1);

/**
 * The report's settings beside its fields: the order of its rows, its top N (with or without the
 * rest as 其他), subtotals and totals, the month its fiscal year starts, and its most rows.
 */
export function ReportSettings({ report, fields, set }: { report: ReportInput; fields: BuilderField[]; set(r: ReportInput): void }) {
  const { t, label } = useI18n();
  const fieldLabel = (path: string) => fields.find((f) => f.path === path)?.label ?? path;
  const measureText = (name: string) => {
    const m = report.values.find((v) => v.name === name);
    if (!m) return name;
    if (m.label) return label(m.label as never, m.name);
    return m.field ? `${t(`builder.agg.${m.fn}` as never)} · ${fieldLabel(m.field)}` : t(`builder.agg.${m.fn}` as never);
  };
  const dims = [...(report.rows ?? []), ...(report.columns ?? [])];
  const keyText = (key: string, measure: boolean) => (measure ? measureText(key) : fieldLabel(dims.find((d) => (d.as ?? d.field) === key)?.field ?? key));
  const sort = report.sort?.[0];
  const top = report.top;
  const subtotals = report.subtotals === true ? 'rows' : report.subtotals || 'none';
  const change = (patch: Parameters<typeof withSettings>[1]) => set(withSettings(report, patch));
  return (
    <Card size="small" title={t('builder.settings')} data-testid="report-settings" style={{ marginTop: 12 }}>
      <Form layout="horizontal" labelCol={{ span: 8 }} wrapperCol={{ span: 16 }} size="small" colon={false} style={{ marginBottom: -12 }}>
        <Form.Item label={t('builder.sort')} htmlFor="report-sort">
          <Space.Compact style={{ width: '100%' }}>
            <Select
              id="report-sort"
              aria-label={t('builder.sort')}
              allowClear
              placeholder={t('builder.sortDefault')}
              value={sort?.by ?? null}
              onChange={(by: string | undefined) =>
                change({ sort: by ? [{ by, direction: sort?.direction ?? 'desc' }, ...(report.sort?.slice(1) ?? [])] : undefined })
              }
              options={sortKeys(report).map((k) => ({ value: k.key, label: keyText(k.key, k.measure) }))}
              style={{ flex: 1, minWidth: 0 }}
            />
            <Select
              aria-label={t('builder.sortDirection')}
              disabled={!sort}
              value={sort?.direction ?? 'asc'}
              onChange={(direction) => sort && change({ sort: [{ ...sort, direction }, ...(report.sort?.slice(1) ?? [])] })}
              options={(['asc', 'desc'] as const).map((d) => ({ value: d, label: t(`builder.sort.${d}`) }))}
              style={{ width: 84 }}
            />
          </Space.Compact>
        </Form.Item>
        <Form.Item label={t('builder.top')} htmlFor="report-top">
          <Space wrap size={4}>
            <InputNumber
              id="report-top"
              aria-label={t('builder.top')}
              min={1}
              max={1000}
              placeholder={t('builder.topAll')}
              disabled={!report.rows?.length || !rankable(report).length}
              value={top?.n ?? null}
              onChange={(n) => change({ top: n ? { n, by: top?.by ?? rankable(report)[0]?.name ?? '', others: top?.others ?? true } : undefined })}
              style={{ width: 80 }}
            />
            <Select
              aria-label={t('builder.topBy')}
              disabled={!top}
              value={top?.by}
              onChange={(by: string) => top && change({ top: { ...top, by } })}
              options={rankable(report).map((m) => ({ value: m.name, label: measureText(m.name) }))}
              style={{ minWidth: 110 }}
            />
            <Checkbox disabled={!top} checked={top?.others !== false} onChange={(e) => top && change({ top: { ...top, others: e.target.checked } })}>
              {t('builder.topOthers')}
            </Checkbox>
          </Space>
        </Form.Item>
        <Form.Item label={t('builder.subtotals')} htmlFor="report-subtotals">
          <Select
            id="report-subtotals"
            aria-label={t('builder.subtotals')}
            value={subtotals}
            onChange={(mode: (typeof subtotalModes)[number]) => change({ subtotals: mode === 'none' ? undefined : mode })}
            options={subtotalModes.map((m) => ({ value: m, label: t(`builder.subtotals.${m}`) }))}
          />
        </Form.Item>
        <Form.Item label={t('builder.fiscalYearStart')} htmlFor="report-fiscal">
          <Select
            id="report-fiscal"
            aria-label={t('builder.fiscalYearStart')}
            virtual={false}
            value={report.fiscalYearStart ?? 1}
            onChange={(m: number) => change({ fiscalYearStart: m === 1 ? undefined : m })}
            options={months.map((m) => ({ value: m, label: t('builder.month', { month: m }) }))}
          />
        </Form.Item>
        <Form.Item label={t('builder.limit')} htmlFor="report-limit">
          <InputNumber
            id="report-limit"
            aria-label={t('builder.limit')}
            min={1}
            max={10000}
            placeholder="1000"
            value={report.limit ?? null}
            onChange={(limit) => change({ limit: limit ?? undefined })}
            style={{ width: '100%' }}
          />
        </Form.Item>
      </Form>
    </Card>
  );
}
