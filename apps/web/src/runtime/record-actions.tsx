import { inputAsField } from '@tangram/fields';
import type { ObjectDef, RecordActionInputField } from '@tangram/metadata';
import { MoreOutlined } from '@ant-design/icons';
import { Alert, App, Button, Dropdown, Form, Modal, Space, Typography } from 'antd';
import { useRef, useState } from 'react';
import { Link } from 'react-router';
import { objectByName, useMetadata } from '../api/metadata';
import { ApiError, describeError } from '../api/http';
import { type RecordActionResult, type RecordActionView, useRecordActions, useRunRecordAction } from '../api/record-actions';
import { useI18n } from '../i18n/i18n';
import { FieldEditor } from '../widgets/registry';

// Record actions (buttons, e.g. 线索转换) on a record's page: one button per action the member
// may run now; a click asks for confirmation and the action's small form, runs it, and reports
// what it created or reused with links to open them.

/** The buttons of the actions the member may run on `recordId`; `onDone` gets what a run did. */
export function RecordActionButtons({
  tenant,
  object,
  recordId,
  onDone,
}: {
  tenant: string;
  object: ObjectDef;
  recordId: string;
  onDone: (name: string, result: RecordActionResult) => void;
}) {
  const { label } = useI18n();
  const actions = useRecordActions(tenant, object.name, recordId);
  const [open, setOpen] = useState<RecordActionView | null>(null);
  return (
    <>
      {(actions.data?.actions ?? []).map((a) => (
        <Button key={a.name} data-testid={`record-action-${a.name}`} onClick={() => setOpen(a)}>
          {label(a.label, a.name)}
        </Button>
      ))}
      {open && (
        <RecordActionDialog
          tenant={tenant}
          object={object}
          recordId={recordId}
          action={open}
          onClose={() => setOpen(null)}
          onDone={(result) => {
            setOpen(null);
            onDone(label(open.label, open.name), result);
          }}
        />
      )}
    </>
  );
}

/**
 * A list row's menu of the record's actions (asked for when the menu opens); a run ends with a
 * message naming the action, and the list refreshes.
 */
export function RecordActionRowMenu({ tenant, object, recordId }: { tenant: string; object: ObjectDef; recordId: string }) {
  const { t, label } = useI18n();
  const { message } = App.useApp();
  const [menuOpen, setMenuOpen] = useState(false);
  const [running, setRunning] = useState<RecordActionView | null>(null);
  const actions = useRecordActions(tenant, object.name, recordId, menuOpen);
  const list = actions.data?.actions ?? [];
  return (
    <>
      <Dropdown
        trigger={['click']}
        open={menuOpen}
        onOpenChange={setMenuOpen}
        menu={{
          items: list.length
            ? list.map((a) => ({ key: a.name, label: label(a.label, a.name), 'data-testid': `row-action-${a.name}` }))
            : [{ key: '', label: actions.isLoading ? '…' : '—', disabled: true }],
          onClick: ({ key }) => {
            setMenuOpen(false);
            setRunning(list.find((a) => a.name === key) ?? null);
          },
        }}
      >
        <Button type="text" size="small" icon={<MoreOutlined />} aria-label={t('action.more')} data-testid="row-actions" />
      </Dropdown>
      {running && (
        <RecordActionDialog
          tenant={tenant}
          object={object}
          recordId={recordId}
          action={running}
          onClose={() => setRunning(null)}
          onDone={() => {
            message.success(t('action.done', { name: label(running.label, running.name) }));
            setRunning(null);
          }}
        />
      )}
    </>
  );
}

function RecordActionDialog({
  tenant,
  object,
  recordId,
  action,
  onClose,
  onDone,
}: {
  tenant: string;
  object: ObjectDef;
  recordId: string;
  action: RecordActionView;
  onClose: () => void;
  onDone: (result: RecordActionResult) => void;
}) {
  const { t, label } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const run = useRunRecordAction(tenant, object.name, recordId);
  // One key per opened dialog: a double click or a retry after a lost answer runs the action once.
  const key = useRef(crypto.randomUUID());
  const initial = Object.fromEntries(action.input.map((f) => [f.name, f.defaultValue ?? null]));

  async function submit() {
    const values = action.input.length ? await form.validateFields() : {};
    const input = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null && v !== undefined && v !== ''));
    try {
      onDone(await run.mutateAsync({ action: action.name, input, key: key.current }));
    } catch (e) {
      if (e instanceof ApiError && e.code === 'RECORD_ACTION_INPUT_INVALID') {
        form.setFields(e.problems.flatMap((p) => (p.field ? [{ name: p.field, errors: [p.message] }] : [])));
        return;
      }
      message.error(describeError(e));
      onClose();
    }
  }

  return (
    <Modal
      open
      title={label(action.label, action.name)}
      okText={t('action.run')}
      okButtonProps={{ 'data-testid': 'record-action-run' } as Record<string, string>}
      confirmLoading={run.isPending}
      onOk={submit}
      onCancel={onClose}
      destroyOnHidden
    >
      {action.confirm && (
        <Typography.Paragraph data-testid="record-action-confirm" style={{ marginBottom: 16 }}>
          {label(action.confirm, '')}
        </Typography.Paragraph>
      )}
      {action.input.length > 0 && (
        <Form form={form} layout="vertical" name={`action_${action.name}`} initialValues={initial}>
          {action.input.map((f) => (
            <Form.Item
              key={f.name}
              name={f.name}
              label={label(f.label, f.name)}
              required={f.required}
              rules={f.required ? [{ required: true, message: label(f.label, f.name) }] : []}
              data-field={f.name}
            >
              <FieldEditor field={inputAsField(f as RecordActionInputField)} tenant={tenant} />
            </Form.Item>
          ))}
        </Form>
      )}
    </Modal>
  );
}

/** What an action did: the records it created or reused, each with a link to open it. */
export function RecordActionOutcome({ tenant, name, result, onClose }: { tenant: string; name: string; result: RecordActionResult; onClose: () => void }) {
  const { t, label } = useI18n();
  const md = useMetadata(tenant);
  return (
    <Alert
      type="success"
      showIcon
      closable
      onClose={onClose}
      data-testid="record-action-result"
      style={{ marginBottom: 12 }}
      message={t('action.done', { name })}
      description={
        result.created.length > 0 && (
          <Space direction="vertical" size={2}>
            {result.created.map((c) => {
              const o = objectByName(md.data?.metadata, c.object);
              const objectLabel = o ? label(o.label, o.name) : c.object;
              return (
                <Space key={c.step}>
                  {t(c.reused ? 'action.reused' : 'action.created', { object: objectLabel })}
                  <Link to={`/t/${tenant}/o/${c.object}/r/${c.id}`} data-testid={`record-action-open-${c.as ?? c.step}`}>
                    {t('action.open')}
                  </Link>
                </Space>
              );
            })}
          </Space>
        )
      }
    />
  );
}
