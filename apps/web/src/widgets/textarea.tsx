import { Input, Typography } from 'antd';
import { type DisplayProps, type EditorProps, type Widget, asType } from './widget';

function Editor({ id, value, onChange, disabled }: EditorProps) {
  return (
    <Input.TextArea
      id={id}
      autoSize={{ minRows: 3, maxRows: 12 }}
      value={(value as string | null) ?? ''}
      onChange={(e) => onChange?.(e.target.value === '' ? null : e.target.value)}
      disabled={disabled}
    />
  );
}

function Display({ value }: DisplayProps) {
  return (
    <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }} ellipsis={{ rows: 4, expandable: true }}>
      {value == null ? '' : String(value)}
    </Typography.Paragraph>
  );
}

/** Multi-line text. */
export const textarea: Widget = { id: 'textarea', types: ['textarea'], Editor, Display, block: true, columnWidth: 260, filterAs: (f) => asType(f, 'text') };

/** Rich text is edited as its markup and shown as plain text (markup is never injected into the page). */
export const richText: Widget = {
  block: true,
  columnWidth: 260,
  listColumn: false,
  filterAs: (f) => asType(f, 'text'),
  id: 'rich-text',
  types: ['richtext'],
  Editor,
  Display: ({ value, ...rest }: DisplayProps) => <Display {...rest} value={typeof value === 'string' ? value.replace(/<[^>]*>/g, ' ') : value} />,
};
