import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, HolderOutlined, PlusOutlined } from '@ant-design/icons';
import type { FieldInput } from '@tangram/metadata';
import { Button, Card, Col, Empty, Input, Row, Select, Space, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useDrag, useDrop } from 'react-dnd';
import { useParams } from 'react-router';
import { useI18n } from '../i18n/i18n';
import { type FieldRules, type FormColumns, type FormLayout, type FormSection, formColumnCounts, newId } from '../layout/form-layout';
import { draftFields, fieldPlace, placeField, shiftField, unplaceField } from './designer-core';
import { LogicEditor } from './logic-editor';
import { useDesigner } from './use-designer';
import { useFormDesign } from './use-form-design';

const formField = 'form-field';
interface FormFieldDrag {
  field: string;
}

function FieldChip({ field, onDropBefore, selected, onSelect }: { field: FieldInput; onDropBefore?(name: string): void; selected: boolean; onSelect(): void }) {
  const { label } = useI18n();
  const [{ dragging }, drag] = useDrag(
    () => ({ type: formField, item: { field: field.name } satisfies FormFieldDrag, collect: (m) => ({ dragging: m.isDragging() }) }),
    [field.name],
  );
  const [{ over }, drop] = useDrop(
    () => ({
      accept: formField,
      canDrop: () => onDropBefore !== undefined,
      drop: (item: FormFieldDrag) => onDropBefore?.(item.field),
      collect: (m) => ({ over: m.isOver() && m.canDrop() }),
    }),
    [onDropBefore],
  );
  return (
    <button
      type="button"
      ref={(el) => void drag(drop(el))}
      data-testid="form-field"
      data-name={field.name}
      onClick={onSelect}
      style={{
        textAlign: 'left',
        font: 'inherit',
        opacity: dragging ? 0.4 : 1,
        padding: '8px 10px',
        background: '#fff',
        border: selected ? '2px solid #1668dc' : '1px solid #e5e5e5',
        borderLeft: over ? '4px solid #1668dc' : undefined,
        borderRadius: 6,
        cursor: 'grab',
      }}
    >
      <HolderOutlined style={{ color: '#999' }} /> {label(field.label, field.name)}{' '}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {field.name}
      </Typography.Text>
    </button>
  );
}

function SectionBox(p: {
  tab: string;
  section: FormSection;
  fields: Map<string, FieldInput>;
  layout: FormLayout;
  setLayout(next: FormLayout): void;
  selected?: string;
  onSelect(name: string): void;
  canRemove: boolean;
}) {
  const { t, label } = useI18n();
  const { section, layout, setLayout } = p;
  const [{ over }, drop] = useDrop(
    () => ({
      accept: formField,
      drop: (item: FormFieldDrag, m) => {
        if (!m.didDrop()) setLayout(placeField(layout, item.field, { tab: p.tab, section: section.id }));
      },
      collect: (m) => ({ over: m.isOver({ shallow: true }) }),
    }),
    [layout, section.id, p.tab],
  );
  const update = (patch: Partial<FormSection>) =>
    setLayout({ ...layout, tabs: layout.tabs.map((tb) => ({ ...tb, sections: tb.sections.map((s) => (s.id === section.id ? { ...s, ...patch } : s)) })) });
  return (
    <Card
      size="small"
      style={{ marginBottom: 12 }}
      title={
        <Input
          aria-label={t('designer.sectionTitle')}
          placeholder={t('designer.sectionTitle')}
          variant="borderless"
          defaultValue={label(section.title, '')}
          onBlur={(e) => e.target.value !== label(section.title, '') && update({ title: e.target.value ? { 'zh-CN': e.target.value } : undefined })}
        />
      }
      extra={
        <Space>
          <label htmlFor={`cols-${section.id}`}>{t('designer.columns')}</label>
          <Select<FormColumns>
            id={`cols-${section.id}`}
            size="small"
            value={section.columns}
            onChange={(columns) => update({ columns })}
            options={formColumnCounts.map((n) => ({ value: n, label: n }))}
          />
          {p.canRemove && (
            <Button
              size="small"
              aria-label={t('common.delete')}
              icon={<DeleteOutlined />}
              onClick={() => setLayout({ ...layout, tabs: layout.tabs.map((tb) => ({ ...tb, sections: tb.sections.filter((s) => s.id !== section.id) })) })}
            />
          )}
        </Space>
      }
    >
      <div
        ref={(el) => void drop(el)}
        data-testid="form-section"
        data-section={section.id}
        className={over ? 'tg-drop-active' : undefined}
        style={{ display: 'grid', gridTemplateColumns: `repeat(${section.columns}, minmax(0, 1fr))`, gap: 8, minHeight: 64, padding: 4, borderRadius: 6 }}
      >
        {section.fields.map((name) => {
          const f = p.fields.get(name);
          return f ? (
            <FieldChip
              key={name}
              field={f}
              selected={p.selected === name}
              onSelect={() => p.onSelect(name)}
              onDropBefore={(moved) => moved !== name && setLayout(placeField(layout, moved, { tab: p.tab, section: section.id, before: name }))}
            />
          ) : null;
        })}
      </div>
    </Card>
  );
}

