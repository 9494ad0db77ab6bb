import { fieldTypes } from '@tangram/fields';
import type { Field, FieldTypeName } from '@tangram/metadata';
import { datePicker, datetimePicker } from './date-pickers';
import { fileUpload } from './file-upload';
import { emailInput, phoneInput, urlInput } from './link-inputs';
import { currencyInput, integerInput, numberDisplay, numberInput, percentInput } from './number-inputs';
import { departmentPicker, userPicker } from './people-pickers';
import { formulaDisplay, jsonEditor, textDisplay } from './read-only';
import { recordMultiPicker, recordPicker } from './record-pickers';
import { multiSelect, selectWidget } from './select';
import { switchWidget } from './switch';
import { textInput } from './text-input';
import { richText, textarea } from './textarea';
import type { DisplayProps, EditorProps, Widget } from './widget';

/** The widget of every field type. A missing entry fails to compile; a test checks it against @tangram/fields. */
export const widgets = {
  text: textInput,
  textarea,
  richtext: richText,
  integer: integerInput,
  decimal: numberInput,
  currency: currencyInput,
  percent: percentInput,
  boolean: switchWidget,
  date: datePicker,
  datetime: datetimePicker,
  select: selectWidget,
  multiselect: multiSelect,
  email: emailInput,
  phone: phoneInput,
  url: urlInput,
  autonumber: textDisplay,
  lookup: recordPicker,
  masterdetail: recordPicker,
  manytomany: recordMultiPicker,
  user: userPicker,
  department: departmentPicker,
  attachment: fileUpload,
  formula: formulaDisplay,
  rollup: numberDisplay,
  json: jsonEditor,
} satisfies Record<FieldTypeName, Widget>;

/** The widget of a field's type: how it is edited, shown, laid out and filtered. */
export function widgetOf(field: Pick<Field, 'type'>): Widget {
  return widgets[field.type];
}

/** The server computes the field's values (auto-number, formula, rollup); its editor is read-only. */
export function isComputed(field: Pick<Field, 'type'>): boolean {
  return fieldTypes[field.type].computed !== undefined;
}

/** Edits a field's value with its type's widget (antd's Form.Item passes id, value, onChange). */
export function FieldEditor(props: EditorProps) {
  const { Editor } = widgets[props.field.type];
  return <Editor {...props} />;
}

/** Shows a field's value with its type's widget. */
export function FieldDisplay(props: DisplayProps) {
  const { Display } = widgets[props.field.type];
  return <Display {...props} />;
}
