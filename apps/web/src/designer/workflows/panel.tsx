import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  type AutomationActionInput,
  serviceTaskActionKinds,
  type ObjectInput,
  type ApproverKind,
  approverKinds,
  type WorkflowInput,
  type WorkflowStatus,
  workflowStatuses,
} from '@tangram/metadata';
import { fieldTypes } from '@tangram/fields';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Checkbox, Divider, Form, Input, InputNumber, Radio, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { accessQueries } from '../../api/access';
import { useI18n } from '../../i18n/i18n';
import { MemberName } from '../../widgets/people-pickers';
import { FieldEditor } from '../../widgets/registry';
import { ActionsEditor } from '../automation-actions';
import { isUserReference } from '../automation-core';
import { draftFields } from '../designer-core';
import { LogicEditor } from '../logic-editor';
import { useWf, type WfKey } from './messages';
import { durationMinutes, isoDuration, jsonLogicLanguage, type ModdleElement, readJson } from './model';

// The side panel: what the selected diagram element (or, with nothing selected, the workflow)
// does in Tangram. Every change to the diagram goes through bpmn-js' modeling commands, so the
// modeler's undo (Ctrl+Z on the canvas) takes it back; `tg:` attributes are the moddle extension's.

type Any = any;

export type WorkflowSettings = Omit<WorkflowInput, 'bpmn'>;

/** An approver rule as tg:approvers holds it (the automations' recipients plus the approval-only kinds). */
export interface ApproverRule {
  kind: ApproverKind;
  users?: string[];
  role?: string;
  field?: string;
  /** departmentHead: 1 = the submitter's department head, 2 = the head one level up, … */
  level?: number;
  /** managerChain: how many managers up, each approving in turn. */
  levels?: number;
}
/** The kinds offered: those the reader and the runtime take (@tangram/metadata's approverKinds). */
const offeredKinds = approverKinds;

function newApprover(kind: ApproverKind, userField?: string): ApproverRule {
  if (kind === 'users') return { kind, users: [] };
  if (kind === 'role') return { kind, role: '' };
  if (kind === 'departmentHead') return { kind, level: 1 };
  if (kind === 'managerChain') return { kind, levels: 1 };
  if (kind === 'userField') return { kind, field: userField ?? '' };
  return { kind };
}

const userPicker = {
  id: 'approver_user',
  name: 'approver_user',
  type: 'user',
  label: {},
  required: false,
  unique: false,
  indexed: false,
  options: {},
  archived: false,
} as never;

