import { AppstoreOutlined, CalendarOutlined, TableOutlined } from '@ant-design/icons';
import type { ObjectDef, View, ViewType } from '@tangram/metadata';
import { Segmented, Select, Space, Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { useVisibleObject } from '../api/access';
import { objectByName, useMetadata, viewsOf } from '../api/metadata';
import { useI18n } from '../i18n/i18n';
import { ErrorBox, Loading } from './loading';
import { TableView } from './table-view';
import { useTenant } from './tenant-shell';

// Kanban (react-dnd) and calendar load when first shown.
const KanbanView = lazy(() => import('./kanban-view'));
const CalendarView = lazy(() => import('./calendar-view'));

export interface ViewProps {
  tenant: string;
  object: ObjectDef;
  /** The saved view (metadata) being shown, if any: its columns, filter, sort, grouping, date field. */
  view?: View;
}

/** An object's records as a table, a kanban or a calendar: a saved view (`?v=`) or an ad-hoc one (`?view=`). */
export function ListPage() {
  const tenant = useTenant();
  const { t, label } = useI18n();
  const name = useParams().object as string;
  const md = useMetadata(tenant);
  const [params, setParams] = useSearchParams();
  const object = useVisibleObject(tenant, objectByName(md.data?.metadata, name));
  if (!object) return <ErrorBox error={new Error(`${name}?`)} />;
  const views = viewsOf(md.data?.metadata, object);
  const saved = views.find((v) => v.id === params.get('v') || v.name === params.get('v'));
  const kind = (saved?.type ?? params.get('view') ?? 'table') as ViewType;
  const key = `${object.name}:${saved?.id ?? ''}`;
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Space wrap>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {label(object.pluralLabel, object.name)}
          </Typography.Title>
          {views.length > 0 && (
            <Select
              aria-label="saved view"
              style={{ minWidth: 160 }}
              value={saved?.id ?? ''}
              onChange={(v) => setParams(v ? { v } : {})}
              options={[{ value: '', label: label(object.pluralLabel, object.name) }, ...views.map((v) => ({ value: v.id, label: label(v.label, v.name) }))]}
            />
          )}
        </Space>
        <Segmented<ViewType>
          aria-label="view"
          value={kind}
          onChange={(v) => setParams(v === 'table' ? {} : { view: v })}
          options={[
            { value: 'table', icon: <TableOutlined />, label: t('list.table') },
            { value: 'kanban', icon: <AppstoreOutlined />, label: t('list.kanban') },
            { value: 'calendar', icon: <CalendarOutlined />, label: t('list.calendar') },
          ]}
        />
      </Space>
      <Suspense fallback={<Loading />}>
        {kind === 'kanban' ? (
          <KanbanView key={key} tenant={tenant} object={object} view={saved} />
        ) : kind === 'calendar' ? (
          <CalendarView key={key} tenant={tenant} object={object} view={saved} />
        ) : (
          <TableView key={key} tenant={tenant} object={object} view={saved} />
        )}
      </Suspense>
    </div>
  );
}
