import { AppstoreOutlined, CalendarOutlined, TableOutlined } from '@ant-design/icons';
import type { ObjectDef } from '@tangram/metadata';
import { Segmented, Space, Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { objectByName, useMetadata } from '../api/metadata';
import { useI18n } from '../i18n/i18n';
import { ErrorBox, Loading } from './loading';
import { TableView } from './table-view';
import { useTenant } from './tenant-shell';

// Kanban (react-dnd) and calendar load when first shown.
const KanbanView = lazy(() => import('./kanban-view'));
const CalendarView = lazy(() => import('./calendar-view'));

type ViewKind = 'table' | 'kanban' | 'calendar';

export interface ViewProps {
  tenant: string;
  object: ObjectDef;
}

/** An object's records as a table, a kanban or a calendar (`?view=`). */
export function ListPage() {
  const tenant = useTenant();
  const { t, label } = useI18n();
  const name = useParams().object as string;
  const md = useMetadata(tenant);
  const [params, setParams] = useSearchParams();
  const object = objectByName(md.data?.metadata, name);
  if (!object) return <ErrorBox error={new Error(`${name}?`)} />;
  const view = (params.get('view') ?? 'table') as ViewKind;
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {label(object.pluralLabel, object.name)}
        </Typography.Title>
        <Segmented<ViewKind>
          aria-label="view"
          value={view}
          onChange={(v) => setParams(v === 'table' ? {} : { view: v })}
          options={[
            { value: 'table', icon: <TableOutlined />, label: t('list.table') },
            { value: 'kanban', icon: <AppstoreOutlined />, label: t('list.kanban') },
            { value: 'calendar', icon: <CalendarOutlined />, label: t('list.calendar') },
          ]}
        />
      </Space>
      <Suspense fallback={<Loading />}>
        {view === 'kanban' ? (
          <KanbanView key={object.name} tenant={tenant} object={object} />
        ) : view === 'calendar' ? (
          <CalendarView key={object.name} tenant={tenant} object={object} />
        ) : (
          <TableView key={object.name} tenant={tenant} object={object} />
        )}
      </Suspense>
    </div>
  );
}