function ApproversEditor({
  tenant,
  object,
  rules,
  onChange,
}: {
  tenant: string;
  object: ObjectInput;
  rules: ApproverRule[];
  onChange(next: ApproverRule[]): void;
}) {
  const { t } = useWf();
  const { label } = useI18n();
  const roles = useQuery(accessQueries.roleNames(tenant));
  const userFields = draftFields(object).filter(isUserReference);
  const set = (i: number, next: ApproverRule) => onChange(rules.map((r, j) => (j === i ? next : r)));
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="approvers-editor">
      {rules.map((r, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
        <Space key={i} wrap align="start" data-testid="approver-row">
          <Select<ApproverKind>
            aria-label={t('panel.approver.kind')}
            value={r.kind}
            style={{ width: 170 }}
            options={offeredKinds.map((k) => ({ value: k, label: t(`panel.approver.${k}` as WfKey) }))}
            onChange={(kind) => set(i, newApprover(kind, userFields[0]?.name))}
          />
          {r.kind === 'role' && (
            <Select
              aria-label={t('panel.approver.role')}
              value={r.role || undefined}
              style={{ width: 170 }}
              showSearch
              optionFilterProp="label"
              options={(roles.data?.roles ?? []).map((x) => ({ value: x.name, label: label(x.label, x.name) }))}
              onChange={(role: string) => set(i, { kind: 'role', role })}
            />
          )}
          {r.kind === 'departmentHead' && (
            <InputNumber
              aria-label={t('panel.approver.level')}
              addonBefore={t('panel.approver.level')}
              min={1}
              max={10}
              value={r.level ?? 1}
              onChange={(level) => set(i, { kind: 'departmentHead', level: level ?? 1 })}
            />
          )}
          {r.kind === 'managerChain' && (
            <InputNumber
              aria-label={t('panel.approver.levels')}
              addonBefore={t('panel.approver.levels')}
              min={1}
              max={10}
              value={r.levels ?? 1}
              onChange={(levels) => set(i, { kind: 'managerChain', levels: levels ?? 1 })}
            />
          )}
          {r.kind === 'userField' && (
            <Select
              aria-label={t('panel.approver.userField')}
              value={r.field || undefined}
              style={{ width: 170 }}
              options={userFields.map((f) => ({ value: f.name, label: label(f.label, f.name) }))}
              onChange={(field: string) => set(i, { kind: 'userField', field })}
            />
          )}
          {r.kind === 'users' && (
            <Space wrap>
              {(r.users ?? []).map((id) => (
                <Tag key={id} closable onClose={() => set(i, { kind: 'users', users: (r.users ?? []).filter((x) => x !== id) })}>
                  <MemberName tenant={tenant} id={id} />
                </Tag>
              ))}
              <fieldset style={{ width: 180, border: 0, margin: 0, padding: 0 }} aria-label={t('panel.approver.addUser')}>
                <label htmlFor={`approver-users-${i}`} className="tg-sr-only">
                  {t('panel.approver.addUser')}
                </label>
                <FieldEditor
                  field={userPicker}
                  tenant={tenant}
                  value={null}
                  onChange={(id) => typeof id === 'string' && set(i, { kind: 'users', users: [...new Set([...(r.users ?? []), id])] })}
                  id={`approver-users-${i}`}
                />
              </fieldset>
            </Space>
          )}
          <Button aria-label={t('panel.approvers')} icon={<DeleteOutlined />} onClick={() => onChange(rules.filter((_, j) => j !== i))} />
        </Space>
      ))}
      <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => onChange([...rules, newApprover('role')])}>
        {t('panel.addApprover')}
      </Button>
    </Space>
  );
}

interface Services {
  modeling: Any;
  moddle: Any;
  canvas: Any;
}

/** Writes `tg:` (or plain) properties of a shape's business object; undefined removes one. */
const update = (s: Services, element: Any, props: Record<string, unknown>) => s.modeling.updateProperties(element, props);
const jsonOrUnset = (v: unknown, empty: boolean) => (empty ? undefined : JSON.stringify(v));

