import { AppstoreAddOutlined, CheckCircleFilled, DownloadOutlined, ExclamationCircleOutlined } from '@ant-design/icons';
import type { LocaleText, ResolvedApp } from '@tangram/metadata';
import { Alert, App, Button, Card, Checkbox, Col, Empty, Modal, Progress, Row, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { ApiError, describeError } from '../api/http';
import { useMetadata } from '../api/metadata';
import type { MessageKey } from '../i18n/dictionary';
import {
  type Conflict,
  exportTemplate,
  type InstallProgress,
  type InstallResult,
  type MarketPackage,
  useInstalled,
  useInstallTemplate,
  useMarket,
} from '../api/templates';
import { useI18n } from '../i18n/i18n';
import { AdminOnly } from './admin-only';
import { ErrorBox, Loading } from '../runtime/loading';
import { useIsTenantAdmin, useTenant } from '../runtime/tenant-shell';

/** -1, 0 or 1 as semver `a` is lower, equal or higher than `b` (pre-release tags ignored). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('-')[0]?.split('.').map(Number) ?? [];
  const pb = b.split('-')[0]?.split('.').map(Number) ?? [];
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return Math.sign(d);
  }
  return 0;
}

/** How far an install is, as a percentage: planning and publishing first, then sample records. */
function percentOf(p: InstallProgress | null, withData: boolean): number {
  if (!p) return 5;
  if (p.phase === 'publish') return withData ? 25 : 60;
  return 30 + Math.round((70 * p.done) / Math.max(1, p.total));
}

const partNames: Record<string, MessageKey> = {
  objects: 'market.part.object',
  fields: 'market.part.field',
  options: 'market.part.option',
  forms: 'market.part.form',
  views: 'market.part.view',
  menu: 'market.part.menu',
  roles: 'market.part.role',
  label: 'market.part.label',
  pluralLabel: 'market.part.label',
  description: 'market.part.description',
  duplicateRules: 'market.part.duplicateRule',
  validationRules: 'market.part.validationRule',
  match: 'market.part.match',
};

/**
 * A conflict's place in words: `/objects[note]/fields[title]/label/zh-CN` → 对象「便签」› 字段「标题」› 名称 (zh-CN),
 * with labels from the tenant's metadata where it has them.
 */
export function describeConflictPath(
  path: string,
  app: ResolvedApp | undefined,
  t: (k: MessageKey, p?: Record<string, string | number>) => string,
  label: (l: LocaleText | string | undefined, fallback?: string) => string,
): string {
  const parts: string[] = [];
  let object: ResolvedApp['objects'][number] | undefined;
  for (const seg of path.split('/').filter(Boolean)) {
    const m = seg.match(/^([A-Za-z]+)(?:\[(.+)\])?$/);
    const [kind, key] = m ? [m[1] as string, m[2]] : [seg, undefined];
    let name = key;
    if (kind === 'objects' && key) {
      object = app?.objects.find((o) => o.name === key || o.id === key);
      name = object ? label(object.label, key) : key;
    } else if (kind === 'fields' && key && object) {
      const f = object.fields.find((x) => x.name === key || x.id === key);
      name = f ? label(f.label, key) : key;
    }
    // A language under a label: 名称（zh-CN）.
    if (/^[a-z]{2}(-[A-Z]{2})?$/.test(seg) && parts.length > 0) {
      parts[parts.length - 1] = `${parts[parts.length - 1]}（${seg}）`;
      continue;
    }
    const known = partNames[kind];
    if (known && name) parts.push(`${t(known)}「${name}」`);
    else if (known) parts.push(t(known));
    else parts.push(name ? `${kind}「${name}」` : kind);
  }
  return parts.join(' › ') || '/';
}

const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

type Step =
  | { kind: 'confirm' }
  | { kind: 'running'; progress: InstallProgress | null }
  | { kind: 'conflict'; conflicts: Conflict[] }
  | { kind: 'done'; result: InstallResult };

function InstallModal({ pkg, upgradeFrom, onClose }: { pkg: MarketPackage; upgradeFrom: string | null; onClose(): void }) {
  const tenant = useTenant();
  const { t, label } = useI18n();
  const install = useInstallTemplate(tenant);
  const metadata = useMetadata(tenant).data?.metadata;
  const [sampleData, setSampleData] = useState(upgradeFrom === null && pkg.sampleRecords > 0);
  const [step, setStep] = useState<Step>({ kind: 'confirm' });
  const [error, setError] = useState<string | null>(null);

  async function run(onConflict?: 'keep-mine' | 'take-theirs') {
    setError(null);
    setStep({ kind: 'running', progress: null });
    try {
      const result = await install.mutateAsync({
        body: { name: pkg.name, sampleData, onConflict },
        onProgress: (progress) => setStep({ kind: 'running', progress }),
      });
      setStep({ kind: 'done', result });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'TEMPLATE_CONFLICT') {
        setStep({ kind: 'conflict', conflicts: (e.details.conflicts as Conflict[] | undefined) ?? [] });
        return;
      }
      setError(describeError(e));
      setStep({ kind: 'confirm' });
    }
  }

  const running = step.kind === 'running';
  const title = `${upgradeFrom ? t('market.upgrade') : t('market.install')} ${label(pkg.label, pkg.name)} ${pkg.version}`;
  const footer =
    step.kind === 'confirm'
      ? [
          <Button key="cancel" onClick={onClose}>
            {t('common.cancel')}
          </Button>,
          <Button key="ok" type="primary" onClick={() => run()}>
            {upgradeFrom ? t('market.upgrade') : t('market.install')}
          </Button>,
        ]
      : step.kind === 'conflict'
        ? [
            <Button key="cancel" onClick={onClose}>
              {t('common.cancel')}
            </Button>,
            <Button key="mine" onClick={() => run('keep-mine')}>
              {t('market.keepMine')}
            </Button>,
            <Button key="theirs" type="primary" danger onClick={() => run('take-theirs')}>
              {t('market.takeTheirs')}
            </Button>,
          ]
        : step.kind === 'done'
          ? [
              <Button key="close" type="primary" onClick={onClose}>
                {t('common.close')}
              </Button>,
            ]
          : [];
  return (
    <Modal
      open
      title={title}
      onCancel={running ? undefined : onClose}
      closable={!running}
      maskClosable={false}
      footer={footer}
      width={step.kind === 'conflict' ? 900 : 520}
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} role="alert" />}
      {step.kind === 'confirm' && (
        <Space direction="vertical">
          <Typography.Paragraph>
            {upgradeFrom ? t('market.upgradeExplain', { from: upgradeFrom, to: pkg.version }) : t('market.installExplain')}
          </Typography.Paragraph>
          {pkg.sampleRecords > 0 && (
            <Checkbox checked={sampleData} onChange={(e) => setSampleData(e.target.checked)}>
              {t('market.withSampleData', { n: pkg.sampleRecords })}
            </Checkbox>
          )}
        </Space>
      )}
      {running && (
        <div data-testid="install-progress">
          <Progress percent={percentOf(step.progress, sampleData)} status="active" />
          <Typography.Text type="secondary">
            {!step.progress
              ? t('market.planning')
              : step.progress.phase === 'publish'
                ? t('market.publishing')
                : t('market.loadingData', { done: step.progress.done, total: step.progress.total })}
          </Typography.Text>
        </div>
      )}
      {step.kind === 'conflict' && (
        <>
          <Alert
            type="warning"
            showIcon
            icon={<ExclamationCircleOutlined />}
            message={t('market.conflicts', { n: step.conflicts.length })}
            style={{ marginBottom: 12 }}
          />
          <Table<Conflict>
            size="small"
            rowKey="path"
            data-testid="template-conflicts"
            pagination={{ pageSize: 8 }}
            dataSource={step.conflicts}
            columns={[
              {
                key: 'path',
                title: t('market.conflictPath'),
                dataIndex: 'path',
                render: (p: string) => (
                  <Tooltip title={p}>
                    <span>{describeConflictPath(p, metadata, t, label)}</span>
                  </Tooltip>
                ),
              },
              { key: 'base', title: t('market.conflictBase'), render: (_, c) => show(c.base) },
              { key: 'yours', title: t('market.conflictYours'), render: (_, c) => show(c.yours) },
              { key: 'template', title: t('market.conflictTemplate'), render: (_, c) => show(c.template) },
            ]}
          />
        </>
      )}
      {step.kind === 'done' && (
        <Alert
          type="success"
          showIcon
          data-testid="install-done"
          message={
            step.result.installed.length
              ? t('market.installed', { list: step.result.installed.map((p) => `${p.name} ${p.version}`).join('、') })
              : t('market.nothingToDo')
          }
          description={step.result.records ? t('market.recordsLoaded', { n: step.result.records }) : undefined}
        />
      )}
    </Modal>
  );
}

