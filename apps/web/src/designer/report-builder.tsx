import { CloseOutlined } from '@ant-design/icons';
import { chartTypes, type ObjectInput, type ReportInput } from '@tangram/metadata';
import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Checkbox, Col, Empty, Input, Row, Select, Space, Tag, Typography } from 'antd';
import { type ReactNode, useRef, useState } from 'react';
import { useDrag, useDrop } from 'react-dnd';
import { useParams } from 'react-router';
import { describeError } from '../api/http';
import { reportQueries, type ReportView } from '../api/reports';
import { useI18n } from '../i18n/i18n';
import { DrillDrawer } from '../runtime/reports/drill-drawer';
import { ReportChart } from '../runtime/reports/report-widget';
import { WidgetMenu } from '../runtime/reports/widget-menu';
import { draftFields, namedList, putNamed } from './designer-core';
import { LogicEditor } from './logic-editor';
import { PublishButton } from './publish-button';
import {
  aggregates,
  type BuilderField,
  buckets,
  builderFields,
  dropField,
  patchAt,
  previewSpec,
  pruned,
  removeAt,
  takesBucket,
  type Zone,
} from './report-builder-core';
import { ReportSettings } from './report-settings';
import { useDesigner } from './use-designer';

// The report builder (issue 16): fields of the base object (and one lookup away) dragged onto
// rows, columns and values, a filter, a chart type, and a live preview of the result. The report
// is part of the draft; publishing the draft publishes it.

const fieldItem = 'report-field';
export const reportsOf = (doc: { [key: string]: unknown }) => namedList<ReportInput>(doc as never, 'reports');
export const putReport = (before: ReportInput | undefined, after: ReportInput | undefined) => putNamed('reports', 'report.put', before, after);

function FieldChip({ field }: { field: BuilderField }) {
  const [{ dragging }, drag] = useDrag(() => ({ type: fieldItem, item: field, collect: (m) => ({ dragging: m.isDragging() }) }), [field]);
  return (
    <div
      ref={(el) => void drag(el)}
      data-testid={`report-field-${field.path}`}
      style={{
        opacity: dragging ? 0.4 : 1,
        cursor: 'grab',
        border: '1px solid #d9d9d9',
        borderRadius: 6,
        background: '#fff',
        padding: '4px 8px',
        fontSize: 13,
      }}
    >
      {field.label}
    </div>
  );
}

function DropZone({ zone, title, empty, onDrop, children }: { zone: Zone; title: string; empty: boolean; onDrop(f: BuilderField): void; children: ReactNode }) {
  const { t } = useI18n();
  const [{ over }, drop] = useDrop(() => ({ accept: fieldItem, drop: (f: BuilderField) => onDrop(f), collect: (m) => ({ over: m.isOver() }) }), [onDrop]);
  return (
    <div ref={(el) => void drop(el)} data-testid={`zone-${zone}`} style={{ marginBottom: 12 }}>
      <Typography.Text strong>{title}</Typography.Text>
      <div
        style={{
          minHeight: 44,
          padding: 6,
          marginTop: 4,
          border: `1px dashed ${over ? '#1668dc' : '#d9d9d9'}`,
          borderRadius: 6,
          background: over ? '#e6f4ff' : '#fafafa',
          display: 'flex',
          flexWrap: 'wrap',
          gap: 6,
        }}
      >
        {empty ? <Typography.Text type="secondary">{t('builder.dropHere')}</Typography.Text> : children}
      </div>
    </div>
  );
}

function Dimensions({ report, zone, fields, set }: { report: ReportInput; zone: 'rows' | 'columns'; fields: BuilderField[]; set(r: ReportInput): void }) {
  const { t } = useI18n();
  return (report[zone] ?? []).map((d, i) => (
    <Tag
      key={d.field}
      data-testid={`${zone}-${d.field}`}
      closeIcon={<CloseOutlined aria-label={`remove ${d.field}`} />}
      onClose={() => set(removeAt(report, zone, i))}
    >
      {fields.find((f) => f.path === d.field)?.label ?? d.field}
      {takesBucket(fields, d.field) && (
        <Select
          size="small"
          variant="borderless"
          aria-label={`bucket ${d.field}`}
          value={d.bucket ?? 'month'}
          onChange={(bucket) => set(patchAt(report, zone, i, { bucket }))}
          options={buckets.map((b) => ({ value: b, label: t(`builder.bucket.${b}`) }))}
          style={{ width: 100 }}
        />
      )}
    </Tag>
  ));
}

function Measures({ report, fields, set }: { report: ReportInput; fields: BuilderField[]; set(r: ReportInput): void }) {
  const { t } = useI18n();
  return report.values.map((m, i) => (
    <Tag
      key={m.name}
      data-testid={`values-${m.name}`}
      closeIcon={<CloseOutlined aria-label={`remove ${m.name}`} />}
      onClose={() => set(removeAt(report, 'values', i))}
    >
      {m.field ? (fields.find((f) => f.path === m.field)?.label ?? m.field) : '#'}
      <Select
        size="small"
        variant="borderless"
        aria-label={`aggregate ${m.name}`}
        value={m.fn}
        onChange={(fn) => set(patchAt<ReportInput['values'][number]>(report, 'values', i, { fn, field: fn === 'count' ? undefined : m.field }))}
        options={aggregates.filter((a) => a === 'count' || m.field).map((a) => ({ value: a, label: t(`builder.agg.${a}`) }))}
        style={{ width: 96 }}
      />
    </Tag>
  ));
}

