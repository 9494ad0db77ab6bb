import { useQuery } from '@tanstack/react-query';
import { Empty, Grid, Space, Typography } from 'antd';
import { useState } from 'react';
import { useParams } from 'react-router';
import { type DashboardFilterValues, reportQueries } from '../../api/reports';
import { useI18n } from '../../i18n/i18n';
import { ErrorBox, Loading } from '../loading';
import { useTenant } from '../tenant-shell';
import { CrossFilterChip } from './cross-filter-chip';
import { DashboardFilters } from './dashboard-filters';
import { DrillDrawer } from './drill-drawer';
import { ReportWidget } from './report-widget';
import { useCrossFilter } from './use-cross-filter';

/** The height of one row of the dashboard's grid (a widget's `h` counts these). */
const rowHeight = 80;

/**
 * A dashboard: its filters bar and its widgets on a 12-column grid (`x`, `y`, `w`, `h`), each a
 * report drawn as its chart. Opened at /t/:tenant/dashboards/:dashboard, or on the app's home page.
 */
export default function DashboardPage({ name }: { name?: string }) {
  const param = useParams().dashboard;
  const dashboardName = name ?? (param as string);
  // Another dashboard starts with its own (empty) filters.
  return <Dashboard key={dashboardName} name={dashboardName} />;
}

function Dashboard({ name: dashboardName }: { name: string }) {
  const tenant = useTenant();
  const { t, label } = useI18n();
  const found = useQuery(reportQueries.dashboard(tenant, dashboardName));
  const [filters, setFilters] = useState<DashboardFilterValues>({});
  const crossing = useCrossFilter(filters);
  const phone = Grid.useBreakpoint().md === false;
  if (found.error) return <ErrorBox error={found.error} />;
  if (!found.data) return <Loading />;
  const { dashboard, reports } = found.data;
  const byId = new Map(reports.map((r) => [r.id, r]));
  return (
    <div>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {label(dashboard.label, dashboard.name)}
      </Typography.Title>
      <Space wrap align="start">
        {dashboard.filters?.length ? <DashboardFilters tenant={tenant} filters={dashboard.filters} value={filters} onChange={setFilters} /> : null}
        {crossing.cross ? (
          <CrossFilterChip
            key={JSON.stringify(crossing.cross.cell)}
            source={crossing.cross.title}
            text={crossing.cross.text}
            onRecords={crossing.showRecords}
            onClear={crossing.clear}
          />
        ) : (
          dashboard.widgets.length > 1 && (
            <Typography.Text type="secondary" style={{ display: 'inline-block', marginBottom: 12, lineHeight: '32px' }}>
              {t('dashboard.crossHint')}
            </Typography.Text>
          )
        )}
      </Space>
      {dashboard.widgets.length === 0 ? (
        <Empty description={t('dashboard.empty')} />
      ) : (
        <div style={{ display: 'grid', gridTemplateColumns: 'repeat(12, minmax(0, 1fr))', gridAutoRows: rowHeight, gap: 12 }}>
          {dashboard.widgets.map((w) => {
            const report = byId.get(w.report);
            if (!report) return null;
            const title = label(w.title, label(report.label, report.name));
            return (
              <div
                key={w.id}
                // On a phone the widgets stack, each as tall as on the grid.
                style={
                  phone
                    ? { gridColumn: '1 / -1', height: w.h * rowHeight }
                    : { gridColumn: `${w.x + 1} / span ${w.w}`, gridRow: `${w.y + 1} / span ${w.h}`, minWidth: 0 }
                }
              >
                <ReportWidget
                  tenant={tenant}
                  report={report}
                  title={title}
                  filters={crossing.filtersFor(w.id)}
                  selected={crossing.selectedIn(w.id)}
                  onCell={(cell, text) => crossing.pick({ widget: w.id, title, report, cell, text })}
                />
              </div>
            );
          })}
        </div>
      )}
      {crossing.drill && (
        <DrillDrawer
          tenant={tenant}
          report={crossing.drill.report}
          filters={filters}
          cell={crossing.drill.cell}
          title={t('report.drillTitle', { title: crossing.drill.title, cell: crossing.drill.text.map((p) => p.value).join(' · ') })}
          onClose={crossing.closeRecords}
        />
      )}
    </div>
  );
}
