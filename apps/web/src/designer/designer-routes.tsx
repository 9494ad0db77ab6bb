import {
  AimOutlined,
  ApartmentOutlined,
  BarChartOutlined,
  CheckCircleOutlined,
  ThunderboltOutlined,
  CloudUploadOutlined,
  EyeOutlined,
  HistoryOutlined,
  LoadingOutlined,
  MenuOutlined,
  RedoOutlined,
  UndoOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import { Alert, Button, Menu, Space, Tooltip, Typography } from 'antd';
import { lazy, Suspense, useEffect } from 'react';
import { DndProvider } from 'react-dnd';
import { HTML5Backend } from 'react-dnd-html5-backend';
import { Route, Routes, useLocation, useNavigate } from 'react-router';
import { useI18n } from '../i18n/i18n';
import { ErrorBox, Loading } from '../runtime/loading';
import { useCanDesign, useTenant } from '../runtime/tenant-shell';
import { AutomationEditor } from './automation-editor';
import { AutomationsPage } from './automations-page';
import { RecordActionEditor, RecordActionsPage } from './record-actions-page';
import { ReportBuilder } from './report-builder';
import { DashboardEditor, ReportsPage } from './reports-page';
import { DesignerHome } from './designer-home';
import { FormDesigner } from './form-designer';
import { MenuDesigner } from './menu-designer';
import { ObjectDesigner } from './object-designer';
import { PublishPage } from './publish-page';
import { RevisionsPage } from './revisions-page';
import { type Designer, DesignerContext, type Draft, useDesignerSession, useDraftQuery } from './use-designer';
import { ViewDesigner, ViewsPage } from './view-designer';
import { useWf } from './workflows/messages';
import { WorkflowsPage } from './workflows/workflows-page';

// The process modeler brings bpmn-js: its own chunk, loaded only on its route.
const WorkflowEditor = lazy(() => import('./workflows/workflow-editor'));

function SaveStatus({ designer }: { designer: Designer }) {
  const { t } = useI18n();
  if (designer.save === 'saving')
    return (
      <Typography.Text type="secondary">
        <LoadingOutlined /> {t('designer.saving')}
      </Typography.Text>
    );
  if (designer.save === 'saved')
    return (
      <Typography.Text type="secondary" data-testid="draft-saved">
        <CheckCircleOutlined /> {t('designer.draftSaved')}
      </Typography.Text>
    );
  return (
    <Typography.Text type="danger" role="alert">
      <WarningOutlined /> {designer.save.error}
    </Typography.Text>
  );
}

function Session({ tenant, draft }: { tenant: string; draft: Draft }) {
  const { t } = useI18n();
  const { t: wf } = useWf();
  const designer = useDesignerSession(tenant, draft);
  const navigate = useNavigate();
  const location = useLocation();
  const base = `/t/${tenant}/design`;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target?.closest('input, textarea, [contenteditable=true]')) return;
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z') {
        e.preventDefault();
        if (e.shiftKey) designer.redo();
        else designer.undo();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [designer]);
  const section =
    (['views', 'automations', 'buttons', 'workflows', 'reports', 'menu', 'publish', 'revisions'] as const).find((s) =>
      location.pathname.startsWith(`${base}/${s}`),
    ) ?? 'objects';
  return (
    <DesignerContext.Provider value={designer}>
      <DndProvider backend={HTML5Backend}>
        <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }} wrap>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('designer.title')}
          </Typography.Title>
          <Space wrap>
            <SaveStatus designer={designer} />
            <Tooltip title="Ctrl+Z">
              <Button icon={<UndoOutlined />} disabled={!designer.canUndo} onClick={designer.undo}>
                {t('designer.undo')}
              </Button>
            </Tooltip>
            <Tooltip title="Ctrl+Shift+Z">
              <Button icon={<RedoOutlined />} disabled={!designer.canRedo} onClick={designer.redo}>
                {t('designer.redo')}
              </Button>
            </Tooltip>
          </Space>
        </Space>
        <Menu
          mode="horizontal"
          selectedKeys={[section]}
          onClick={({ key }) => navigate(key === 'objects' ? base : `${base}/${key}`)}
          items={[
            { key: 'objects', label: t('designer.objects') },
            { key: 'views', icon: <EyeOutlined />, label: t('designer.views') },
            { key: 'automations', icon: <ThunderboltOutlined />, label: t('auto.title') },
            { key: 'buttons', icon: <AimOutlined />, label: t('buttons.title') },
            { key: 'workflows', icon: <ApartmentOutlined />, label: wf('title') },
            { key: 'reports', icon: <BarChartOutlined />, label: t('designer.reports') },
            { key: 'menu', icon: <MenuOutlined />, label: t('designer.menu') },
            { key: 'publish', icon: <CloudUploadOutlined />, label: t('designer.publish') },
            { key: 'revisions', icon: <HistoryOutlined />, label: t('designer.revisions') },
          ]}
          style={{ marginBottom: 16, background: 'transparent' }}
        />
        <Routes>
          <Route index element={<DesignerHome />} />
          <Route path="objects/:name" element={<ObjectDesigner />} />
          <Route path="forms/:name" element={<FormDesigner />} />
          <Route path="views" element={<ViewsPage />} />
          <Route path="views/:id" element={<ViewDesigner />} />
          <Route path="automations" element={<AutomationsPage />} />
          <Route path="automations/:name" element={<AutomationEditor />} />
          <Route path="buttons" element={<RecordActionsPage />} />
          <Route path="buttons/:name" element={<RecordActionEditor />} />
          <Route path="workflows" element={<WorkflowsPage />} />
          <Route
            path="workflows/:name"
            element={
              <Suspense fallback={<Loading />}>
                <WorkflowEditor />
              </Suspense>
            }
          />
          <Route path="reports" element={<ReportsPage />} />
          <Route path="reports/dashboards/:name" element={<DashboardEditor />} />
          <Route path="reports/:name" element={<ReportBuilder />} />
          <Route path="menu" element={<MenuDesigner />} />
          <Route path="publish" element={<PublishPage />} />
          <Route path="revisions" element={<RevisionsPage />} />
        </Routes>
      </DndProvider>
    </DesignerContext.Provider>
  );
}

/** The designer (lazy-loaded): objects and fields, forms, views, automations, the menu, publish with a dry run, revisions. */
export default function DesignerRoutes() {
  const tenant = useTenant();
  const { t } = useI18n();
  const canDesign = useCanDesign(tenant);
  const draft = useDraftQuery(tenant);
  if (!canDesign) return <Alert type="warning" showIcon message={t('designer.forbidden')} />;
  if (draft.isLoading) return <Loading />;
  if (draft.error || !draft.data) return <ErrorBox error={draft.error} />;
  return <Session key={draft.data.baseRevision} tenant={tenant} draft={draft.data} />;
}
