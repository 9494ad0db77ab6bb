import { fieldTypes } from '@tangram/fields';
import { DeleteOutlined, EditOutlined, FilterOutlined, PlusOutlined, SettingOutlined } from '@ant-design/icons';
import type { Field } from '@tangram/metadata';
import { App, Badge, Button, Card, Checkbox, type GetRef, Grid, List, Popover, Space, Table, type TableProps, Typography } from 'antd';
import { Suspense, lazy, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useObjectAccess } from '../api/access';
import { activeFields, fieldNameOf, useMetadata } from '../api/metadata';
import { describeError } from '../api/http';
import { type RecordData, useBulkRecords, useRecords } from '../api/records';
import { useI18n } from '../i18n/i18n';
import { FieldDisplay, widgetOf } from '../widgets/registry';
import { titleOf } from '../widgets/record-pickers';
import { RecordActionRowMenu } from './record-actions';
import { activeConditions, type FilterState, filterToLogic } from './filter-logic';
import type { ViewProps } from './list-page';

// The filter builder and bulk edit carry the field editors (pickers, date inputs): loaded when opened.
const FilterBuilder = lazy(() => import('./filter-builder').then((m) => ({ default: m.FilterBuilder })));
const BulkEditModal = lazy(() => import('./bulk-edit-modal').then((m) => ({ default: m.BulkEditModal })));

type Sort = { field: string; direction: 'asc' | 'desc' } | undefined;

const columnsKey = (tenant: string, object: string) => `tangram.columns.${tenant}.${object}`;

/** A saved view's filter and the user's, both applying. */
function combine(base: unknown, extra: unknown): unknown {
  if (base === undefined || base === null) return extra;
  return extra === undefined ? base : { and: [base, extra] };
}

function useColumnChoice(tenant: string, object: string, fields: Field[], preset: string[] | undefined) {
  const [chosen, setChosen] = useState<string[]>(() => {
    try {
      const saved = JSON.parse(localStorage.getItem(columnsKey(tenant, object)) ?? 'null') as string[] | null;
      if (saved) return saved;
    } catch {}
    return preset?.length ? preset : fields.slice(0, 8).map((f) => f.name);
  });
  const set = (next: string[]) => {
    localStorage.setItem(columnsKey(tenant, object), JSON.stringify(next));
    setChosen(next);
  };
  // In the order chosen (a view's column order), not the object's field order.
  const byName = new Map(fields.map((f) => [f.name, f]));
  const shown = chosen.map((name) => byName.get(name)).filter((f): f is Field => f !== undefined);
  return [shown, set, chosen] as const;
}

/** The rows' height: the window's less the page chrome (virtual rows need a number). */
const windowTableHeight = () => Math.max(320, window.innerHeight - 330);