function UserTaskPanel({ s, element, tenant, object }: { s: Services; element: Any; tenant: string; object: ObjectInput }) {
  const { t } = useWf();
  const { label } = useI18n();
  const bo = element.businessObject as ModdleElement;
  const approvers = readJson<ApproverRule[]>(bo, 'tg:approvers', []) ?? [];
  const fields = readJson<Record<string, string>>(bo, 'tg:fields', {}) ?? {};
  const mode = (bo.get('tg:mode') as string | undefined) ?? 'any';
  const timeoutMinutes = bo.get('tg:timeoutMinutes') as number | undefined;
  const set = (props: Record<string, unknown>) => update(s, element, props);
  return (
    <Form layout="vertical" size="small" data-testid="user-task-panel">
      <Form.Item label={t('panel.approvers')}>
        <ApproversEditor tenant={tenant} object={object} rules={approvers} onChange={(next) => set({ 'tg:approvers': jsonOrUnset(next, next.length === 0) })} />
      </Form.Item>
      <Form.Item label={t('panel.mode')}>
        <Radio.Group
          aria-label={t('panel.mode')}
          value={mode}
          onChange={(e) =>
            set({
              'tg:mode': e.target.value === 'any' ? undefined : e.target.value,
              ...(e.target.value === 'ratio' ? { 'tg:ratio': bo.get('tg:ratio') ?? 0.5 } : { 'tg:ratio': undefined }),
            })
          }
        >
          <Space direction="vertical">
            {(['any', 'all', 'sequential', 'ratio'] as const).map((m) => (
              <Radio key={m} value={m}>
                {t(`panel.mode.${m}`)}
              </Radio>
            ))}
          </Space>
        </Radio.Group>
      </Form.Item>
      {mode === 'ratio' && (
        <Form.Item label={t('panel.ratio')}>
          <InputNumber
            aria-label={t('panel.ratio')}
            min={1}
            max={100}
            addonAfter="%"
            value={Math.round(((bo.get('tg:ratio') as number | undefined) ?? 0.5) * 100)}
            onChange={(v) => v && set({ 'tg:ratio': Math.min(100, Math.max(1, v)) / 100 })}
          />
        </Form.Item>
      )}
      <Form.Item label={t('panel.whenNobody')}>
        <Select
          aria-label={t('panel.whenNobody')}
          value={(bo.get('tg:whenNobody') as string | undefined) ?? 'refuse'}
          options={(['refuse', 'approve', 'admins'] as const).map((k) => ({ value: k, label: t(`panel.whenNobody.${k}`) }))}
          onChange={(v: string) => set({ 'tg:whenNobody': v })}
        />
      </Form.Item>
      <Form.Item label={t('panel.onReject')}>
        <Select
          aria-label={t('panel.onReject')}
          value={(bo.get('tg:onReject') as string | undefined) ?? 'end'}
          options={(['end', 'submitter'] as const).map((k) => ({ value: k, label: t(`panel.onReject.${k}`) }))}
          onChange={(v: string) => set({ 'tg:onReject': v === 'end' ? undefined : v })}
        />
      </Form.Item>
      <Form.Item>
        <Space direction="vertical">
          <Checkbox checked={bo.get('tg:autoApproveSubmitter') === true} onChange={(e) => set({ 'tg:autoApproveSubmitter': e.target.checked || undefined })}>
            {t('panel.autoApproveSubmitter')}
          </Checkbox>
          <Checkbox checked={bo.get('tg:autoApproveRepeated') === true} onChange={(e) => set({ 'tg:autoApproveRepeated': e.target.checked || undefined })}>
            {t('panel.autoApproveRepeated')}
          </Checkbox>
        </Space>
      </Form.Item>
      <Form.Item label={t('panel.timeout')}>
        <Space wrap>
          <InputNumber
            aria-label={t('panel.timeoutMinutes')}
            placeholder={t('panel.timeoutMinutes')}
            min={1}
            value={timeoutMinutes ?? null}
            onChange={(v) =>
              set(
                v
                  ? { 'tg:timeoutMinutes': v, 'tg:timeoutAction': bo.get('tg:timeoutAction') ?? 'remind' }
                  : { 'tg:timeoutMinutes': undefined, 'tg:timeoutAction': undefined },
              )
            }
          />
          {timeoutMinutes !== undefined && (
            <Select
              aria-label={t('panel.timeoutAction')}
              value={(bo.get('tg:timeoutAction') as string | undefined) ?? 'remind'}
              style={{ width: 120 }}
              options={(['remind', 'approve', 'reject'] as const).map((k) => ({ value: k, label: t(`panel.timeout.${k}`) }))}
              onChange={(v: string) => set({ 'tg:timeoutAction': v })}
            />
          )}
        </Space>
      </Form.Item>
      <Form.Item label={t('panel.fields')}>
        <Table
          size="small"
          rowKey="name"
          pagination={false}
          data-testid="field-access"
          dataSource={draftFields(object)}
          columns={[
            { title: t('panel.field'), key: 'label', render: (_, f) => label(f.label, f.name) },
            {
              title: '',
              key: 'access',
              render: (_, f) => (
                <Radio.Group
                  size="small"
                  optionType="button"
                  aria-label={label(f.label, f.name)}
                  value={fields[f.name] ?? 'read'}
                  options={(['hidden', 'read', 'edit'] as const).map((k) => ({ value: k, label: t(`panel.field.${k}`) }))}
                  onChange={(e) => {
                    const next = { ...fields };
                    if (e.target.value === 'read') delete next[f.name];
                    else next[f.name] = e.target.value;
                    set({ 'tg:fields': jsonOrUnset(next, Object.keys(next).length === 0) });
                  }}
                />
              ),
            },
          ]}
        />
      </Form.Item>
    </Form>
  );
}

