import { fieldTypes } from '@tangram/fields';
import type { ObjectDef } from '@tangram/metadata';
import { Alert, App, Form, Modal, Select } from 'antd';
import { useState } from 'react';
import { fieldAccess, useObjectAccess } from '../api/access';
import { activeFields } from '../api/metadata';
import { describeError } from '../api/http';
import { type RecordData, useBulkRecords } from '../api/records';
import { useI18n } from '../i18n/i18n';
import { FieldEditor, isComputed } from '../widgets/registry';

/** Sets one field on every selected record, all or nothing, each with the version it was read at. */
export function BulkEditModal(p: { open: boolean; tenant: string; object: ObjectDef; records: RecordData[]; onClose(done: boolean): void }) {
  const { t, label } = useI18n();
  const { message } = App.useApp();
  const bulk = useBulkRecords(p.tenant, p.object.name);
  const access = useObjectAccess(p.tenant, p.object.name);
  const editable = activeFields(p.object).filter((f) => !isComputed(f) && !fieldTypes[f.type].reference?.master && fieldAccess(access, f.name) === 'edit');
  const [fieldName, setFieldName] = useState<string | undefined>(editable[0]?.name);
  const [value, setValue] = useState<unknown>(null);
  const [error, setError] = useState<string | null>(null);
  const field = editable.find((f) => f.name === fieldName);
  return (
    <Modal
      open={p.open}
      title={t('list.bulkEditTitle', { count: p.records.length })}
      onCancel={() => p.onClose(false)}
      okText={t('common.save')}
      onOk={async () => {
        if (!field) return;
        try {
          await bulk.mutateAsync({ update: p.records.map((r) => ({ id: r.id, version: r.version, values: { [field.name]: value } })) });
          message.success(t('common.saved'));
          setError(null);
          p.onClose(true);
        } catch (e) {
          setError(describeError(e));
        }
      }}
    >
      <Form layout="vertical">
        <Form.Item label={t('list.field')} htmlFor="bulk-field">
          <Select
            id="bulk-field"
            value={fieldName}
            onChange={(v) => {
              setFieldName(v);
              setValue(null);
            }}
            options={editable.map((f) => ({ value: f.name, label: label(f.label, f.name) }))}
          />
        </Form.Item>
        {field && (
          <Form.Item label={t('list.value')} htmlFor="bulk-value">
            <FieldEditor key={field.name} id="bulk-value" field={field} tenant={p.tenant} value={value} onChange={setValue} />
          </Form.Item>
        )}
      </Form>
      {error && <Alert type="error" showIcon message={error} />}
    </Modal>
  );
}
