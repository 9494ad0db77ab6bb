import { Input, Typography } from 'antd';
import type { DisplayProps, EditorProps, Widget } from './widget';

function Editor({ id, value, onChange, disabled, field }: EditorProps) {
  const max = typeof field.options.maxLength === 'number' ? field.options.maxLength : undefined;
  return (
    <Input
      id={id}
      value={(value as string | null) ?? ''}
      onChange={(e) => onChange?.(e.target.value === '' ? null : e.target.value)}
      disabled={disabled}
      maxLength={max}
    />
  );
}

function Display({ value }: DisplayProps) {
  return <Typography.Text>{value == null ? '' : String(value)}</Typography.Text>;
}

/** Single-line text. */
export const textInput: Widget = { id: 'text-input', types: ['text'], Editor, Display };