function UnplacedList({
  fields,
  layout,
  setLayout,
  selected,
  onSelect,
}: {
  fields: FieldInput[];
  layout: FormLayout;
  setLayout(next: FormLayout): void;
  selected?: string;
  onSelect(n: string): void;
}) {
  const { t } = useI18n();
  const placed = new Set(layout.tabs.flatMap((tb) => tb.sections.flatMap((s) => s.fields)));
  const [{ over }, drop] = useDrop(
    () => ({ accept: formField, drop: (item: FormFieldDrag) => setLayout(unplaceField(layout, item.field)), collect: (m) => ({ over: m.isOver() }) }),
    [layout],
  );
  return (
    <Card size="small" title={t('designer.unplaced')}>
      <div
        ref={(el) => void drop(el)}
        data-testid="form-unplaced"
        className={over ? 'tg-drop-active' : undefined}
        style={{ display: 'grid', gap: 6, minHeight: 80 }}
      >
        {fields
          .filter((f) => !placed.has(f.name))
          .map((f) => (
            <FieldChip key={f.name} field={f} selected={selected === f.name} onSelect={() => onSelect(f.name)} />
          ))}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('designer.removeFromForm')} ⇠
        </Typography.Text>
      </div>
    </Card>
  );
}

/** Where the selected field sits, changed without dragging: a section to put it in, up, down (keyboard users' way to lay out a form). */
function FieldPosition({ layout, setLayout, field }: { layout: FormLayout; setLayout(next: FormLayout): void; field: string }) {
  const { t, label } = useI18n();
  const at = fieldPlace(layout, field);
  const sections = layout.tabs.flatMap((tb, ti) =>
    tb.sections.map((s, si) => ({
      value: `${tb.id}/${s.id}`,
      label: `${layout.tabs.length > 1 ? `${label(tb.title, ti === 0 ? t('record.details') : tb.id)} · ` : ''}${label(s.title, '') || `${t('designer.section')} ${si + 1}`}`,
    })),
  );
  return (
    <Space.Compact style={{ width: '100%' }}>
      <Select
        aria-label={t('designer.position')}
        style={{ flex: 1, minWidth: 0 }}
        value={at ? `${at.tab}/${at.section}` : ''}
        options={[{ value: '', label: t('designer.unplaced') }, ...sections]}
        onChange={(v: string) => {
          if (!v) return setLayout(unplaceField(layout, field));
          const [tab, section] = v.split('/') as [string, string];
          setLayout(placeField(layout, field, { tab, section }));
        }}
      />
      <Button
        aria-label={t('designer.moveUp')}
        icon={<ArrowUpOutlined />}
        disabled={!at || at.index === 0}
        onClick={() => setLayout(shiftField(layout, field, -1))}
      />
      <Button
        aria-label={t('designer.moveDown')}
        icon={<ArrowDownOutlined />}
        disabled={!at || at.index === at.count - 1}
        onClick={() => setLayout(shiftField(layout, field, 1))}
      />
    </Space.Compact>
  );
}