/** The app market: the packages this server offers, what the tenant has installed, install, upgrade and export. */
export default function MarketPage() {
  const tenant = useTenant();
  if (!useIsTenantAdmin(tenant)) return <AdminOnly />;
  return <MarketPageBody tenant={tenant} />;
}

function MarketPageBody({ tenant }: { tenant: string }) {
  const { t, label } = useI18n();
  const { message } = App.useApp();
  const market = useMarket();
  const installed = useInstalled(tenant);
  // The package being installed, with the version installed when the dialog opened.
  const [installing, setInstalling] = useState<{ pkg: MarketPackage; from: string | null } | null>(null);
  if (market.isLoading || installed.isLoading) return <Loading />;
  if ((market.error && !market.data) || (installed.error && !installed.data)) return <ErrorBox error={market.error ?? installed.error} />;
  const have = new Map((installed.data?.installed ?? []).map((p) => [p.name, p.version]));
  const packages = market.data?.templates ?? [];
  return (
    <div>
      <Typography.Title level={3}>{t('market.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('market.intro')}</Typography.Paragraph>
      {packages.length === 0 ? (
        <Empty />
      ) : (
        <Row gutter={[16, 16]}>
          {packages.map((p) => {
            const current = have.get(p.name) ?? null;
            const upgrade = current !== null && compareVersions(p.version, current) > 0;
            return (
              <Col xs={24} md={12} xl={8} key={p.name}>
                <Card
                  data-testid={`package-${p.name}`}
                  title={
                    <Space>
                      <AppstoreAddOutlined />
                      {label(p.label, p.name)}
                    </Space>
                  }
                  extra={
                    current === null ? (
                      <Tag>{t('market.notInstalled')}</Tag>
                    ) : upgrade ? (
                      <Tag color="orange">{t('market.upgradable', { from: current, to: p.version })}</Tag>
                    ) : (
                      <Tag color="green" icon={<CheckCircleFilled />}>
                        {t('market.installedTag', { version: current })}
                      </Tag>
                    )
                  }
                  actions={[
                    current === null || upgrade ? (
                      <Button
                        key="install"
                        type="link"
                        onClick={() => setInstalling({ pkg: p, from: current })}
                        aria-label={`${upgrade ? t('market.upgrade') : t('market.install')} ${label(p.label, p.name)}`}
                      >
                        {upgrade ? t('market.upgrade') : t('market.install')}
                      </Button>
                    ) : (
                      <Button key="reinstall" type="link" disabled>
                        {t('market.upToDate')}
                      </Button>
                    ),
                    <Button
                      key="export"
                      type="link"
                      icon={<DownloadOutlined />}
                      disabled={current === null}
                      aria-label={`${t('market.export')} ${label(p.label, p.name)}`}
                      onClick={() => exportTemplate(tenant, p.name).catch((e) => message.error(describeError(e)))}
                    >
                      {t('market.export')}
                    </Button>,
                  ]}
                >
                  <Typography.Paragraph ellipsis={{ rows: 3 }} style={{ minHeight: 66 }}>
                    {p.description ? label(p.description) : ''}
                  </Typography.Paragraph>
                  <Space wrap size={[4, 4]}>
                    <Tag>
                      {p.name} {p.version}
                    </Tag>
                    <Tag>{t('market.objects', { n: p.objects })}</Tag>
                    {p.sampleRecords > 0 && <Tag>{t('market.sampleRecords', { n: p.sampleRecords })}</Tag>}
                    {Object.entries(p.dependencies).map(([d, range]) => (
                      <Tag key={d} color="blue">
                        {t('market.dependsOn', { name: d, range })}
                      </Tag>
                    ))}
                  </Space>
                </Card>
              </Col>
            );
          })}
        </Row>
      )}
      {installing && <InstallModal pkg={installing.pkg} upgradeFrom={installing.from} onClose={() => setInstalling(null)} />}
    </div>
  );
}
