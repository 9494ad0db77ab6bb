import { Input, Typography } from 'antd';
import { useState } from 'react';
import { useI18n } from '../i18n/i18n';
import { formatNumber } from './number-inputs';
import { type DisplayProps, type EditorProps, type Widget, asType } from './widget';

function Text({ value }: DisplayProps) {
  return <Typography.Text>{value == null ? '' : String(value)}</Typography.Text>;
}

/** A computed value where an editor would be: shown, labelled, never typed. */
function ReadOnly({ id, show: Show, ...p }: EditorProps & { show: Widget['Display'] }) {
  return (
    <output id={id} style={{ display: 'block', minHeight: 32, paddingTop: 5 }}>
      <Show field={p.field} tenant={p.tenant} value={p.value} />
    </output>
  );
}

/** Computed text (auto-numbers): assigned by the server, never typed. */
export const textDisplay: Widget = {
  id: 'text-display',
  types: ['autonumber'],
  Editor: (p) => <ReadOnly {...p} show={Text} />,
  Display: Text,
  filterAs: (f) => asType(f, 'text'),
};

function FormulaValue(p: DisplayProps) {
  const { t } = useI18n();
  if (p.value == null) return null;
  switch (p.field.options.resultType) {
    case 'number':
      return <span>{formatNumber(p.value, p.field)}</span>;
    case 'boolean':
      return <span>{p.value ? t('common.yes') : t('common.no')}</span>;
    default:
      return <Text {...p} />;
  }
}

/** A formula's stored result, shown by its result type. */
export const formulaDisplay: Widget = {
  id: 'formula-display',
  types: ['formula'],
  Editor: (p) => <ReadOnly {...p} show={FormulaValue} />,
  Display: FormulaValue,
  filterAs: (f) => {
    const r = f.options.resultType;
    return asType(f, r === 'number' ? 'decimal' : r === 'date' ? 'date' : r === 'boolean' ? 'boolean' : 'text');
  },
};

function JsonEditor({ id, value, onChange, disabled }: EditorProps) {
  const [text, setText] = useState(() => (value == null ? '' : JSON.stringify(value, null, 2)));
  const [invalid, setInvalid] = useState(false);
  return (
    <Input.TextArea
      id={id}
      status={invalid ? 'error' : undefined}
      autoSize={{ minRows: 3, maxRows: 14 }}
      style={{ fontFamily: 'monospace' }}
      value={text}
      disabled={disabled}
      onChange={(e) => {
        setText(e.target.value);
        if (e.target.value.trim() === '') {
          setInvalid(false);
          onChange?.(null);
          return;
        }
        try {
          onChange?.(JSON.parse(e.target.value));
          setInvalid(false);
        } catch {
          setInvalid(true);
        }
      }}
    />
  );
}

/** Any JSON value; the text is kept while it does not parse, so nothing typed is lost. */
export const jsonEditor: Widget = {
  id: 'json-editor',
  types: ['json'],
  block: true,
  Editor: JsonEditor,
  Display: ({ value }) => (value == null ? null : <code style={{ whiteSpace: 'pre-wrap' }}>{JSON.stringify(value)}</code>),
};
