import { UndoOutlined } from '@ant-design/icons';
import { Alert, App, Button, Select, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useMetadata, visibleObjects } from '../api/metadata';
import { describeError } from '../api/http';
import { type RecordData, useRecords, useRestoreRecord } from '../api/records';
import { useI18n } from '../i18n/i18n';
import { titleOf } from '../widgets/record-pickers';
import { useTenant } from './tenant-shell';

/** Records in the recycle bin, per object, with restore. */
export function TrashPage() {
  const tenant = useTenant();
  const { t, label } = useI18n();
  const { message } = App.useApp();
  const objects = visibleObjects(useMetadata(tenant).data?.metadata);
  // The first object until one is chosen (the metadata may still be loading on the first render).
  const [chosen, setName] = useState<string>();
  const name = chosen ?? objects[0]?.name;
  const object = objects.find((o) => o.name === name);
  const [page, setPage] = useState(1);
  const deleted = useRecords(
    tenant,
    name ?? '',
    // The API sorts lists by fields and system columns, not by deleted_at (it answers 400): most recently updated first.
    { deleted: true, limit: 20, offset: (page - 1) * 20, count: true, sort: [{ field: 'deleted_at', direction: 'desc' }] },
    object !== undefined,
  );
  const restoring = useRestoreRecord(tenant, name ?? '');
  async function restore(r: RecordData) {
    try {
      await restoring.mutateAsync(r.id);
      message.success(t('trash.restored'));
    } catch (e) {
      message.error(describeError(e));
    }
  }
  return (
    <div>
      <Typography.Title level={3}>{t('trash.title')}</Typography.Title>
      <Space style={{ marginBottom: 12 }}>
        <label htmlFor="trash-object">{t('nav.objects')}</label>
        <Select
          id="trash-object"
          value={name}
          onChange={(v: string) => {
            setName(v);
            setPage(1);
          }}
          style={{ width: 200 }}
          options={objects.map((o) => ({ value: o.name, label: label(o.pluralLabel, o.name) }))}
        />
      </Space>
      {deleted.error && <Alert type="error" showIcon style={{ marginBottom: 12 }} message={describeError(deleted.error)} />}
      <Table<RecordData>
        rowKey="id"
        loading={deleted.isFetching}
        dataSource={deleted.data?.records ?? []}
        pagination={{ current: page, pageSize: 20, total: deleted.data?.total ?? 0, onChange: setPage }}
        columns={[
          { key: 'title', title: label(object?.label), render: (_, r) => titleOf(object, r) },
          { key: 'deleted', title: t('trash.deletedAt'), render: (_, r) => (r.deleted_at ? dayjs(r.deleted_at as string).format('YYYY-MM-DD HH:mm') : '') },
          {
            key: 'restore',
            title: '',
            render: (_, r) => (
              <Button icon={<UndoOutlined />} onClick={() => restore(r)}>
                {t('trash.restore')}
              </Button>
            ),
          },
        ]}
      />
    </div>
  );
}
