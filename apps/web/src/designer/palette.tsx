import { fieldTypes } from '@tangram/fields';
import type { FieldTypeName } from '@tangram/metadata';
import { Card, Typography } from 'antd';
import { useDrag } from 'react-dnd';
import { useI18n } from '../i18n/i18n';
import { paletteTypes } from './field-defaults';

export const paletteItem = 'palette-type';
export interface PaletteDrag {
  fieldType: FieldTypeName;
}

function PaletteEntry({ type, onPick }: { type: FieldTypeName; onPick(type: FieldTypeName): void }) {
  const { label } = useI18n();
  const [{ dragging }, drag] = useDrag(
    () => ({ type: paletteItem, item: { fieldType: type } satisfies PaletteDrag, collect: (m) => ({ dragging: m.isDragging() }) }),
    [type],
  );
  return (
    <button
      ref={(el) => void drag(el)}
      type="button"
      data-testid={`palette-${type}`}
      title={type}
      onClick={() => onPick(type)}
      style={{
        opacity: dragging ? 0.4 : 1,
        cursor: 'grab',
        border: '1px solid #d9d9d9',
        borderRadius: 6,
        background: '#fff',
        padding: '6px 8px',
        textAlign: 'left',
        fontSize: 13,
      }}
    >
      {label(fieldTypes[type].label, type)}
    </button>
  );
}

/** The field types, dragged onto the object (or clicked / Enter to add at the end, for the keyboard). */
export function Palette({ onPick }: { onPick(type: FieldTypeName): void }) {
  const { t } = useI18n();
  return (
    <Card size="small" title={t('designer.palette')} styles={{ body: { padding: 8 } }}>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('designer.paletteHint')}
      </Typography.Paragraph>
      <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 6 }}>
        {paletteTypes.map((type) => (
          <PaletteEntry key={type} type={type} onPick={onPick} />
        ))}
      </div>
    </Card>
  );
}
