import { MailOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, InputNumber, Popconfirm, Space, Switch, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { ApiError, describeError } from '../api/http';
import { type MailSettingsAnswer, mailQueries, type SentMail, useDeleteMailSettings, useSaveMailSettings, useSendTestMail } from '../api/mail';
import { useI18n } from '../i18n/i18n';
import { useIsTenantAdmin, useTenant } from '../runtime/tenant-shell';
import { AdminOnly } from './admin-only';

type SettingsForm = { host: string; port: number; secure: boolean; user?: string; password?: string; from: string };
const fields = ['host', 'port', 'secure', 'user', 'password', 'from'] as const;

type Translate = ReturnType<typeof useI18n>['t'];

/** Where the server reported the problem — a settings field (`/port`), or the host for an outbound refusal — said in the user's language. */
function fieldOf(e: ApiError, t: Translate): { field: (typeof fields)[number]; message: string }[] {
  if (e.code === 'OUTBOUND_ADDRESS_REFUSED') return [{ field: 'host', message: t('mail.hostRefused') }];
  if (e.code.startsWith('OUTBOUND_')) return [{ field: 'host', message: e.message }];
  const said: Partial<Record<(typeof fields)[number], string>> = { from: t('mail.fromInvalid'), host: t('mail.hostInvalid'), port: t('mail.portInvalid') };
  return e.problems.flatMap((p) => {
    const name = (p.field ?? p.path?.replace(/^\//, '')) as (typeof fields)[number];
    return fields.includes(name) ? [{ field: name, message: said[name] ?? p.message }] : [];
  });
}

/** The tenant's SMTP settings: where its automations' and notifications' e-mail goes (tenant admins). */
export default function MailPage() {
  const tenant = useTenant();
  if (!useIsTenantAdmin(tenant)) return <AdminOnly />;
  return <MailPageBody tenant={tenant} />;
}

function Transport({ answer }: { answer: MailSettingsAnswer }) {
  const { t } = useI18n();
  const text = { smtp: t('mail.transportSmtp'), dev: t('mail.transportDev'), none: t('mail.transportNone') }[answer.transport];
  return <Alert data-testid="mail-transport" type={answer.transport === 'none' ? 'warning' : 'info'} showIcon message={text} style={{ marginBottom: 16 }} />;
}

function MailPageBody({ tenant }: { tenant: string }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const answer = useQuery(mailQueries.settings(tenant));
  const save = useSaveMailSettings(tenant);
  const remove = useDeleteMailSettings(tenant);
  const [form] = Form.useForm<SettingsForm>();
  const [clearPassword, setClearPassword] = useState(false);
  const settings = answer.data?.settings ?? null;

  useEffect(() => {
    if (answer.data)
      form.setFieldsValue(
        settings
          ? { host: settings.host, port: settings.port, secure: settings.secure, user: settings.user ?? '', password: '', from: settings.from }
          : { host: '', port: 465, secure: true, user: '', password: '', from: '' },
      );
  }, [answer.data, settings, form]);

  async function submit(v: SettingsForm) {
    try {
      // An empty password keeps the stored one; "remove" sends null.
      const password = clearPassword ? null : v.password ? v.password : undefined;
      await save.mutateAsync({
        host: v.host.trim(),
        port: v.port,
        secure: v.secure,
        user: v.user?.trim() ? v.user.trim() : null,
        from: v.from.trim(),
        ...(password !== undefined ? { password } : {}),
      });
      setClearPassword(false);
      message.success(t('mail.saved'));
    } catch (e) {
      const placed = e instanceof ApiError ? fieldOf(e, t) : [];
      if (placed.length) form.setFields(placed.map((p) => ({ name: p.field, errors: [p.message] })));
      else message.error(describeError(e));
    }
  }

  return (
    <div style={{ maxWidth: 720 }}>
      <Typography.Title level={3}>
        <MailOutlined /> {t('mail.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('mail.intro')}</Typography.Paragraph>
      {answer.error && <Alert type="error" showIcon message={describeError(answer.error)} style={{ marginBottom: 16 }} />}
      {answer.data && <Transport answer={answer.data} />}
      <Card title={t('mail.server')} style={{ marginBottom: 16 }}>
        <Form<SettingsForm> form={form} layout="vertical" onFinish={submit} disabled={!answer.data} requiredMark>
          <Space.Compact block>
            <Form.Item name="host" label={t('mail.host')} rules={[{ required: true, message: t('mail.required') }]} style={{ flex: 1 }}>
              <Input placeholder="smtp.exmail.qq.com" autoComplete="off" />
            </Form.Item>
            <Form.Item name="port" label={t('mail.port')} rules={[{ required: true, message: t('mail.required') }]} style={{ width: 140 }}>
              <InputNumber min={1} max={65535} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Space.Compact>
          <Form.Item name="secure" label={t('mail.secure')} valuePropName="checked" extra={t('mail.secureHint')}>
            <Switch />
          </Form.Item>
          <Form.Item name="user" label={t('mail.user')}>
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('mail.password')}
            extra={settings?.hasPassword ? (clearPassword ? t('mail.passwordWillClear') : t('mail.passwordKept')) : undefined}
          >
            <Input.Password autoComplete="new-password" disabled={clearPassword} placeholder={settings?.hasPassword ? '••••••••' : undefined} />
          </Form.Item>
          {settings?.hasPassword && (
            <Button size="small" style={{ marginTop: -12, marginBottom: 16 }} onClick={() => setClearPassword((x) => !x)}>
              {clearPassword ? t('mail.keepPassword') : t('mail.clearPassword')}
            </Button>
          )}
          <Form.Item name="from" label={t('mail.from')} rules={[{ required: true, message: t('mail.required') }]} extra={t('mail.fromHint')}>
            <Input placeholder="销售部 <sales@example.com>" />
          </Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" loading={save.isPending}>
              {t('mail.save')}
            </Button>
            {settings && (
              <Popconfirm
                title={t('mail.removeConfirm')}
                onConfirm={() =>
                  remove.mutateAsync().then(
                    () => message.success(t('mail.removed')),
                    (e) => message.error(describeError(e)),
                  )
                }
              >
                <Button danger>{t('mail.remove')}</Button>
              </Popconfirm>
            )}
          </Space>
        </Form>
      </Card>
      <TestMail tenant={tenant} disabled={answer.data?.transport === 'none'} />
    </div>
  );
}

function TestMail({ tenant, disabled }: { tenant: string; disabled: boolean }) {
  const { t } = useI18n();
  const send = useSendTestMail(tenant);
  const [to, setTo] = useState('');
  const [sent, setSent] = useState<SentMail | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function go() {
    setSent(null);
    setError(null);
    try {
      setSent(await send.mutateAsync(to.trim()));
    } catch (e) {
      setError(describeError(e));
    }
  }
  return (
    <Card title={t('mail.test')}>
      <Space.Compact style={{ width: '100%', marginBottom: 12 }}>
        <Input aria-label={t('mail.testTo')} placeholder={t('mail.testTo')} value={to} onChange={(e) => setTo(e.target.value)} onPressEnter={go} />
        <Button type="primary" onClick={go} loading={send.isPending} disabled={disabled || !to.trim()}>
          {t('mail.testSend')}
        </Button>
      </Space.Compact>
      {sent && (
        <Alert
          data-testid="mail-test-result"
          type="success"
          showIcon
          message={sent.via === 'dev' ? t('mail.testSentDev', { to: sent.to }) : t('mail.testSentSmtp', { to: sent.to })}
        />
      )}
      {error && <Alert data-testid="mail-test-result" type="error" showIcon message={t('mail.testFailed')} description={error} />}
    </Card>
  );
}
