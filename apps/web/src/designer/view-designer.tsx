import { fieldTypes } from '@tangram/fields';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, EditOutlined, HolderOutlined, PlusOutlined } from '@ant-design/icons';
import type { FieldInput, LocaleText, MenuItemInput, ObjectInput, ViewInput, ViewType } from '@tangram/metadata';
import { Breadcrumb, Button, Card, Col, Empty, Form, Input, Modal, Popconfirm, Radio, Row, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useDrag, useDrop } from 'react-dnd';
import { Link, useNavigate, useParams } from 'react-router';
import { layoutObjectName } from '../api/metadata';
import { widgetOf } from '../widgets/registry';
import { useI18n } from '../i18n/i18n';
import { commands, type DesignDoc, draftFields } from './designer-core';
import { LogicEditor } from './logic-editor';
import { withoutView } from './menu-tree';
import { type Designer, useDesigner } from './use-designer';

const namePattern = /^[a-z][a-z0-9_]{0,62}$/;
const viewTypes: ViewType[] = ['table', 'kanban', 'calendar'];
const typeKey = { table: 'list.table', kanban: 'list.kanban', calendar: 'list.calendar' } as const;
const pageSizes = [20, 50, 100, 200, 500];

export const viewsOf = (doc: DesignDoc): ViewInput[] => (Array.isArray(doc.views) ? (doc.views as ViewInput[]) : []);
export const menuOf = (doc: DesignDoc): MenuItemInput[] => (Array.isArray(doc.menu) ? (doc.menu as MenuItemInput[]) : []);
const viewId = (v: ViewInput) => v.id ?? v.name;
const asLocale = (l: LocaleText | string | undefined, fallback: string): LocaleText => (typeof l === 'string' ? { 'zh-CN': l } : (l ?? { 'zh-CN': fallback }));
const activeFields = (o: ObjectInput | undefined): FieldInput[] => (o?.fields ?? []).filter((f) => !f.archived);
// A draft is checked only when published: a field may name a type the registry does not know (`?.`).
const isDate = (f: FieldInput) => fieldTypes[f.type]?.temporal !== undefined;
const isLane = (f: FieldInput) => fieldTypes[f.type]?.kanbanLanes === true;
/** A table column can show it in one cell (rich text and files cannot). */
const inColumns = (f: FieldInput) => widgetOf(f)?.listColumn !== false;
/** A view can be sorted by it (the server refuses the others). */
const sortsBy = (f: FieldInput) => fieldTypes[f.type]?.sortable && fieldTypes[f.type]?.storage === 'column';

/** One undoable change of the document's views (and the menu, when a view's entries go with it). */
function change(designer: Designer, views: ViewInput[], menu?: MenuItemInput[]) {
  const after: DesignDoc = { ...designer.doc, views, ...(menu ? { menu } : {}) };
  designer.execute(commands['doc.replace'](designer.doc, after));
}