const serviceKinds = [...serviceTaskActionKinds];

function ServiceTaskPanel({ s, element, tenant, objects, object }: { s: Services; element: Any; tenant: string; objects: ObjectInput[]; object: ObjectInput }) {
  const { t } = useWf();
  const bo = element.businessObject as ModdleElement;
  const actions = readJson<AutomationActionInput[]>(bo, 'tg:actions', []);
  if (!actions) return <Alert type="error" showIcon message={t('panel.badActions')} />;
  return (
    <Form layout="vertical" size="small" data-testid="service-task-panel">
      <Form.Item label={t('panel.actions')}>
        <ActionsEditor
          tenant={tenant}
          objects={objects}
          object={object}
          automation={{ trigger: { kind: 'record.updated' }, actions }}
          kinds={serviceKinds}
          onChange={(next) => update(s, element, { 'tg:actions': jsonOrUnset(next, next.length === 0) })}
        />
      </Form.Item>
    </Form>
  );
}

const units = { minutes: 1, hours: 60, days: 1440 } as const;

function TimerPanel({ s, element }: { s: Services; element: Any }) {
  const { t } = useWf();
  const def = (element.businessObject.eventDefinitions ?? [])[0];
  const minutes = durationMinutes(def?.timeDuration?.body);
  const unit = (minutes && minutes % 1440 === 0 ? 'days' : minutes && minutes % 60 === 0 ? 'hours' : 'minutes') as keyof typeof units;
  const write = (m: number) =>
    def && s.modeling.updateModdleProperties(element, def, { timeDuration: s.moddle.create('bpmn:FormalExpression', { body: isoDuration(m) }) });
  return (
    <Form layout="vertical" size="small" data-testid="timer-panel">
      <Form.Item label={t('panel.timer')}>
        <Space>
          <InputNumber aria-label={t('panel.timer')} min={1} value={minutes ? minutes / units[unit] : null} onChange={(v) => v && write(v * units[unit])} />
          <Select
            aria-label={`${t('panel.timer')} unit`}
            value={unit}
            style={{ width: 90 }}
            options={(Object.keys(units) as (keyof typeof units)[]).map((u) => ({ value: u, label: t(`panel.timer.${u}`) }))}
            onChange={(u: keyof typeof units) => write(((minutes ?? units[unit]) / units[unit]) * units[u])}
          />
        </Space>
      </Form.Item>
      {def?.timeDuration?.body && <Typography.Text code>{def.timeDuration.body}</Typography.Text>}
    </Form>
  );
}

function FlowPanel({ s, element, tenant, object }: { s: Services; element: Any; tenant: string; object: ObjectInput }) {
  const { t } = useWf();
  const source = element.source;
  const gatewayType = source?.businessObject?.$type;
  if (gatewayType !== 'bpmn:ExclusiveGateway' && gatewayType !== 'bpmn:InclusiveGateway')
    return <Typography.Text type="secondary">{t('panel.flowPlain')}</Typography.Text>;
  const bo = element.businessObject;
  const isDefault = source.businessObject.default === bo;
  let logic: unknown;
  try {
    logic = bo.conditionExpression?.body ? JSON.parse(bo.conditionExpression.body) : undefined;
  } catch {
    logic = undefined;
  }
  return (
    <Form layout="vertical" size="small" data-testid="flow-panel">
      <Form.Item>
        <Checkbox
          checked={isDefault}
          onChange={(e) => {
            if (e.target.checked) {
              update(s, element, { conditionExpression: undefined });
              update(s, source, { default: bo });
            } else update(s, source, { default: undefined });
          }}
        >
          {t('panel.default')}
        </Checkbox>
      </Form.Item>
      {!isDefault && (
        <Form.Item label={t('panel.condition')} extra={t('panel.conditionHint')}>
          <LogicEditor
            tenant={tenant}
            fields={draftFields(object)}
            logic={logic}
            onChange={(next) =>
              update(s, element, {
                conditionExpression:
                  next === undefined ? undefined : s.moddle.create('bpmn:FormalExpression', { body: JSON.stringify(next), language: jsonLogicLanguage }),
              })
            }
          />
        </Form.Item>
      )}
    </Form>
  );
}

