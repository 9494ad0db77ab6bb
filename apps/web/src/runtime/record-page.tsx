import { DeleteOutlined, EditOutlined } from '@ant-design/icons';
import type { Field, ObjectDef } from '@tangram/metadata';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Breadcrumb, Button, Card, Col, Form, Grid, Row, Space, Tabs, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useObjectAccess, useVisibleObject } from '../api/access';
import { activeFields, objectByName, useMetadata } from '../api/metadata';
import { ApiError, describeError } from '../api/http';
import { keys } from '../api/keys';
import { invalidateRecords, type RecordData, useCreateRecord, useDeleteRecord, usePoolMove, useRecord, useUpdateRecord } from '../api/records';
import { useI18n } from '../i18n/i18n';
import { FieldDisplay, isComputed } from '../widgets/registry';
import { titleOf } from '../widgets/record-pickers';
import { type DetailLine, type DetailRelation, detailPayload, detailRelations, type LineProblem, useDetailLines } from './detail-table';
import { HistoryTimeline } from './history-timeline';
import { ErrorBox, Loading } from './loading';
import { FormButtons, FormErrors, RecordForm, showServerErrors } from './record-form';
import { RecordActionButtons, RecordActionOutcome } from './record-actions';
import { RelatedLists } from './related-lists';
import type { RecordActionResult } from '../api/record-actions';
import { useTenant } from './tenant-shell';
import { RecordApprovals } from './approvals/approval-panel';
import { SubmitApprovalButton, useRecordApprovals } from './approvals/record-approvals';
import { useUnsavedGuard } from './unsaved-guard';
import { useFormLayout } from './use-form-layout';

function valuesOf(object: ObjectDef, record: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of activeFields(object)) out[f.name] = record ? (record[f.name] ?? null) : (f.defaultValue ?? null);
  return out;
}

/** The owner (a system column, not one of the object's fields), shown with the member widget. */
const ownerField: Field = {
  id: 'owner_id',
  name: 'owner_id',
  type: 'user',
  label: { 'zh-CN': '负责人', en: 'Owner' },
  required: false,
  unique: false,
  indexed: false,
  options: {},
  archived: false,
};

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** What to send: on create every given value, on update only what changed; never computed fields. */
function payload(object: ObjectDef, values: Record<string, unknown>, before: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of activeFields(object)) {
    if (isComputed(f) || !(f.name in values)) continue;
    const v = values[f.name] === undefined ? null : values[f.name];
    if (before ? !same(v, before[f.name]) : v !== null) out[f.name] = v;
  }
  return out;
}

/** The changed fields of the form that the open approval step lets this member edit (sent with 同意). */
function editableChanges(object: ObjectDef, values: Record<string, unknown>, record: RecordData, editable: string[]): Record<string, unknown> {
  const changed = payload(object, values, record);
  return Object.fromEntries(Object.entries(changed).filter(([k]) => editable.includes(k)));
}

/**
 * A record: its form (read, edit in place), its approvals, related records and history; or a new
 * record's form. Outside its own route (the approval view) the record is given as props.
 */
export function RecordPage(props: { object?: string; id?: string; focusApproval?: string } = {}) {
  const tenant = useTenant();
  const params = useParams();
  const name = props.object ?? params.object;
  const id = props.id ?? params.id;
  const md = useMetadata(tenant);
  const object = useVisibleObject(tenant, objectByName(md.data?.metadata, name));
  const record = useRecord(tenant, name ?? '', id);
  const { layout, loading } = useFormLayout(tenant, object);
  const relations = useMemo(() => (object ? detailRelations(md.data?.metadata, object) : []), [md.data, object]);
  const details = useDetailLines(tenant, relations, id);
  // What the last record action did: kept here, as the editor below is remounted when the record changes.
  const [outcome, setOutcome] = useState<{ id: string; name: string; result: RecordActionResult } | null>(null);
  if (!object) return <ErrorBox error={new Error(`${name}?`)} />;
  if (loading || !layout || (id && record.isLoading) || details.loading) return <Loading />;
  // Only a first load that failed replaces the page: a failed refetch keeps the form and its edits.
  if (id && record.error && !record.data) return <ErrorBox error={record.error} />;
  return (
    <RecordEditor
      key={`${id ?? 'new'}:${record.data?.version ?? 0}:${details.updatedAt}`}
      tenant={tenant}
      object={object}
      layout={layout}
      record={record.data}
      relations={details.relations}
      lines={details.lines}
      outcome={outcome && outcome.id === id ? outcome : null}
      onOutcome={setOutcome}
      focusApproval={props.focusApproval}
    />
  );
}

