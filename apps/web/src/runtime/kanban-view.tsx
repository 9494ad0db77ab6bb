import { fieldTypes } from '@tangram/fields';
import type { Field, ObjectDef } from '@tangram/metadata';
import { App, Badge, Card, Empty, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { DndProvider, useDrag, useDrop } from 'react-dnd';
import { HTML5Backend } from 'react-dnd-html5-backend';
import { useNavigate } from 'react-router';
import { fieldAccess, useObjectAccess } from '../api/access';
import { activeFields, fieldNameOf } from '../api/metadata';
import { ApiError, describeError } from '../api/http';
import { type RecordData, useMoveRecord, useRecords } from '../api/records';
import { useI18n } from '../i18n/i18n';
import { FieldDisplay, widgetOf } from '../widgets/registry';
import { titleOf } from '../widgets/record-pickers';
import { optionsOf } from '../widgets/select';
import type { ViewProps } from './list-page';

const cardType = 'kanban-card';
const unset = '__unset__';

function KanbanCard({ record, object, tenant, extra, movable }: { record: RecordData; object: ObjectDef; tenant: string; extra: Field[]; movable: boolean }) {
  const navigate = useNavigate();
  const [{ dragging }, drag] = useDrag(
    () => ({ type: cardType, item: record, canDrag: movable, collect: (m) => ({ dragging: m.isDragging() }) }),
    [record, movable],
  );
  const open = () => navigate(`/t/${tenant}/o/${object.name}/r/${record.id}`);
  return (
    <div
      ref={(el) => void drag(el)}
      data-testid="kanban-card"
      data-id={record.id}
      style={{ opacity: dragging ? 0.4 : 1, marginBottom: 8, cursor: movable ? 'grab' : 'pointer' }}
    >
      <Card size="small" hoverable tabIndex={0} onClick={open} onKeyDown={(e) => e.key === 'Enter' && open()}>
        <Typography.Text strong>{titleOf(object, record)}</Typography.Text>
        {extra.map((f) => (
          <div key={f.name}>
            <FieldDisplay field={f} tenant={tenant} value={record[f.name]} />
          </div>
        ))}
      </Card>
    </div>
  );
}

function Column(p: {
  title: string;
  color?: string;
  value: string | null;
  records: RecordData[];
  onDrop(r: RecordData, value: string | null): void;
  children: React.ReactNode;
}) {
  const [{ over }, drop] = useDrop(
    () => ({
      accept: cardType,
      drop: (r: RecordData) => p.onDrop(r, p.value),
      collect: (m) => ({ over: m.isOver() }),
    }),
    [p.value, p.onDrop],
  );
  return (
    <div
      ref={(el) => void drop(el)}
      data-testid="kanban-column"
      data-value={p.value ?? ''}
      className={over ? 'tg-drop-active' : undefined}
      style={{ flex: '0 0 260px', background: '#f0f2f5', borderRadius: 8, padding: 8, minHeight: 240 }}
    >
      <Space style={{ marginBottom: 8 }}>
        <Badge color={p.color ?? '#bfbfbf'} />
        <Typography.Text strong>{p.title}</Typography.Text>
        <Typography.Text type="secondary">{p.records.length}</Typography.Text>
      </Space>
      {p.children}
    </div>
  );
}

/** Records grouped by a select field; dragging a card to another column updates it (with its version). */
export default function KanbanView({ tenant, object, view }: ViewProps) {
  const { t, label } = useI18n();
  const { message } = App.useApp();
  const moving = useMoveRecord(tenant, object.name);
  const selects = activeFields(object).filter((f) => fieldTypes[f.type].kanbanLanes);
  const [groupBy, setGroupBy] = useState(view?.groupBy ? fieldNameOf(object, view.groupBy) : selects[0]?.name);
  const field = selects.find((f) => f.name === groupBy);
  // A card moves only if the member may change records and this field.
  const access = useObjectAccess(tenant, object.name);
  const movable = access.update && field !== undefined && fieldAccess(access, field.name) === 'edit';
  const records = useRecords(
    tenant,
    object.name,
    { limit: 500, filter: view?.filter, sort: [{ field: 'updated_at', direction: 'desc' }] },
    field !== undefined,
  );
  if (!field) return <Empty description={t('kanban.noSelect')} />;
  const extra = activeFields(object)
    .filter((f) => f.name !== field.name && f.id !== object.titleField && !widgetOf(f).block)
    .slice(0, 2);
  const columns = [...optionsOf(field).filter((o) => !o.archived), { key: unset, label: t('kanban.unset'), color: undefined }];
  const all = records.data?.records ?? [];

  async function move(r: RecordData, value: string | null) {
    if ((r[field!.name] ?? null) === value) return;
    try {
      await moving.mutateAsync({ id: r.id, version: r.version, values: { [field!.name]: value } });
      const col = columns.find((c) => c.key === (value ?? unset));
      message.success(t('kanban.moved', { value: label(col?.label, value ?? '') }));
    } catch (e) {
      message.error(
        e instanceof ApiError && e.code === 'RECORD_VERSION_CONFLICT'
          ? t('record.stale', { version: String((e.details.current as RecordData)?.version ?? '?') })
          : describeError(e),
      );
    }
  }

  return (
    <DndProvider backend={HTML5Backend}>
      <Space style={{ marginBottom: 12 }}>
        <label htmlFor="kanban-group">{t('kanban.groupBy')}</label>
        <Select
          id="kanban-group"
          value={groupBy}
          onChange={setGroupBy}
          options={selects.map((f) => ({ value: f.name, label: label(f.label, f.name) }))}
          style={{ width: 160 }}
        />
      </Space>
      <div style={{ display: 'flex', gap: 12, overflowX: 'auto', paddingBottom: 8 }}>
        {columns.map((c) => {
          const value = c.key === unset ? null : c.key;
          const inColumn = all.filter((r) => (r[field.name] ?? null) === value);
          return (
            <Column key={c.key} title={label(c.label, c.key)} color={c.color} value={value} records={inColumn} onDrop={move}>
              {inColumn.map((r) => (
                <KanbanCard key={r.id} record={r} object={object} tenant={tenant} extra={extra} movable={movable} />
              ))}
            </Column>
          );
        })}
      </div>
    </DndProvider>
  );
}
