import { FormOutlined, HolderOutlined } from '@ant-design/icons';
import { fieldTypes } from '@tangram/fields';
import type { FieldInput, FieldTypeName, ObjectInput } from '@tangram/metadata';
import { Button, Card, Col, Empty, Row, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useDrag, useDrop } from 'react-dnd';
import { useNavigate, useParams } from 'react-router';
import { useI18n } from '../i18n/i18n';
import { commands, duplicateRuleOf, withDuplicateMatch } from './designer-core';
import { newField } from './field-defaults';
import { Palette, type PaletteDrag, paletteItem } from './palette';
import { PoolSettings } from './pool-settings';
import { PropertyPanel } from './property-panel';
import { useDesigner } from './use-designer';

const fieldItem = 'object-field';
interface FieldDrag {
  index: number;
}

function FieldRow(p: {
  field: FieldInput;
  index: number;
  selected: boolean;
  onSelect(): void;
  onDropAt(item: PaletteDrag | FieldDrag, kind: string | symbol | null, index: number): void;
}) {
  const { label } = useI18n();
  const [, drag] = useDrag(() => ({ type: fieldItem, item: { index: p.index } satisfies FieldDrag }), [p.index]);
  const [{ over }, drop] = useDrop(
    () => ({
      accept: [paletteItem, fieldItem],
      drop: (item: PaletteDrag | FieldDrag, m) => p.onDropAt(item, m.getItemType(), p.index),
      collect: (m) => ({ over: m.isOver({ shallow: true }) }),
    }),
    [p.index, p.onDropAt],
  );
  return (
    <button
      type="button"
      ref={(el) => void drag(drop(el))}
      data-testid="designer-field"
      data-name={p.field.name}
      onClick={p.onSelect}
      style={{
        width: '100%',
        font: 'inherit',
        textAlign: 'left',
        display: 'flex',
        alignItems: 'center',
        gap: 8,
        padding: '8px 10px',
        marginBottom: 6,
        borderRadius: 6,
        background: '#fff',
        border: p.selected ? '2px solid #1668dc' : '1px solid #e5e5e5',
        borderTop: over ? '3px solid #1668dc' : undefined,
        cursor: 'pointer',
      }}
    >
      <HolderOutlined style={{ color: '#999', cursor: 'grab' }} />
      <Typography.Text strong>{label(p.field.label, p.field.name)}</Typography.Text>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {p.field.name}
      </Typography.Text>
      <div style={{ flex: 1 }} />
      {p.field.required && <Tag color="red">*</Tag>}
      <Tag>{label(fieldTypes[p.field.type]?.label, p.field.type)}</Tag>
    </button>
  );
}

/** An object's fields: field types dragged from the palette onto it, reordered by dragging, edited in the property panel. */
export function ObjectDesigner() {
  const { t, label } = useI18n();
  const designer = useDesigner();
  const navigate = useNavigate();
  const name = useParams().name as string;
  const object = designer.doc.objects.find((o) => o.name === name);
  const [selected, setSelected] = useState<string | undefined>();
  const fields = object?.fields.filter((f) => !f.archived) ?? [];

  const add = (type: FieldTypeName, index: number) => {
    if (!object) return;
    const field = newField(type, object, designer.doc.objects);
    designer.execute(commands['field.add'](object.name, field, index));
    setSelected(field.name);
  };
  const dropAt = (item: PaletteDrag | FieldDrag, kind: string | symbol | null, index: number) => {
    if (!object) return;
    if (kind === paletteItem) add((item as PaletteDrag).fieldType, index);
    else {
      const from = (item as FieldDrag).index;
      if (from !== index) designer.execute(commands['field.move'](object.name, from, from < index ? index - 1 : index));
    }
  };
  const [{ over }, drop] = useDrop(
    () => ({
      accept: [paletteItem, fieldItem],
      drop: (item: PaletteDrag | FieldDrag, m) => {
        if (m.didDrop()) return;
        dropAt(item, m.getItemType(), object?.fields.length ?? 0);
      },
      collect: (m) => ({ over: m.isOver({ shallow: true }) }),
    }),
    [object, dropAt],
  );
  if (!object) return <Empty description={name} />;
  const field = object.fields.find((f) => f.name === selected);
  return (
    <Row gutter={16}>
      <Col xs={24} md={6}>
        {/* The palette and the property panel stay in view while a long object scrolls. */}
        <div className="tg-sticky">
          <Palette onPick={(type) => add(type, object.fields.length)} />
        </div>
      </Col>
      <Col xs={24} md={10}>
        <Card
          size="small"
          title={`${label(object.label, object.name)} · ${t('designer.fields')}`}
          extra={
            <Button size="small" icon={<FormOutlined />} onClick={() => navigate(`/t/${designer.tenant}/design/forms/${object.name}`)}>
              {t('designer.form')}
            </Button>
          }
        >
          <div
            ref={(el) => void drop(el)}
            data-testid="object-canvas"
            className={over ? 'tg-drop-active' : undefined}
            style={{ minHeight: 320, padding: 4, borderRadius: 6 }}
          >
            {fields.map((f) => (
              <FieldRow
                key={f.name}
                field={f}
                index={object.fields.indexOf(f)}
                selected={f.name === selected}
                onSelect={() => setSelected(f.name)}
                onDropAt={dropAt}
              />
            ))}
            <div style={{ border: '1px dashed #bbb', borderRadius: 6, padding: 16, textAlign: 'center', color: '#999' }}>{t('designer.dropHere')}</div>
          </div>
        </Card>
        <PoolSettings
          object={object as ObjectInput}
          onChange={(next) => designer.execute(commands['object.update'](object.name, { publicPool: object.publicPool }, { publicPool: next }))}
        />
      </Col>
      <Col xs={24} md={8}>
        <div className="tg-sticky">
          <PropertyPanel
            tenant={designer.tenant}
            object={object as ObjectInput}
            objects={designer.doc.objects}
            field={field}
            onChange={(after) => {
              if (!field) return;
              designer.execute(commands['field.update'](object.name, field, after));
              setSelected(after.name);
            }}
            onDuplicateRules={(rules) =>
              designer.execute(commands['object.update'](object.name, { duplicateRules: object.duplicateRules }, { duplicateRules: rules }))
            }
            onRemove={() => {
              if (!field) return;
              const remove = commands['field.remove'](object.name, field, object.fields.indexOf(field));
              if (duplicateRuleOf(object as ObjectInput, field)) {
                // The field's duplicate rule goes with it, in one undo step.
                const rules = withDuplicateMatch(object as ObjectInput, field, undefined);
                const after = commands['object.update'](object.name, {}, { duplicateRules: rules }).execute(remove.execute(designer.doc));
                designer.execute(commands['doc.replace'](designer.doc, after));
              } else designer.execute(remove);
              setSelected(undefined);
            }}
          />
          <Space style={{ marginTop: 12 }}>
            <Button type="primary" onClick={() => navigate(`/t/${designer.tenant}/design/publish`)}>
              {t('designer.publish')}
            </Button>
          </Space>
        </div>
      </Col>
    </Row>
  );
}