/** An object's form: fields dragged into sections, columns and tabs, reordered by dragging; live rules per field. */
export function FormDesigner() {
  const name = useParams().name as string;
  const designer = useDesigner();
  const object = designer.doc.objects.find((o) => o.name === name);
  if (!object) return <Empty description={name} />;
  return <FormDesignerFor key={object.name} object={object} />;
}

function FormDesignerFor({ object }: { object: NonNullable<ReturnType<typeof useDesigner>['doc']['objects'][number]> }) {
  const { t, label } = useI18n();
  const designer = useDesigner();
  const { layout, setLayout } = useFormDesign(object);
  const [tab, setTab] = useState(layout.tabs[0]?.id ?? 'main');
  const [selected, setSelected] = useState<string | undefined>();
  const active = object.fields.filter((f) => !f.archived);
  const fields = new Map(active.map((f) => [f.name, f]));
  const asFields = draftFields(object);
  const rules: Record<string, FieldRules> = layout.rules ?? {};
  const setRule = (field: string, key: keyof FieldRules, value: unknown) => {
    const next = { ...(rules[field] ?? {}), [key]: value };
    if (value === undefined) delete next[key];
    setLayout({ ...layout, rules: { ...rules, [field]: next } });
  };
  const currentTab = layout.tabs.find((tb) => tb.id === tab) ?? layout.tabs[0];
  const addSection = () =>
    setLayout({
      ...layout,
      tabs: layout.tabs.map((tb) => (tb.id === currentTab?.id ? { ...tb, sections: [...tb.sections, { id: newId('s'), columns: 2, fields: [] }] } : tb)),
    });
  const addTab = () => {
    const id = newId('t');
    setLayout({
      ...layout,
      tabs: [
        ...layout.tabs,
        { id, title: { 'zh-CN': `${t('designer.tabTitle')} ${layout.tabs.length + 1}` }, sections: [{ id: newId('s'), columns: 2, fields: [] }] },
      ],
    });
    setTab(id);
  };
  const others = asFields.filter((f) => f.name !== selected);
  return (
    <Row gutter={16}>
      <Col xs={24} md={5}>
        <UnplacedList fields={active} layout={layout} setLayout={setLayout} selected={selected} onSelect={setSelected} />
      </Col>
      <Col xs={24} md={12}>
        <Card
          size="small"
          title={`${label(object.label, object.name)} · ${t('designer.form')}`}
          extra={
            <Space>
              <Button size="small" icon={<PlusOutlined />} onClick={addSection}>
                {t('designer.addSection')}
              </Button>
              <Button size="small" icon={<PlusOutlined />} onClick={addTab}>
                {t('designer.addTab')}
              </Button>
            </Space>
          }
        >
          <Tabs
            activeKey={currentTab?.id}
            onChange={setTab}
            items={layout.tabs.map((tb, i) => ({
              key: tb.id,
              label: label(tb.title, i === 0 ? t('record.details') : tb.id),
              children: tb.sections.map((s) => (
                <SectionBox
                  key={s.id}
                  tab={tb.id}
                  section={s}
                  fields={fields}
                  layout={layout}
                  setLayout={setLayout}
                  selected={selected}
                  onSelect={setSelected}
                  canRemove={tb.sections.length > 1 && s.fields.length === 0}
                />
              )),
            }))}
          />
        </Card>
      </Col>
      <Col xs={24} md={7}>
        <Card size="small" title={t('designer.rules')}>
          {selected ? (
            <Space direction="vertical" style={{ width: '100%' }}>
              <Tag color="blue">{label(fields.get(selected)?.label, selected)}</Tag>
              <FieldPosition layout={layout} setLayout={setLayout} field={selected} />
              {(
                [
                  ['visible', 'designer.visibleWhen'],
                  ['required', 'designer.requiredWhen'],
                  ['readOnly', 'designer.readOnlyWhen'],
                ] as const
              ).map(([key, title]) => (
                <div key={`${selected}-${key}`}>
                  <Typography.Text strong>{t(title)}</Typography.Text>
                  <LogicEditor tenant={designer.tenant} fields={others} logic={rules[selected]?.[key]} onChange={(v) => setRule(selected, key, v)} />
                </div>
              ))}
            </Space>
          ) : (
            <Empty description={t('designer.noSelection')} />
          )}
        </Card>
      </Col>
    </Row>
  );
}