function NewViewModal({ onClose }: { onClose(): void }) {
  const { t, label } = useI18n();
  const designer = useDesigner();
  const navigate = useNavigate();
  const [form] = Form.useForm<{ label: string; name: string; object: string; type: ViewType }>();
  const objects = designer.doc.objects.filter((o) => o.name !== layoutObjectName && !o.archived);
  const taken = new Set(viewsOf(designer.doc).flatMap((v) => [v.name, viewId(v)]));
  return (
    <Modal open title={t('designer.newView')} okText={t('common.confirm')} onCancel={onClose} onOk={() => form.submit()} destroyOnClose>
      <Form
        form={form}
        layout="vertical"
        name="new_view"
        initialValues={{ type: 'table', object: objects[0]?.name }}
        onFinish={(v) => {
          const object = objects.find((o) => o.name === v.object);
          const fields = activeFields(object);
          const view: ViewInput = {
            id: v.name,
            name: v.name,
            object: v.object,
            label: { 'zh-CN': v.label },
            type: v.type,
            columns: fields
              .filter(inColumns)
              .slice(0, 6)
              .map((f) => f.name),
          };
          if (v.type === 'kanban') view.groupBy = fields.find(isLane)?.name;
          if (v.type === 'calendar') view.dateField = fields.find(isDate)?.name;
          change(designer, [...viewsOf(designer.doc), view]);
          onClose();
          navigate(`/t/${designer.tenant}/design/views/${v.name}`);
        }}
      >
        <Form.Item name="label" label={t('designer.viewLabel')} rules={[{ required: true, max: 200 }]}>
          <Input autoFocus />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('designer.viewName')}
          extra="a-z 0-9 _"
          rules={[
            { required: true },
            { pattern: namePattern, message: '^[a-z][a-z0-9_]{0,62}$' },
            { validator: async (_, v) => (taken.has(v) ? Promise.reject(new Error(t('designer.nameTaken', { name: v }))) : undefined) },
          ]}
        >
          <Input />
        </Form.Item>
        <Form.Item name="object" label={t('designer.viewObject')} rules={[{ required: true }]}>
          <Select showSearch optionFilterProp="label" options={objects.map((o) => ({ value: o.name, label: label(o.label, o.name) }))} />
        </Form.Item>
        <Form.Item
          name="type"
          label={t('designer.viewType')}
          dependencies={['object']}
          rules={[
            ({ getFieldValue }) => ({
              validator: async (_, type: ViewType) => {
                const fields = activeFields(objects.find((o) => o.name === getFieldValue('object')));
                if (type === 'kanban' && !fields.some(isLane)) throw new Error(t('kanban.noSelect'));
                if (type === 'calendar' && !fields.some(isDate)) throw new Error(t('calendar.noDate'));
              },
            }),
          ]}
        >
          <Radio.Group optionType="button" options={viewTypes.map((v) => ({ value: v, label: t(typeKey[v]) }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The draft's views, by object: open one to design it, add or delete one. */
export function ViewsPage() {
  const { t, label } = useI18n();
  const designer = useDesigner();
  const [adding, setAdding] = useState(false);
  const views = viewsOf(designer.doc);
  const objectLabel = (name: string) => {
    const o = designer.doc.objects.find((x) => x.name === name || x.id === name);
    return label(o?.label, name);
  };
  const remove = (v: ViewInput) => {
    const id = viewId(v);
    change(
      designer,
      views.filter((x) => viewId(x) !== id),
      withoutView(withoutView(menuOf(designer.doc), v.object, id), v.object, v.name),
    );
  };
  const entriesOf = (v: ViewInput) => JSON.stringify(menuOf(designer.doc)).split(`"view":"${viewId(v)}"`).length - 1;
  return (
    <div>
      <Space style={{ marginBottom: 16 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
          {t('designer.newView')}
        </Button>
      </Space>
      {views.length === 0 ? (
        <Empty description={t('designer.noViews')} />
      ) : (
        <Table<ViewInput>
          rowKey={viewId}
          size="middle"
          pagination={false}
          dataSource={views}
          scroll={{ x: 640 }}
          columns={[
            {
              key: 'label',
              title: t('designer.viewLabel'),
              render: (_, v) => (
                <Link to={`/t/${designer.tenant}/design/views/${viewId(v)}`} data-testid={`view-link-${viewId(v)}`}>
                  {label(v.label, v.name)}
                </Link>
              ),
            },
            { key: 'name', title: t('designer.viewName'), render: (_, v) => <Typography.Text code>{v.name}</Typography.Text> },
            { key: 'object', title: t('designer.viewObject'), render: (_, v) => objectLabel(v.object) },
            { key: 'type', title: t('designer.viewType'), render: (_, v) => <Tag>{t(typeKey[v.type] ?? 'list.table')}</Tag> },
            {
              key: 'actions',
              width: 200,
              render: (_, v) => (
                <Space>
                  <Link to={`/t/${designer.tenant}/design/views/${viewId(v)}`}>
                    <EditOutlined /> {t('common.edit')}
                  </Link>
                  <Popconfirm
                    title={t('designer.deleteViewConfirm', { name: label(v.label, v.name), count: entriesOf(v) })}
                    okText={t('common.delete')}
                    cancelText={t('common.cancel')}
                    onConfirm={() => remove(v)}
                  >
                    <Button type="link" danger icon={<DeleteOutlined />} aria-label={`${t('common.delete')} ${label(v.label, v.name)}`}>
                      {t('common.delete')}
                    </Button>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      )}
      {adding && <NewViewModal onClose={() => setAdding(false)} />}
    </div>
  );
}

/** A text input that commits on blur or Enter (one undo step per edit). */
function CommitInput({ id, value, onCommit }: { id: string; value: string; onCommit(v: string): void }) {
  const [text, setText] = useState(value);
  const [seen, setSeen] = useState(value);
  if (seen !== value) {
    setSeen(value);
    setText(value);
  }
  const commit = () => text !== value && onCommit(text);
  return <Input id={id} value={text} onChange={(e) => setText(e.target.value)} onBlur={commit} onPressEnter={commit} />;
}

const columnItem = 'view-column';

function ColumnRow(p: { name: string; title: string; index: number; count: number; onMove(from: number, to: number): void; onRemove(): void }) {
  const { t } = useI18n();
  const [{ dragging }, drag] = useDrag(() => ({ type: columnItem, item: { index: p.index }, collect: (m) => ({ dragging: m.isDragging() }) }), [p.index]);
  const [{ over }, drop] = useDrop(
    () => ({
      accept: columnItem,
      drop: (item: { index: number }) => {
        if (item.index !== p.index) p.onMove(item.index, item.index < p.index ? p.index - 1 : p.index);
      },
      collect: (m) => ({ over: m.isOver() && (m.getItem() as { index: number } | null)?.index !== p.index }),
    }),
    [p.index, p.onMove],
  );
  return (
    <div
      ref={(el) => void drag(drop(el))}
      data-testid="view-column"
      data-name={p.name}
      style={{
        display: 'flex',
        alignItems: 'center',
        gap: 8,
        padding: '4px 8px',
        marginBottom: 4,
        border: '1px solid #e5e6eb',
        borderTop: over ? '2px solid #1668dc' : '1px solid #e5e6eb',
        borderRadius: 6,
        background: '#fff',
        opacity: dragging ? 0.4 : 1,
        cursor: 'grab',
      }}
    >
      <HolderOutlined style={{ color: '#999' }} />
      <span style={{ flex: 1 }}>{p.title}</span>
      <Button
        size="small"
        type="text"
        aria-label={`${t('designer.moveUp')} ${p.title}`}
        icon={<ArrowUpOutlined />}
        disabled={p.index === 0}
        onClick={() => p.onMove(p.index, p.index - 1)}
      />
      <Button
        size="small"
        type="text"
        aria-label={`${t('designer.moveDown')} ${p.title}`}
        icon={<ArrowDownOutlined />}
        disabled={p.index === p.count - 1}
        onClick={() => p.onMove(p.index, p.index + 1)}
      />
      <Button size="small" type="text" danger aria-label={`${t('common.delete')} ${p.title}`} icon={<DeleteOutlined />} onClick={p.onRemove} />
    </div>
  );
}

/** One view: settings, columns (drag or buttons to reorder), filter built visually as JSON Logic, sort. */
export function ViewDesigner() {
  const { id } = useParams();
  const { t, label } = useI18n();
  const designer = useDesigner();
  const views = viewsOf(designer.doc);
  const view = views.find((v) => viewId(v) === id);
  const object = designer.doc.objects.find((o) => o.name === view?.object || o.id === view?.object);
  if (!view || !object)
    return (
      <Empty description={id}>
        <Link to={`/t/${designer.tenant}/design/views`}>{t('common.back')}</Link>
      </Empty>
    );
  const fields = activeFields(object);
  const fieldLabel = (name: string) => label(fields.find((f) => f.name === name || f.id === name)?.label, name);
  const update = (patch: Partial<ViewInput>) => {
    const next = { ...view, ...patch };
    for (const k of Object.keys(patch) as (keyof ViewInput)[]) if (patch[k] === undefined) delete next[k];
    change(
      designer,
      views.map((v) => (viewId(v) === id ? next : v)),
    );
  };
  const columns = view.columns ?? [];
  const sort = view.sort ?? [];
  const moveColumn = (from: number, to: number) => {
    if (to < 0 || to >= columns.length) return;
    const next = [...columns];
    const [c] = next.splice(from, 1);
    if (c !== undefined) next.splice(to, 0, c);
    update({ columns: next });
  };
  const selects = fields.filter(isLane);
  const dates = fields.filter(isDate);
  const sortable = fields.filter(sortsBy);
  const lbl = asLocale(view.label, view.name);
  return (
    <div>
      <Breadcrumb
        style={{ marginBottom: 8 }}
        items={[{ title: <Link to={`/t/${designer.tenant}/design/views`}>{t('designer.views')}</Link> }, { title: label(view.label, view.name) }]}
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={8}>
          <Card size="small" title={t('designer.viewSettings')} data-testid="view-settings">
            <Form layout="vertical" component="div">
              <Form.Item label={t('designer.viewLabel')} htmlFor="view-label">
                <CommitInput id="view-label" value={lbl['zh-CN'] ?? ''} onCommit={(v) => update({ label: { ...lbl, 'zh-CN': v } })} />
              </Form.Item>
              <Form.Item label={t('designer.fieldLabelEn')} htmlFor="view-label-en">
                <CommitInput id="view-label-en" value={lbl.en ?? ''} onCommit={(v) => update({ label: { ...lbl, en: v } })} />
              </Form.Item>
              <Form.Item label={t('designer.viewObject')}>
                <Tag>{label(object.label, object.name)}</Tag>
              </Form.Item>
              <Form.Item label={t('designer.viewType')}>
                <Radio.Group
                  optionType="button"
                  value={view.type}
                  options={viewTypes.map((v) => ({
                    value: v,
                    label: t(typeKey[v]),
                    disabled: (v === 'kanban' && selects.length === 0) || (v === 'calendar' && dates.length === 0),
                  }))}
                  onChange={(e) => {
                    const type = e.target.value as ViewType;
                    update({
                      type,
                      groupBy: type === 'kanban' ? (view.groupBy ?? selects[0]?.name) : view.groupBy,
                      dateField: type === 'calendar' ? (view.dateField ?? dates[0]?.name) : view.dateField,
                    });
                  }}
                />
              </Form.Item>
              {view.type === 'kanban' && (
                <Form.Item label={t('kanban.groupBy')} htmlFor="view-group-by">
                  <Select
                    id="view-group-by"
                    value={view.groupBy}
                    options={selects.map((f) => ({ value: f.name, label: label(f.label, f.name) }))}
                    onChange={(groupBy: string) => update({ groupBy })}
                  />
                </Form.Item>
              )}
              {view.type === 'calendar' && (
                <>
                  <Form.Item label={t('calendar.dateField')} htmlFor="view-date-field">
                    <Select
                      id="view-date-field"
                      value={view.dateField}
                      options={dates.map((f) => ({ value: f.name, label: label(f.label, f.name) }))}
                      onChange={(dateField: string) => update({ dateField })}
                    />
                  </Form.Item>
                  <Form.Item label={t('designer.endDateField')} htmlFor="view-end-date-field">
                    <Select
                      id="view-end-date-field"
                      allowClear
                      value={view.endDateField}
                      options={dates.filter((f) => f.name !== view.dateField).map((f) => ({ value: f.name, label: label(f.label, f.name) }))}
                      onChange={(endDateField?: string) => update({ endDateField })}
                    />
                  </Form.Item>
                </>
              )}
              <Form.Item label={t('designer.pageSize')} htmlFor="view-page-size">
                <Select
                  id="view-page-size"
                  value={view.pageSize ?? 50}
                  options={pageSizes.map((n) => ({ value: n, label: String(n) }))}
                  onChange={(pageSize: number) => update({ pageSize })}
                />
              </Form.Item>
            </Form>
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card size="small" title={t('designer.viewColumns')} data-testid="view-columns">
            {columns.map((c, i) => (
              <ColumnRow
                key={c}
                name={c}
                title={fieldLabel(c)}
                index={i}
                count={columns.length}
                onMove={moveColumn}
                onRemove={() => update({ columns: columns.filter((x) => x !== c) })}
              />
            ))}
            <Select
              aria-label={t('designer.addColumn')}
              placeholder={t('designer.addColumn')}
              value={null}
              showSearch
              optionFilterProp="label"
              style={{ width: '100%', marginTop: 8 }}
              options={fields.filter((f) => inColumns(f) && !columns.includes(f.name)).map((f) => ({ value: f.name, label: label(f.label, f.name) }))}
              onChange={(name: string) => update({ columns: [...columns, name] })}
            />
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card size="small" title={t('designer.viewFilter')} data-testid="view-filter" style={{ marginBottom: 16 }}>
            <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
              {t('designer.viewFilterHint')}
            </Typography.Paragraph>
            <LogicEditor key={id} tenant={designer.tenant} fields={draftFields(object)} logic={view.filter} onChange={(filter) => update({ filter })} />
          </Card>
          <Card size="small" title={t('designer.viewSort')} data-testid="view-sort">
            <Space direction="vertical" style={{ width: '100%' }}>
              {sort.map((s, i) => (
                <Space.Compact key={s.field} style={{ width: '100%' }}>
                  <Select
                    aria-label={`${t('designer.sortField')} ${i + 1}`}
                    value={s.field}
                    style={{ flex: 1, minWidth: 0 }}
                    showSearch
                    optionFilterProp="label"
                    options={sortable
                      .filter((f) => f.name === s.field || !sort.some((x) => x.field === f.name))
                      .map((f) => ({ value: f.name, label: label(f.label, f.name) }))}
                    onChange={(field: string) => update({ sort: sort.map((x, j) => (j === i ? { ...x, field } : x)) })}
                  />
                  <Select
                    aria-label={`${t('designer.viewSort')} ${i + 1}`}
                    value={s.direction ?? 'asc'}
                    style={{ width: 100 }}
                    options={[
                      { value: 'asc', label: t('designer.asc') },
                      { value: 'desc', label: t('designer.desc') },
                    ]}
                    onChange={(direction: 'asc' | 'desc') => update({ sort: sort.map((x, j) => (j === i ? { ...x, direction } : x)) })}
                  />
                  <Button
                    aria-label={`${t('common.delete')} ${t('designer.viewSort')} ${i + 1}`}
                    icon={<DeleteOutlined />}
                    onClick={() => update({ sort: sort.filter((_, j) => j !== i) })}
                  />
                </Space.Compact>
              ))}
              {sortable.some((f) => !sort.some((s) => s.field === f.name)) && (
                <Button
                  type="dashed"
                  icon={<PlusOutlined />}
                  onClick={() => {
                    const free = sortable.find((f) => !sort.some((s) => s.field === f.name));
                    if (free) update({ sort: [...sort, { field: free.name, direction: 'asc' }] });
                  }}
                >
                  {t('designer.addSort')}
                </Button>
              )}
            </Space>
          </Card>
        </Col>
      </Row>
    </div>
  );
}