const statusKeys = workflowStatuses as readonly WorkflowStatus[];

/** The workflow's own settings (kept in the draft's workflow entry) and the process' tg: attribute. */
function ProcessPanel({
  s,
  settings,
  onSettings,
  objects,
  tenant,
}: {
  s: Services;
  settings: WorkflowSettings;
  onSettings(next: WorkflowSettings): void;
  objects: ObjectInput[];
  tenant: string;
}) {
  const { t } = useWf();
  const { label } = useI18n();
  const root = s.canvas.getRootElement();
  const process = root?.businessObject;
  const object = objects.find((o) => o.name === settings.object || o.id === settings.object);
  // A status field holds one option: the field types that make kanban lanes.
  const selects = object ? draftFields(object).filter((f) => fieldTypes[f.type]?.kanbanLanes) : [];
  const statusField = object?.fields.find((f) => f.name === settings.statusField);
  const statusOptions = ((statusField?.options?.options as { key: string; label?: unknown }[] | undefined) ?? []).map((o) => ({
    value: o.key,
    label: label(o.label as never, o.key),
  }));
  const start = settings.start ?? {};
  const text = typeof settings.label === 'string' ? settings.label : (settings.label?.['zh-CN'] ?? '');
  return (
    <Form layout="vertical" size="small" data-testid="process-panel">
      <Form.Item label={t('label')}>
        <Input aria-label={t('label')} value={text} onChange={(e) => onSettings({ ...settings, label: { 'zh-CN': e.target.value } })} />
      </Form.Item>
      <Form.Item label={t('name')}>
        <Typography.Text code>{settings.name}</Typography.Text>
      </Form.Item>
      <Form.Item label={t('object')}>
        <Select
          aria-label={t('object')}
          value={settings.object}
          options={objects.filter((o) => !o.archived).map((o) => ({ value: o.name, label: label(o.label, o.name) }))}
          onChange={(o: string) => {
            const { statusField: _, statusValues: __, ...rest } = settings;
            onSettings({ ...rest, object: o });
          }}
        />
      </Form.Item>
      <Form.Item>
        <Switch checked={settings.enabled !== false} onChange={(on) => onSettings({ ...settings, enabled: on })} /> {t('enabled')}
      </Form.Item>
      <Divider plain>{t('panel.start')}</Divider>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Checkbox checked={start.button !== false} onChange={(e) => onSettings({ ...settings, start: { ...start, button: e.target.checked } })}>
          {t('panel.start.button')}
        </Checkbox>
        <Checkbox checked={start.onCreate === true} onChange={(e) => onSettings({ ...settings, start: { ...start, onCreate: e.target.checked } })}>
          {t('panel.start.onCreate')}
        </Checkbox>
        <Checkbox
          checked={start.when !== undefined}
          onChange={(e) => {
            const { when: _, ...rest } = start;
            onSettings({ ...settings, start: e.target.checked ? { ...rest, when: { '==': [1, 1] } } : rest });
          }}
        >
          {t('panel.start.when')}
        </Checkbox>
        {start.when !== undefined && object && (
          <LogicEditor
            tenant={tenant}
            fields={draftFields(object)}
            logic={start.when}
            onChange={(when) => {
              const { when: _, ...rest } = start;
              onSettings({ ...settings, start: when === undefined ? rest : { ...rest, when } });
            }}
          />
        )}
      </Space>
      <Divider plain>{t('panel.statusField')}</Divider>
      <Form.Item extra={t('panel.statusFieldHint')}>
        <Select
          aria-label={t('panel.statusField')}
          allowClear
          value={settings.statusField}
          options={selects.map((f) => ({ value: f.name, label: label(f.label, f.name) }))}
          onChange={(f: string | undefined) => {
            const { statusField: _, statusValues: __, ...rest } = settings;
            onSettings(f ? { ...rest, statusField: f, statusValues: {} } : rest);
          }}
        />
      </Form.Item>
      {statusField &&
        statusKeys.map((k) => (
          <Form.Item key={k} label={t(`panel.status.${k}` as WfKey)}>
            <Select
              aria-label={t(`panel.status.${k}` as WfKey)}
              allowClear
              value={settings.statusValues?.[k]}
              options={statusOptions}
              onChange={(v: string | undefined) => {
                const values = { ...(settings.statusValues ?? {}) };
                if (v) values[k] = v;
                else delete values[k];
                onSettings({ ...settings, statusValues: values });
              }}
            />
          </Form.Item>
        ))}
      <Divider plain />
      {process && (
        <Checkbox
          checked={process.get('tg:withdrawAfterApproval') === true}
          onChange={(e) => s.modeling.updateModdleProperties(root, process, { 'tg:withdrawAfterApproval': e.target.checked || undefined })}
        >
          {t('panel.withdrawAfterApproval')}
        </Checkbox>
      )}
    </Form>
  );
}

