import { useQuery } from '@tanstack/react-query';
import type { Field } from '@tangram/metadata';
import { Drawer, Table, type TableProps, Typography } from 'antd';
import { Link } from 'react-router';
import { activeFields, objectByName, useMetadata } from '../../api/metadata';
import type { RecordData } from '../../api/records';
import { type DashboardFilterValues, reportQueries, type ReportView } from '../../api/reports';
import { useI18n } from '../../i18n/i18n';
import { FieldDisplay, widgetOf } from '../../widgets/registry';
import { ErrorBox } from '../loading';

/** How many records a drill-down lists (the total says how many there are). */
const drillLimit = 200;

/** The records behind one cell of a report (same filters as the chart), each linking to its record page. */
export function DrillDrawer(props: {
  tenant: string;
  report: ReportView;
  filters: DashboardFilterValues;
  cell: Record<string, unknown>;
  title: string;
  /** A report not published yet (the builder's preview): its records are asked for by its definition. */
  draft?: unknown;
  onClose(): void;
}) {
  const { tenant, report, filters, cell, title, draft, onClose } = props;
  const { t, label } = useI18n();
  const object = objectByName(useMetadata(tenant).data?.metadata, report.objectName);
  const published = useQuery({ ...reportQueries.drill(tenant, report.name, { filters, cell, limit: drillLimit }), enabled: draft === undefined });
  const drafted = useQuery({ ...reportQueries.drillDraft(tenant, draft, { cell, limit: drillLimit }), enabled: draft !== undefined });
  const page = draft === undefined ? published : drafted;
  const fields = object ? activeFields(object).filter((f) => widgetOf(f).listColumn !== false) : [];
  const titleField = fields.find((f) => f.id === object?.titleField) ?? fields[0];
  const shown = [...(titleField ? [titleField] : []), ...fields.filter((f) => f !== titleField).slice(0, 5)];
  const columns: TableProps<RecordData>['columns'] = shown.map((f: Field) => ({
    key: f.name,
    dataIndex: f.name,
    title: label(f.label, f.name),
    ellipsis: true,
    render: (v: unknown, r: RecordData) =>
      f === titleField ? (
        <Link to={`/t/${tenant}/o/${report.objectName}/r/${r.id}`}>{v == null || v === '' ? r.id.slice(0, 8) : String(v)}</Link>
      ) : (
        <FieldDisplay field={f} tenant={tenant} value={v} />
      ),
  }));
  const total = page.data?.total ?? page.data?.records.length;
  return (
    <Drawer open onClose={onClose} width={Math.min(880, window.innerWidth)} title={title}>
      <div data-testid="drill-records">
        {page.error ? (
          <ErrorBox error={page.error} />
        ) : (
          <>
            {total !== undefined && (
              <Typography.Text type="secondary" data-testid="drill-total">
                {t('list.total', { total })}
              </Typography.Text>
            )}
            <Table<RecordData>
              size="small"
              rowKey="id"
              loading={page.isLoading}
              columns={columns}
              dataSource={page.data?.records ?? []}
              pagination={false}
              scroll={{ x: 'max-content' }}
              style={{ marginTop: 8 }}
            />
          </>
        )}
      </div>
    </Drawer>
  );
}