function Preview({ tenant, report, object }: { tenant: string; report: ReportInput; object: ObjectInput }) {
  const { t, label } = useI18n();
  const spec = previewSpec(report);
  const run = useQuery(reportQueries.preview(tenant, spec, report.values.length > 0));
  const [drill, setDrill] = useState<{ cell: Record<string, unknown>; text: string } | null>(null);
  const view = { ...report, label: report.label ?? report.name, objectName: object.name, chart: report.chart ?? { type: 'table' } } as unknown as ReportView;
  const host = useRef<HTMLDivElement>(null);
  return (
    <Card
      ref={host}
      size="small"
      title={t('builder.preview')}
      extra={
        run.data &&
        report.values.length > 0 && <WidgetMenu tenant={tenant} report={view} result={run.data} title={label(report.label, report.name)} host={host} />
      }
      data-testid="report-preview"
      styles={{ body: { minHeight: 320, display: 'flex', flexDirection: 'column' } }}
    >
      {!report.values.length ? (
        <Empty description={t('builder.fieldsHint')} />
      ) : run.error ? (
        <Alert type="error" showIcon message={describeError(run.error)} />
      ) : run.data ? (
        <ReportChart
          tenant={tenant}
          report={view}
          result={run.data}
          title={label(report.label, report.name)}
          onCell={(cell, text) => setDrill({ cell, text: text.map((p) => p.value).join(' · ') })}
        />
      ) : null}
      {drill && (
        <DrillDrawer
          tenant={tenant}
          report={view}
          filters={{}}
          cell={drill.cell}
          draft={spec}
          title={t('report.drillTitle', { title: label(report.label, report.name), cell: drill.text })}
          onClose={() => setDrill(null)}
        />
      )}
    </Card>
  );
}

/** The report builder page (`design/reports/:name`). */
export function ReportBuilder() {
  const { t, label } = useI18n();
  const designer = useDesigner();
  const name = useParams().name as string;
  const report = reportsOf(designer.doc).find((r) => r.name === name);
  const object = designer.doc.objects.find((o) => o.name === report?.object || o.id === report?.object);
  if (!report || !object) return <Alert type="warning" showIcon message={`${name}?`} />;
  const fields = builderFields(object, designer.doc.objects, (l, f) => label(l as never, f));
  const set = (next: ReportInput) => designer.execute(putReport(report, pruned(next)));
  return (
    <Row gutter={16}>
      <Col xs={24} md={5}>
        <Card size="small" title={t('builder.fields')} styles={{ body: { display: 'flex', flexDirection: 'column', gap: 6 } }}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('builder.fieldsHint')}
          </Typography.Text>
          {fields.map((f) => (
            <FieldChip key={f.path} field={f} />
          ))}
        </Card>
      </Col>
      <Col xs={24} md={7}>
        <Space direction="vertical" style={{ width: '100%', marginBottom: 12 }}>
          <Space.Compact style={{ width: '100%' }}>
            <Input
              aria-label={t('builder.label')}
              addonBefore={t('builder.label')}
              value={label(report.label, report.name)}
              onChange={(e) => set({ ...report, label: { 'zh-CN': e.target.value } })}
            />
            <PublishButton note={label(report.label, report.name)} />
          </Space.Compact>
          <Space>
            <span>{t('builder.chart')}</span>
            <Select
              aria-label={t('builder.chart')}
              style={{ width: 140 }}
              // Twelve types: all listed, none left out of the list until scrolled to.
              virtual={false}
              listHeight={400}
              value={report.chart?.type ?? 'table'}
              onChange={(type) => set({ ...report, chart: { ...report.chart, type } })}
              options={chartTypes.map((c) => ({ value: c, label: t(`builder.chart.${c}`) }))}
            />
            <Checkbox
              checked={report.chart?.stacked === true}
              onChange={(e) => set({ ...report, chart: { type: 'column', ...report.chart, stacked: e.target.checked } })}
            >
              {t('builder.stacked')}
            </Checkbox>
          </Space>
        </Space>
        <DropZone zone="rows" title={t('builder.rows')} empty={!report.rows?.length} onDrop={(f) => set(dropField(report, 'rows', f))}>
          <Dimensions report={report} zone="rows" fields={fields} set={set} />
        </DropZone>
        <DropZone zone="columns" title={t('builder.columns')} empty={!report.columns?.length} onDrop={(f) => set(dropField(report, 'columns', f))}>
          <Dimensions report={report} zone="columns" fields={fields} set={set} />
        </DropZone>
        <DropZone zone="values" title={t('builder.values')} empty={!report.values.length} onDrop={(f) => set(dropField(report, 'values', f))}>
          <Measures report={report} fields={fields} set={set} />
        </DropZone>
        <Typography.Text strong>{t('builder.filter')}</Typography.Text>
        <LogicEditor tenant={designer.tenant} fields={draftFields(object)} logic={report.filter} onChange={(filter) => set({ ...report, filter })} />
        <ReportSettings report={report} fields={fields} set={set} />
      </Col>
      <Col xs={24} md={12}>
        <Preview tenant={designer.tenant} report={report} object={object} />
      </Col>
    </Row>
  );
}