const kindTitle: Record<string, WfKey> = {
  'bpmn:UserTask': 'palette.userTask',
  'bpmn:ServiceTask': 'palette.serviceTask',
  'bpmn:ExclusiveGateway': 'palette.exclusive',
  'bpmn:ParallelGateway': 'palette.parallel',
  'bpmn:InclusiveGateway': 'palette.inclusive',
  'bpmn:IntermediateCatchEvent': 'palette.timer',
  'bpmn:StartEvent': 'palette.start',
  'bpmn:EndEvent': 'palette.end',
  'bpmn:SubProcess': 'palette.subProcess',
  'bpmn:SequenceFlow': 'panel.condition',
};

/** The panel of the selected element: its name, then what its kind takes; the workflow's settings when none is selected. */
export function SidePanel(props: {
  services: Services;
  element: Any | null;
  settings: WorkflowSettings;
  onSettings(next: WorkflowSettings): void;
  objects: ObjectInput[];
  tenant: string;
}) {
  const { t } = useWf();
  const { services: s, element, settings, objects, tenant } = props;
  const object = objects.find((o) => o.name === settings.object || o.id === settings.object);
  if (!element || element === s.canvas.getRootElement())
    return (
      <Card size="small" title={t('panel.process')} data-testid="side-panel">
        <ProcessPanel s={s} settings={settings} onSettings={props.onSettings} objects={objects} tenant={tenant} />
      </Card>
    );
  const bo = element.businessObject as ModdleElement;
  const type = bo.$type;
  const titleKey = kindTitle[type];
  const body = !object ? (
    <Alert type="error" showIcon message={t('objectMissing', { object: settings.object })} />
  ) : type === 'bpmn:UserTask' ? (
    <UserTaskPanel s={s} element={element} tenant={tenant} object={object} />
  ) : type === 'bpmn:ServiceTask' ? (
    <ServiceTaskPanel s={s} element={element} tenant={tenant} objects={objects} object={object} />
  ) : type === 'bpmn:IntermediateCatchEvent' ? (
    <TimerPanel s={s} element={element} />
  ) : type === 'bpmn:SequenceFlow' ? (
    <FlowPanel s={s} element={element} tenant={tenant} object={object} />
  ) : titleKey ? null : (
    <Alert type="warning" showIcon message={t('panel.unsupported', { type })} />
  );
  return (
    <Card size="small" title={titleKey ? t(titleKey) : type} extra={<Typography.Text type="secondary">{bo.id}</Typography.Text>} data-testid="side-panel">
      {element.type !== 'label' && (
        <Form layout="vertical" size="small">
          <Form.Item label={t('panel.elementName')}>
            <Input aria-label={t('panel.elementName')} value={bo.name ?? ''} onChange={(e) => update(s, element, { name: e.target.value || undefined })} />
          </Form.Item>
        </Form>
      )}
      {body}
    </Card>
  );
}
