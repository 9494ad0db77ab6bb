import { Input } from 'antd';
import type { DisplayProps, EditorProps, Widget } from './widget';

type Kind = 'email' | 'tel' | 'url';

const hrefs: Record<Kind, (v: string) => string> = {
  email: (v) => `mailto:${v}`,
  tel: (v) => `tel:${v}`,
  url: (v) => (/^https?:\/\//i.test(v) ? v : `https://${v}`),
};

function LinkEditor({ kind, ...p }: EditorProps & { kind: Kind }) {
  return (
    <Input
      id={p.id}
      type={kind}
      inputMode={kind}
      value={(p.value as string | null) ?? ''}
      onChange={(e) => p.onChange?.(e.target.value === '' ? null : e.target.value)}
      disabled={p.disabled}
    />
  );
}

function LinkDisplay({ kind, value }: DisplayProps & { kind: Kind }) {
  if (typeof value !== 'string' || value === '') return null;
  const target = kind === 'url' ? { target: '_blank', rel: 'noreferrer noopener' } : {};
  return (
    <a href={hrefs[kind](value)} {...target} onClick={(e) => e.stopPropagation()}>
      {value}
    </a>
  );
}

/** Email address, shown as a mailto link. */
export const emailInput: Widget = {
  id: 'email-input',
  types: ['email'],
  Editor: (p) => <LinkEditor kind="email" {...p} />,
  Display: (p) => <LinkDisplay kind="email" {...p} />,
};
/** Phone number, shown as a tel link. */
export const phoneInput: Widget = {
  id: 'phone-input',
  types: ['phone'],
  Editor: (p) => <LinkEditor kind="tel" {...p} />,
  Display: (p) => <LinkDisplay kind="tel" {...p} />,
};
/** Web address, opened in a new tab. */
export const urlInput: Widget = {
  id: 'url-input',
  types: ['url'],
  Editor: (p) => <LinkEditor kind="url" {...p} />,
  Display: (p) => <LinkDisplay kind="url" {...p} />,
};