function useTableHeight(): number {
  const [height, setHeight] = useState(windowTableHeight);
  useEffect(() => {
    const onResize = () => setHeight(windowTableHeight());
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return height;
}

/** The table view: server pagination and sorting, column choice, a filter builder, bulk edit and delete; virtual rows. */
export function TableView({ tenant, object, view }: ViewProps) {
  const { t, label } = useI18n();
  const { message, modal } = App.useApp();
  const navigate = useNavigate();
  const bulk = useBulkRecords(tenant, object.name);
  const phone = Grid.useBreakpoint().md === false;
  const tableHeight = useTableHeight();
  const fields = activeFields(object);
  const access = useObjectAccess(tenant, object.name);
  const md = useMetadata(tenant);
  const [shown, setShown, chosen] = useColumnChoice(
    tenant,
    view ? `${object.name}.${view.name}` : object.name,
    fields,
    view?.columns.map((c) => fieldNameOf(object, c)),
  );
  const [page, setPage] = useState({ current: 1, size: view?.pageSize ?? 50 });
  const [sort, setSort] = useState<Sort>(view?.sort[0] ? { field: fieldNameOf(object, view.sort[0].field), direction: view.sort[0].direction } : undefined);
  const [filter, setFilter] = useState<FilterState>({ match: 'all', conditions: [] });
  const [applied, setApplied] = useState<FilterState>(filter);
  const [selected, setSelected] = useState<RecordData[]>([]);
  const [bulkEdit, setBulkEdit] = useState(false);
  const query = useMemo(
    () => ({
      filter: combine(view?.filter, filterToLogic(applied)),
      sort: sort ? [sort] : undefined,
      limit: page.size,
      offset: (page.current - 1) * page.size,
      count: true,
    }),
    [applied, sort, page, view],
  );
  const records = useRecords(tenant, object.name, query);
  // Another page, sort or filter starts at its first row, at once, when its rows arrive (antd's own
  // reset animates the scroll from where it was: on a 500-row page it scrolled through the new
  // page for ~0.3 s before its first row showed). A refetch of the same rows keeps the place.
  const table = useRef<GetRef<typeof Table>>(null);
  const scrolledFor = useRef(query);
  useLayoutEffect(() => {
    if (!records.data || records.isPlaceholderData || scrolledFor.current === query) return;
    scrolledFor.current = query;
    table.current?.scrollTo({ top: 0 });
  }, [records.data, records.isPlaceholderData, query]);
  const titleField = object.fields.find((f) => f.id === object.titleField);
  const open = (r: RecordData) => navigate(`/t/${tenant}/o/${object.name}/r/${r.id}`);

  const columns: TableProps<RecordData>['columns'] = shown.map((f) => ({
    key: f.name,
    dataIndex: f.name,
    title: label(f.label, f.name),
    ellipsis: true,
    width: widgetOf(f).columnWidth ?? 160,
    sorter: fieldTypes[f.type].sortable,
    sortOrder: sort?.field === f.name ? (sort.direction === 'asc' ? 'ascend' : 'descend') : null,
    render: (v: unknown, r: RecordData) =>
      f.name === titleField?.name ? (
        <Link to={`/t/${tenant}/o/${object.name}/r/${r.id}`} onClick={(e) => e.stopPropagation()}>
          {v == null || v === '' ? r.id.slice(0, 8) : String(v)}
        </Link>
      ) : (
        <FieldDisplay field={f} tenant={tenant} value={v} />
      ),
  }));

  // Record actions (buttons) of the object: a menu at the end of each row, for members who may edit.
  if (access.update && md.data?.metadata.recordActions?.some((a) => a.object === object.id))
    columns.push({
      key: '$actions',
      width: 56,
      fixed: 'right',
      render: (_: unknown, r: RecordData) => <RecordActionRowMenu tenant={tenant} object={object} recordId={r.id} />,
    });

  async function bulkDelete() {
    modal.confirm({
      title: t('list.bulkDeleteConfirm', { count: selected.length }),
      okButtonProps: { danger: true },
      onOk: async () => {
        try {
          await bulk.mutateAsync({ delete: selected.map((r) => r.id) });
          message.success(t('list.deleted'));
          setSelected([]);
        } catch (e) {
          message.error(describeError(e));
        }
      },
    });
  }

  const filterCount = activeConditions(applied);
  const toolbar = (
    <Space wrap style={{ marginBottom: 12 }}>
      {access.create && (
        <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate(`/t/${tenant}/o/${object.name}/new`)}>
          {t('common.new')}
        </Button>
      )}
      <Popover
        trigger="click"
        placement="bottomLeft"
        title={t('list.filter')}
        content={
          <div style={{ maxWidth: 640 }}>
            <Suspense fallback={null}>
              <FilterBuilder tenant={tenant} fields={fields} value={filter} onChange={setFilter} />
            </Suspense>
            <Space style={{ marginTop: 12 }}>
              <Button
                type="primary"
                onClick={() => {
                  setApplied(filter);
                  setPage((p) => ({ ...p, current: 1 }));
                }}
              >
                {t('filter.apply')}
              </Button>
              <Button
                onClick={() => {
                  const empty: FilterState = { match: 'all', conditions: [] };
                  setFilter(empty);
                  setApplied(empty);
                }}
              >
                {t('filter.clear')}
              </Button>
            </Space>
          </div>
        }
      >
        <Badge count={filterCount} size="small">
          <Button icon={<FilterOutlined />}>{filterCount ? t('list.filterCount', { count: filterCount }) : t('list.filter')}</Button>
        </Badge>
      </Popover>
      {!phone && (
        <Popover
          trigger="click"
          title={t('list.columns')}
          content={
            <Checkbox.Group value={chosen} onChange={(v) => setShown(v as string[])} style={{ display: 'grid', gap: 4, maxHeight: 360, overflow: 'auto' }}>
              {fields.map((f) => (
                <Checkbox key={f.name} value={f.name}>
                  {label(f.label, f.name)}
                </Checkbox>
              ))}
            </Checkbox.Group>
          }
        >
          <Button icon={<SettingOutlined />}>{t('list.columns')}</Button>
        </Popover>
      )}
      {selected.length > 0 && (
        <>
          <Typography.Text type="secondary">{t('list.selected', { count: selected.length })}</Typography.Text>
          {access.update && (
            <Button icon={<EditOutlined />} onClick={() => setBulkEdit(true)}>
              {t('list.bulkEdit')}
            </Button>
          )}
          {access.delete && (
            <Button danger icon={<DeleteOutlined />} onClick={bulkDelete}>
              {t('list.bulkDelete')}
            </Button>
          )}
        </>
      )}
    </Space>
  );

  const pagination = {
    current: page.current,
    pageSize: page.size,
    total: records.data?.total ?? 0,
    showSizeChanger: true,
    pageSizeOptions: [20, 50, 100, 200, 500],
    // Long lists: type a page number to go straight there.
    showQuickJumper: (records.data?.total ?? 0) > page.size * 10,
    showTotal: (total: number) => t('list.total', { total: total.toLocaleString() }),
    onChange: (current: number, size: number) => setPage({ current: size === page.size ? current : 1, size }),
  };

  if (phone)
    return (
      <div>
        {toolbar}
        <List
          loading={records.isFetching}
          dataSource={records.data?.records ?? []}
          pagination={{ ...pagination, simple: true, showSizeChanger: false }}
          locale={{ emptyText: t('list.empty') }}
          renderItem={(r) => (
            <Card size="small" style={{ marginBottom: 8 }} onClick={() => open(r)} data-testid="record-card">
              <Link to={`/t/${tenant}/o/${object.name}/r/${r.id}`}>
                <Typography.Text strong>{titleOf(object, r)}</Typography.Text>
              </Link>
              {shown
                .filter((f) => f.name !== titleField?.name)
                .slice(0, 3)
                .map((f) => (
                  <div key={f.name} style={{ display: 'flex', gap: 8 }}>
                    <Typography.Text type="secondary">{label(f.label, f.name)}</Typography.Text>
                    <FieldDisplay field={f} tenant={tenant} value={r[f.name]} />
                  </div>
                ))}
            </Card>
          )}
        />
      </div>
    );

  return (
    <div>
      {toolbar}
      <Table<RecordData>
        ref={table}
        rowKey="id"
        size="middle"
        virtual
        scroll={{ x: 48 + columns.reduce((sum, c) => sum + Number(c.width ?? 160), 0), y: tableHeight, scrollToFirstRowOnChange: false }}
        loading={records.isFetching}
        dataSource={records.data?.records ?? []}
        columns={columns}
        locale={{ emptyText: t('list.empty') }}
        // Rows are selected only to edit or delete them together.
        rowSelection={
          access.update || access.delete
            ? {
                columnWidth: 48,
                getCheckboxProps: (r) => {
                  const name = t('list.selectRow', { title: titleField ? String(r[titleField.name] ?? r.id) : r.id });
                  // antd passes these on to the checkbox input (aria-label is not in its props type).
                  const props = { title: name, 'aria-label': name };
                  return props;
                },
                selectedRowKeys: selected.map((r) => r.id),
                onChange: (_, rows) => setSelected(rows),
                preserveSelectedRowKeys: false,
              }
            : undefined
        }
        // A double click inside a dialog a row opened (rendered elsewhere in the page) is not one on the row.
        onRow={(r) => ({ onDoubleClick: (e) => e.currentTarget.contains(e.target as Node) && open(r) })}
        pagination={pagination}
        onChange={(_p, _f, sorter, extra) => {
          // Also called on paging (handled by the pagination's onChange): only a sort resets to page 1.
          if (extra.action !== 'sort') return;
          const s = Array.isArray(sorter) ? sorter[0] : sorter;
          setSort(s?.order ? { field: String(s.columnKey), direction: s.order === 'ascend' ? 'asc' : 'desc' } : undefined);
          setPage((p) => ({ ...p, current: 1 }));
        }}
      />
      {records.error && <Typography.Text type="danger">{describeError(records.error)}</Typography.Text>}
      {bulkEdit && (
        <Suspense fallback={null}>
          <BulkEditModal
            open={bulkEdit}
            tenant={tenant}
            object={object}
            records={selected}
            onClose={(done) => {
              setBulkEdit(false);
              if (done) setSelected([]);
            }}
          />
        </Suspense>
      )}
    </div>
  );
}
