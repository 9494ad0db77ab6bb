import { BarChartOutlined, DashboardOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { type DashboardInput, type DashboardWidgetInput, dashboardFilters, type ReportInput } from '@tangram/metadata';
import { Alert, Button, Card, Checkbox, Col, Empty, Form, Input, InputNumber, List, Modal, Row, Select, Space, Switch, Table, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useI18n } from '../i18n/i18n';
import { DashboardGrid } from './dashboard-grid';
import { nextPlace, type Place, placeWidget } from './dashboard-layout';
import { namedList, putNamed } from './designer-core';
import { PublishButton } from './publish-button';
import { putReport, reportsOf } from './report-builder';
import { useDesigner } from './use-designer';

// Reports and dashboards of the draft: the lists, a new report (label and base object), and the
// dashboard editor (its reports placed on the 12-column grid by dragging and resizing, or by x, y, w, h).

const dashboardsOf = (doc: { [key: string]: unknown }) => namedList<DashboardInput>(doc as never, 'dashboards');
const putDashboard = (before: DashboardInput | undefined, after: DashboardInput | undefined) => putNamed('dashboards', 'dashboard.put', before, after);

function freeName(used: { name: string }[], base: string): string {
  const names = new Set(used.map((x) => x.name));
  for (let i = 1; ; i++) if (!names.has(`${base}_${i}`)) return `${base}_${i}`;
}

function NewModal({ kind, onClose }: { kind: 'report' | 'dashboard'; onClose(): void }) {
  const { t, label } = useI18n();
  const designer = useDesigner();
  const navigate = useNavigate();
  const [form] = Form.useForm<{ label: string; object: string }>();
  const base = `/t/${designer.tenant}/design/reports`;
  const create = (v: { label: string; object: string }) => {
    if (kind === 'report') {
      const name = freeName(reportsOf(designer.doc), 'report');
      designer.execute(
        putReport(undefined, { name, label: { 'zh-CN': v.label }, object: v.object, rows: [], columns: [], values: [], chart: { type: 'column' } }),
      );
      navigate(`${base}/${name}`);
    } else {
      const name = freeName(dashboardsOf(designer.doc), 'dashboard');
      designer.execute(putDashboard(undefined, { name, label: { 'zh-CN': v.label }, filters: ['period'], widgets: [] }));
      navigate(`${base}/dashboards/${name}`);
    }
    onClose();
  };
  return (
    <Modal
      open
      title={t(kind === 'report' ? 'builder.newReport' : 'builder.newDashboard')}
      okText={t('common.confirm')}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" name={`new_${kind}`} initialValues={{ object: designer.doc.objects[0]?.name }} onFinish={create}>
        <Form.Item name="label" label={t('builder.label')} rules={[{ required: true, max: 200 }]}>
          <Input autoFocus />
        </Form.Item>
        {kind === 'report' && (
          <Form.Item name="object" label={t('builder.object')} rules={[{ required: true }]}>
            <Select options={designer.doc.objects.filter((o) => !o.archived).map((o) => ({ value: o.name, label: label(o.label, o.name) }))} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

/** The draft's reports and dashboards (`design/reports`). */
export function ReportsPage() {
  const { t, label } = useI18n();
  const designer = useDesigner();
  const [creating, setCreating] = useState<'report' | 'dashboard' | null>(null);
  const base = `/t/${designer.tenant}/design/reports`;
  const list = (items: (ReportInput | DashboardInput)[], to: (name: string) => string, icon: React.ReactNode) => (
    <List
      locale={{ emptyText: <Empty description={t('builder.empty')} /> }}
      dataSource={items}
      renderItem={(r) => (
        <List.Item>
          <Link to={to(r.name)}>
            {icon} {label(r.label, r.name)}
          </Link>
        </List.Item>
      )}
    />
  );
  return (
    <Row gutter={16}>
      <Col xs={24} md={12}>
        <Card
          size="small"
          title={t('designer.reports')}
          extra={
            <Button icon={<PlusOutlined />} onClick={() => setCreating('report')}>
              {t('builder.newReport')}
            </Button>
          }
        >
          {list(reportsOf(designer.doc), (n) => `${base}/${n}`, <BarChartOutlined />)}
        </Card>
      </Col>
      <Col xs={24} md={12}>
        <Card
          size="small"
          title={t('builder.dashboards')}
          extra={
            <Button icon={<PlusOutlined />} onClick={() => setCreating('dashboard')}>
              {t('builder.newDashboard')}
            </Button>
          }
        >
          {list(dashboardsOf(designer.doc), (n) => `${base}/dashboards/${n}`, <DashboardOutlined />)}
        </Card>
      </Col>
      {creating && <NewModal kind={creating} onClose={() => setCreating(null)} />}
    </Row>
  );
}

/** A dashboard of the draft (`design/reports/dashboards/:name`): label, home, filters, its widgets placed on the grid. */
export function DashboardEditor() {
  const { t, label } = useI18n();
  const designer = useDesigner();
  const name = useParams().name as string;
  const dashboard = dashboardsOf(designer.doc).find((d) => d.name === name);
  if (!dashboard) return <Alert type="warning" showIcon message={`${name}?`} />;
  const set = (next: DashboardInput) => designer.execute(putDashboard(dashboard, next));
  const setWidget = (i: number, patch: Partial<DashboardWidgetInput>) =>
    set({ ...dashboard, widgets: dashboard.widgets.map((w, j) => (j === i ? { ...w, ...patch } : w)) });
  const place = (id: string, at: Partial<Place>) => set({ ...dashboard, widgets: placeWidget(dashboard.widgets, id, at) });
  const reports = reportsOf(designer.doc);
  const reportTitle = (name: string) => {
    const r = reports.find((x) => x.name === name || x.id === name);
    return r ? label(r.label, r.name) : name;
  };
  const grid = (key: 'x' | 'y' | 'w' | 'h', min: number, max: number) => ({
    key,
    title: key,
    width: 90,
    render: (_: unknown, w: DashboardWidgetInput) => (
      <InputNumber aria-label={`${key} ${w.id}`} size="small" min={min} max={max} value={w[key]} onChange={(v) => v !== null && place(w.id, { [key]: v })} />
    ),
  });
  return (
    <Card size="small" title={label(dashboard.label, dashboard.name)} extra={<PublishButton note={label(dashboard.label, dashboard.name)} />}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Input
          aria-label={t('builder.label')}
          addonBefore={t('builder.label')}
          value={label(dashboard.label, dashboard.name)}
          onChange={(e) => set({ ...dashboard, label: { 'zh-CN': e.target.value } })}
        />
        <Space wrap>
          <Switch aria-label={t('builder.home')} checked={dashboard.home === true} onChange={(home) => set({ ...dashboard, home })} />
          <span>{t('builder.home')}</span>
          <span style={{ marginInlineStart: 16 }}>{t('builder.filters')}</span>
          <Checkbox.Group
            value={dashboard.filters ?? []}
            onChange={(filters) => set({ ...dashboard, filters: filters as DashboardInput['filters'] })}
            options={dashboardFilters.map((f) => ({ value: f, label: t(`dashboard.${f}`) }))}
          />
        </Space>
        <Typography.Text type="secondary">{t('builder.gridHint')}</Typography.Text>
        <DashboardGrid widgets={dashboard.widgets} titleOf={(w) => label(w.title, reportTitle(w.report))} onPlace={place} />
        <Table<DashboardWidgetInput>
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={dashboard.widgets}
          columns={[
            {
              key: 'report',
              title: t('builder.report'),
              render: (_, w, i) => (
                <Select
                  aria-label={`${t('builder.report')} ${w.id}`}
                  style={{ minWidth: 200 }}
                  value={w.report}
                  onChange={(report) => setWidget(i, { report })}
                  options={reports.map((r) => ({ value: r.name, label: label(r.label, r.name) }))}
                />
              ),
            },
            grid('x', 0, 11),
            grid('y', 0, 99),
            grid('w', 1, 12),
            grid('h', 1, 20),
            {
              key: 'remove',
              width: 48,
              render: (_, w) => (
                <Button
                  type="text"
                  danger
                  aria-label={`remove ${w.id}`}
                  icon={<DeleteOutlined />}
                  onClick={() => set({ ...dashboard, widgets: dashboard.widgets.filter((x) => x !== w) })}
                />
              ),
            },
          ]}
        />
        <Select
          aria-label={t('builder.addWidget')}
          placeholder={t('builder.addWidget')}
          style={{ minWidth: 240 }}
          value={null}
          onChange={(report: string) =>
            set({
              ...dashboard,
              widgets: [
                ...dashboard.widgets,
                {
                  id: freeName(
                    dashboard.widgets.map((w) => ({ name: w.id })),
                    'widget',
                  ),
                  report,
                  ...nextPlace(dashboard.widgets),
                },
              ],
            })
          }
          options={reports.map((r) => ({ value: r.name, label: label(r.label, r.name) }))}
        />
      </Space>
    </Card>
  );
}