function RecordEditor({
  tenant,
  object,
  layout,
  record,
  relations,
  lines,
  outcome,
  onOutcome,
  focusApproval,
}: {
  focusApproval?: string;
  outcome: { name: string; result: RecordActionResult } | null;
  onOutcome: (o: { id: string; name: string; result: RecordActionResult } | null) => void;
  tenant: string;
  object: ObjectDef;
  layout: NonNullable<ReturnType<typeof useFormLayout>['layout']>;
  record?: RecordData;
  relations: DetailRelation[];
  lines: Record<string, DetailLine[]>;
}) {
  const { t, label, lang } = useI18n();
  const { message, modal } = App.useApp();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const createRecord = useCreateRecord(tenant, object.name);
  const updateRecord = useUpdateRecord(tenant, object.name);
  const deleteRecord = useDeleteRecord(tenant, object.name);
  const poolMove = usePoolMove(tenant, object.name);
  const phone = Grid.useBreakpoint().lg === false;
  const [form] = Form.useForm();
  const [editing, setEditing] = useState(!record);
  const [dirty, setDirty] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);
  const [stale, setStale] = useState<RecordData | null>(null);
  const [busy, setBusy] = useState(false);
  const [lineProblems, setLineProblems] = useState<LineProblem[]>([]);
  // Records a 查重 refusal names (only those the member may read are named by the server).
  const [matches, setMatches] = useState<{ id: string; title: string | null }[]>([]);
  const guard = useUnsavedGuard(dirty);
  const access = useObjectAccess(tenant, object.name);
  // While an approval runs the record is locked: only the fields its open step lets this member edit stay editable.
  const approvals = useRecordApprovals(tenant, object.name, record?.id);
  const fieldAccess = useMemo(() => {
    if (!approvals.locked) return access.fields;
    const out: Record<string, 'edit' | 'read' | 'hidden'> = {};
    for (const f of object.fields) {
      const mine = access.fields?.[f.name];
      out[f.name] = mine === 'hidden' ? 'hidden' : approvals.editable.includes(f.name) ? 'edit' : 'read';
    }
    return out;
  }, [approvals.locked, approvals.editable, access.fields, object.fields]);
  const canEdit = approvals.locked ? approvals.editable.length > 0 : access.update;
  const initial = { ...valuesOf(object, record), $details: record ? lines : Object.fromEntries(relations.map((r) => [r.key, []])) };
  const listUrl = `/t/${tenant}/o/${object.name}`;

  async function save(values: Record<string, unknown>, version = record?.version) {
    setBusy(true);
    setErrors([]);
    setLineProblems([]);
    setMatches([]);
    const typed = values.$details as Record<string, DetailLine[]> | undefined;
    const refreshLines = () => Promise.all(relations.map((r) => invalidateRecords(qc, tenant, r.object.name)));
    try {
      if (!record) {
        const created = await createRecord.mutateAsync({ ...payload(object, values, undefined), ...detailPayload(relations, typed, undefined) });
        await refreshLines();
        guard.clear();
        setDirty(false);
        message.success(t('record.created'));
        navigate(`${listUrl}/r/${created.id}`, { replace: true });
        return;
      }
      // The answer is cached as the record (the page shows it), the object's lists are refetched.
      await updateRecord.mutateAsync({
        id: record.id,
        version: version ?? record.version,
        values: { ...payload(object, values, record), ...detailPayload(relations, typed, lines) },
      });
      await refreshLines();
      guard.clear();
      setDirty(false);
      setStale(null);
      message.success(t('record.saved'));
    } catch (e) {
      if (e instanceof ApiError && e.code === 'RECORD_VERSION_CONFLICT' && e.details.detail === undefined) setStale(e.details.current as RecordData);
      else if (e instanceof ApiError && typeof e.details.detail === 'string') {
        // A problem in one detail line: shown on its cell, the line numbered as on screen.
        const key = e.details.detail;
        const index = Number(e.details.index ?? 0);
        const found = e.problems.length ? e.problems : [{ code: e.code, field: e.details.field as string | undefined, message: e.message }];
        setLineProblems(
          found.map((p) => ({
            key,
            index,
            field: p.field ?? p.path?.replace(/^\//, '').split('/')[0],
            message: (p as { messages?: Record<string, string> }).messages?.[lang] ?? p.message,
          })),
        );
        const r = relations.find((x) => x.key === key);
        setErrors([t('detail.invalid', { name: r ? label(r.object.pluralLabel, r.object.name) : key, row: index + 1 })]);
      } else if (e instanceof ApiError && e.rawCode === 'WORKFLOW_RECORD_LOCKED') {
        // A field the open approval step does not let this member change: said at the field.
        const problems = e.problems.length ? e.problems : [{ field: e.details.field as string | undefined, path: e.details.path as string | undefined }];
        const names = problems.map((p) => p.field ?? p.path?.replace(/^\/(body\/)?/, '').split('/')[0]).filter((n): n is string => Boolean(n));
        const onForm = names.filter((n) => n in form.getFieldsValue());
        form.setFields(onForm.map((n) => ({ name: n, errors: [t('approvals.lockedField')] })));
        setErrors([
          onForm.length < names.length || !names.length ? `${t('approvals.lockedField')}${names.length ? `: ${names.join(', ')}` : ''}` : t('record.invalid'),
        ]);
      } else {
        const rest = showServerErrors(form, object, e, lang);
        if (e instanceof ApiError && e.code === 'RECORD_DUPLICATE')
          setMatches(
            e.problems.flatMap((p) => {
              const m = (p as { existing?: { id: string; title: string | null } }).existing;
              return m ? [m] : [];
            }),
          );
        setErrors(rest.length ? rest : [t('record.invalid')]);
      }
    } finally {
      setBusy(false);
    }
  }

  /** 公海: take the record, or give it back; the page shows the new owner at once. */
  async function movePool(kind: 'claim' | 'release') {
    if (!record) return;
    try {
      await poolMove.mutateAsync({ kind, id: record.id });
      message.success(t(kind === 'claim' ? 'pool.claimed' : 'pool.released'));
    } catch (e) {
      if (e instanceof ApiError && e.code === 'POOL_CLAIM_LIMIT') message.error(t('pool.limit', { limit: Number(e.details.limit) }));
      else message.error(describeError(e));
    }
  }

  function remove() {
    if (!record) return;
    modal.confirm({
      title: t('record.deleteConfirm'),
      okButtonProps: { danger: true },
      onOk: async () => {
        try {
          await deleteRecord.mutateAsync(record.id);
          guard.clear();
          message.success(t('list.deleted'));
          navigate(listUrl);
        } catch (e) {
          message.error(describeError(e));
        }
      },
    });
  }

  const title = record ? titleOf(object, record) : t('record.new', { object: label(object.label, object.name) });
  const staleAlert = stale && (
    <Alert
      type="warning"
      showIcon
      role="alert"
      data-testid="stale-version"
      style={{ marginBottom: 12 }}
      message={t('record.stale', { version: stale.version })}
      action={
        <Space direction="vertical">
          <Button
            size="small"
            onClick={() => {
              guard.clear();
              qc.setQueryData(keys.record(tenant, object.name, stale.id), stale);
            }}
          >
            {t('record.staleReload')}
          </Button>
          <Button size="small" type="primary" onClick={() => save(form.getFieldsValue(), stale.version)}>
            {t('record.staleOverwrite')}
          </Button>
        </Space>
      }
    />
  );
  const formCard = (
    <Card>
      {staleAlert}
      <FormErrors messages={errors} />
      {matches.length > 0 && (
        <Alert
          type="info"
          showIcon
          data-testid="duplicate-matches"
          style={{ marginBottom: 12 }}
          message={
            <Space wrap>
              {t('record.duplicateOf')}
              {matches.map((m) => (
                <Link key={m.id} to={`/t/${tenant}/o/${object.name}/r/${m.id}`} target="_blank" rel="noopener">
                  {m.title || m.id.slice(0, 8)}
                </Link>
              ))}
            </Space>
          }
        />
      )}
      <RecordForm
        tenant={tenant}
        object={object}
        layout={layout}
        form={form}
        initialValues={initial}
        editing={editing}
        onValuesChange={() => setDirty(true)}
        onFinish={(v) => save(v)}
        details={{ relations, problems: lineProblems }}
        fieldAccess={fieldAccess}
        footer={
          editing && (
            <FormButtons>
              {/* In approval, an approver without the update right sends the fields their step lets them edit with 同意. */}
              {(!approvals.locked || access.update) && (
                <Button type="primary" htmlType="submit" loading={busy}>
                  {t('common.save')}
                </Button>
              )}
              {approvals.locked && approvals.open?.can.approve && (
                <Typography.Text type="secondary" data-testid="approval-edit-hint">
                  {t('approvals.editHint')}
                </Typography.Text>
              )}
              <Button
                onClick={() => {
                  if (!record) return navigate(listUrl);
                  form.resetFields();
                  setDirty(false);
                  setErrors([]);
                  setMatches([]);
                  setEditing(false);
                }}
              >
                {t('common.cancel')}
              </Button>
            </FormButtons>
          )
        }
      />
    </Card>
  );
  return (
    <div>
      <Breadcrumb style={{ marginBottom: 8 }} items={[{ title: <Link to={listUrl}>{label(object.pluralLabel, object.name)}</Link> }, { title }]} />
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {title}
        </Typography.Title>
        {record && !editing && (
          <Space wrap>
            {object.publicPool && (
              <Typography.Text type="secondary" data-testid="record-owner">
                {t('pool.owner')}:{' '}
                {record.owner_id ? <FieldDisplay field={ownerField} tenant={tenant} value={record.owner_id} /> : <Tag color="orange">{t('pool.inPool')}</Tag>}
              </Typography.Text>
            )}
            {object.publicPool && !record.owner_id && (
              <Button type="primary" onClick={() => movePool('claim')}>
                {t('pool.claim')}
              </Button>
            )}
            {object.publicPool && record.owner_id != null && access.update && (
              <Button onClick={() => modal.confirm({ title: t('pool.releaseConfirm'), onOk: () => movePool('release') })}>{t('pool.release')}</Button>
            )}
            {access.update && (
              <SubmitApprovalButton tenant={tenant} object={object.name} recordId={record.id} items={approvals.items} size={phone ? 'large' : undefined} />
            )}
            {access.update && (
              <RecordActionButtons tenant={tenant} object={object} recordId={record.id} onDone={(name, result) => onOutcome({ id: record.id, name, result })} />
            )}
            {canEdit && (
              <Button type="primary" icon={<EditOutlined />} onClick={() => setEditing(true)}>
                {t('common.edit')}
              </Button>
            )}
            {access.delete && !approvals.locked && <Button danger icon={<DeleteOutlined />} onClick={remove} aria-label={t('common.delete')} />}
          </Space>
        )}
      </Space>
      {outcome && <RecordActionOutcome tenant={tenant} name={outcome.name} result={outcome.result} onClose={() => onOutcome(null)} />}
      {record && approvals.locked && (
        <Alert
          type="info"
          showIcon
          data-testid="record-locked"
          style={{ marginBottom: 12 }}
          message={t('approvals.locked', {
            editable: approvals.editable.length
              ? t('approvals.lockedEditable', {
                  fields: approvals.editable.map((n) => label(object.fields.find((f) => f.name === n)?.label, n)).join('、'),
                })
              : '',
          })}
        />
      )}
      {record && approvals.items.length > 0 && (
        <RecordApprovals
          tenant={tenant}
          items={approvals.items}
          focus={focusApproval}
          values={() => (editing && approvals.locked ? editableChanges(object, form.getFieldsValue(), record, approvals.editable) : undefined)}
        />
      )}
      {record ? (
        <Row gutter={16}>
          <Col xs={24} lg={16}>
            {formCard}
          </Col>
          <Col xs={24} lg={8} style={{ marginTop: phone ? 16 : 0 }}>
            <Card size="small">
              <Tabs
                items={[
                  { key: 'history', label: t('record.history'), children: <HistoryTimeline tenant={tenant} object={object} id={record.id} /> },
                  { key: 'related', label: t('record.related'), children: <RelatedLists tenant={tenant} object={object} id={record.id} /> },
                ]}
              />
            </Card>
          </Col>
        </Row>
      ) : (
        formCard
      )}
    </div>
  );
}
