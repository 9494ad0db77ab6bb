import {
  AppstoreOutlined,
  ArrowDownOutlined,
  ArrowUpOutlined,
  DeleteOutlined,
  FolderOutlined,
  HolderOutlined,
  LinkOutlined,
  PlusOutlined,
  TableOutlined,
} from '@ant-design/icons';
import type { LocaleText, MenuItemInput } from '@tangram/metadata';
import { Alert, Button, Card, Col, Empty, Form, Input, Row, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useDrag, useDrop } from 'react-dnd';
import { layoutObjectName } from '../api/metadata';
import { useI18n } from '../i18n/i18n';
import { commands } from './designer-core';
import {
  findMenuItem,
  flatMenu,
  freeMenuId,
  insertMenuItem,
  type MenuPlace,
  menuKind,
  moveMenuItem,
  removeMenuItem,
  shiftMenuItem,
  updateMenuItem,
} from './menu-tree';
import { useDesigner } from './use-designer';
import { menuOf, viewsOf } from './view-designer';

const menuEntry = 'menu-entry';
const asLocale = (l: LocaleText | string | undefined): LocaleText => (typeof l === 'string' ? { 'zh-CN': l } : (l ?? {}));
/** The label with one language set (or cleared); undefined when no language is left (an object entry then shows the object's name). */
function withLang(l: LocaleText, lang: string, v: string): LocaleText | undefined {
  const next: LocaleText = { ...l };
  if (v) next[lang] = v;
  else delete next[lang];
  return Object.keys(next).length > 0 ? next : undefined;
}
const kindIcon = { group: <FolderOutlined />, object: <TableOutlined />, url: <LinkOutlined /> };

/** Commits on blur or Enter (one undo step per edit); follows outside changes (undo). */
function CommitInput({ id, value, onCommit, placeholder }: { id: string; value: string; onCommit(v: string): void; placeholder?: string }) {
  const [text, setText] = useState(value);
  const [seen, setSeen] = useState(value);
  if (seen !== value) {
    setSeen(value);
    setText(value);
  }
  const commit = () => text !== value && onCommit(text);
  return <Input id={id} value={text} placeholder={placeholder} onChange={(e) => setText(e.target.value)} onBlur={commit} onPressEnter={commit} />;
}

/** The place a drop zone stands for: before an entry, or at the end of a group / the top level. */
function DropZone({ place, label, onDrop }: { place: MenuPlace; label?: string; onDrop(id: string, place: MenuPlace): void }) {
  const [{ over }, drop] = useDrop(
    () => ({ accept: menuEntry, drop: (item: { id: string }) => onDrop(item.id, place), collect: (m) => ({ over: m.isOver() }) }),
    [place, onDrop],
  );
  return (
    <div
      ref={(el) => void drop(el)}
      data-testid={place.parent ? `menu-drop-${place.parent}` : 'menu-drop-end'}
      className={over ? 'tg-drop-active' : undefined}
      style={{ border: '1px dashed #d9d9d9', borderRadius: 6, padding: '4px 8px', color: '#999', fontSize: 12, marginBottom: 4 }}
    >
      {label}
    </div>
  );
}

function EntryRow(p: {
  item: MenuItemInput;
  parent?: string;
  depth: number;
  selected?: string;
  onSelect(id: string): void;
  onDrop(id: string, place: MenuPlace): void;
  onShift(id: string, by: -1 | 1): void;
  title(item: MenuItemInput): string;
  detail(item: MenuItemInput): string;
}) {
  const { t } = useI18n();
  const { item } = p;
  const kind = menuKind(item);
  const [{ dragging }, drag] = useDrag(() => ({ type: menuEntry, item: { id: item.id }, collect: (m) => ({ dragging: m.isDragging() }) }), [item.id]);
  const [{ over }, drop] = useDrop(
    () => ({
      accept: menuEntry,
      drop: (dragged: { id: string }, m) => {
        if (!m.didDrop()) p.onDrop(dragged.id, { parent: p.parent, before: item.id });
      },
      collect: (m) => ({ over: m.isOver({ shallow: true }) && (m.getItem() as { id: string } | null)?.id !== item.id }),
    }),
    [item.id, p.parent, p.onDrop],
  );
  const title = p.title(item);
  return (
    <div style={{ marginLeft: p.depth * 24 }}>
      <div
        ref={(el) => void drag(drop(el))}
        data-testid="menu-entry"
        data-id={item.id}
        style={{
          display: 'flex',
          alignItems: 'center',
          gap: 8,
          padding: '2px 8px',
          marginBottom: 4,
          border: `1px solid ${p.selected === item.id ? '#1668dc' : '#e5e6eb'}`,
          borderTop: over ? '2px solid #1668dc' : undefined,
          borderRadius: 6,
          background: p.selected === item.id ? '#f0f6ff' : '#fff',
          opacity: dragging ? 0.4 : 1,
          cursor: 'grab',
        }}
      >
        <HolderOutlined style={{ color: '#999' }} />
        {kindIcon[kind]}
        <Button
          type="text"
          aria-pressed={p.selected === item.id}
          onClick={() => p.onSelect(item.id)}
          style={{ flex: 1, minWidth: 0, textAlign: 'left', justifyContent: 'flex-start', paddingInline: 4, overflow: 'hidden' }}
        >
          <span style={{ fontWeight: kind === 'group' ? 600 : 400 }}>{title}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12, marginLeft: 8 }}>
            {p.detail(item)}
          </Typography.Text>
        </Button>
        <Button
          size="small"
          type="text"
          aria-label={`${t('designer.moveUp')} ${title}`}
          icon={<ArrowUpOutlined />}
          onClick={(e) => {
            e.stopPropagation();
            p.onShift(item.id, -1);
          }}
        />
        <Button
          size="small"
          type="text"
          aria-label={`${t('designer.moveDown')} ${title}`}
          icon={<ArrowDownOutlined />}
          onClick={(e) => {
            e.stopPropagation();
            p.onShift(item.id, 1);
          }}
        />
      </div>
      {item.children && (
        <div style={{ marginLeft: 24 }}>
          {item.children.map((c) => (
            <EntryRow key={c.id} {...p} item={c} parent={item.id} depth={0} />
          ))}
          <DropZone place={{ parent: item.id }} label={t('designer.dropInto', { name: title })} onDrop={p.onDrop} />
        </div>
      )}
    </div>
  );
}

/** The app's navigation: groups, object entries (optionally with a view) and links, arranged by dragging. */
export function MenuDesigner() {
  const { t, label } = useI18n();
  const designer = useDesigner();
  const [selected, setSelected] = useState<string | undefined>();
  const menu = menuOf(designer.doc);
  const views = viewsOf(designer.doc);
  const objects = designer.doc.objects.filter((o) => o.name !== layoutObjectName && !o.archived);
  const objectOf = (name?: string) => designer.doc.objects.find((o) => o.name === name || o.id === name);
  const viewOf = (object?: string, view?: string) =>
    views.find((v) => (v.object === object || v.object === objectOf(object)?.id) && (v.name === view || v.id === view));
  const title = (m: MenuItemInput) => {
    const own = asLocale(m.label)['zh-CN'] ?? Object.values(asLocale(m.label))[0];
    if (own) return label(m.label, own);
    return m.object ? label(objectOf(m.object)?.label, m.object) : m.id;
  };
  const detail = (m: MenuItemInput) => {
    const kind = menuKind(m);
    if (kind === 'group') return `${t('designer.kindGroup')} · ${m.children?.length ?? 0}`;
    if (kind === 'url') return m.url ?? '';
    const v = m.view ? viewOf(m.object, m.view) : undefined;
    return `${label(objectOf(m.object)?.label, m.object ?? '')}${v ? ` · ${label(v.label, v.name)}` : ''}`;
  };
  const set = (next: MenuItemInput[]) => designer.execute(commands['doc.replace'](designer.doc, { ...designer.doc, menu: next }));
  const drop = (id: string, place: MenuPlace) => set(moveMenuItem(menu, id, place));
  const shift = (id: string, by: -1 | 1) => set(shiftMenuItem(menu, id, by));
  const current = selected ? findMenuItem(menu, selected) : undefined;
  /** New entries go into the selected group, or after the selected entry's group, else at the end. */
  const add = (item: Omit<MenuItemInput, 'id'>, base: string) => {
    const entry = { ...item, id: freeMenuId(menu, base) } as MenuItemInput;
    const into = current && menuKind(current) === 'group' ? current.id : undefined;
    set(insertMenuItem(menu, entry, { parent: into }));
    setSelected(entry.id);
  };
  const firstObject = objects[0];
  const update = (next: MenuItemInput) => {
    if (!current) return;
    set(updateMenuItem(menu, current.id, next));
  };
  const fromObjects = () => set(objects.map((o) => ({ id: freeMenuId([], o.name), object: o.name })));
  const objectViews = current?.object ? views.filter((v) => v.object === current.object || v.object === objectOf(current.object)?.id) : [];
  const currentLabel = asLocale(current?.label);
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={14}>
        <Card
          size="small"
          title={t('designer.menu')}
          extra={
            <Space wrap>
              <Button size="small" icon={<FolderOutlined />} onClick={() => add({ label: { 'zh-CN': t('designer.newGroup') }, children: [] }, 'group')}>
                {t('designer.addGroup')}
              </Button>
              <Button
                size="small"
                icon={<AppstoreOutlined />}
                disabled={!firstObject}
                onClick={() => firstObject && add({ object: firstObject.name }, firstObject.name)}
              >
                {t('designer.addEntry')}
              </Button>
              <Button size="small" icon={<LinkOutlined />} onClick={() => add({ label: { 'zh-CN': t('designer.newLink') }, url: 'https://' }, 'link')}>
                {t('designer.addLink')}
              </Button>
            </Space>
          }
        >
          <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
            {t('designer.menuHint')}
          </Typography.Paragraph>
          {menu.length === 0 && (
            <Alert
              type="info"
              showIcon
              message={t('designer.menuEmpty')}
              action={
                <Button size="small" icon={<PlusOutlined />} onClick={fromObjects} disabled={objects.length === 0}>
                  {t('designer.menuFromObjects')}
                </Button>
              }
              style={{ marginBottom: 8 }}
            />
          )}
          <div data-testid="menu-tree">
            {menu.map((m) => (
              <EntryRow key={m.id} item={m} depth={0} selected={selected} onSelect={setSelected} onDrop={drop} onShift={shift} title={title} detail={detail} />
            ))}
            <DropZone place={{}} label={t('designer.dropAtEnd')} onDrop={drop} />
          </div>
        </Card>
      </Col>
      <Col xs={24} lg={10}>
        <Card size="small" title={current ? title(current) : t('designer.properties')} data-testid="menu-panel">
          {!current ? (
            <Empty description={t('designer.noMenuSelection')} />
          ) : (
            <Form layout="vertical" component="div" key={current.id}>
              <Form.Item>
                <Space>
                  <Tag icon={kindIcon[menuKind(current)]}>
                    {t(menuKind(current) === 'group' ? 'designer.kindGroup' : menuKind(current) === 'url' ? 'designer.kindUrl' : 'designer.kindObject')}
                  </Tag>
                  <Typography.Text code>{current.id}</Typography.Text>
                </Space>
              </Form.Item>
              <Form.Item label={t('designer.menuLabel')} htmlFor="menu-label">
                <CommitInput
                  id="menu-label"
                  value={currentLabel['zh-CN'] ?? ''}
                  placeholder={current.object ? label(objectOf(current.object)?.label, current.object) : undefined}
                  onCommit={(v) => update({ ...current, label: withLang(currentLabel, 'zh-CN', v) })}
                />
              </Form.Item>
              <Form.Item label={t('designer.fieldLabelEn')} htmlFor="menu-label-en">
                <CommitInput
                  id="menu-label-en"
                  value={currentLabel.en ?? ''}
                  onCommit={(v) => update({ ...current, label: withLang(currentLabel, 'en', v) })}
                />
              </Form.Item>
              {menuKind(current) === 'object' && (
                <>
                  <Form.Item label={t('designer.menuObject')} htmlFor="menu-object">
                    <Select
                      id="menu-object"
                      showSearch
                      optionFilterProp="label"
                      value={current.object}
                      options={objects.map((o) => ({ value: o.name, label: label(o.label, o.name) }))}
                      onChange={(object: string) => {
                        const { view: _view, ...rest } = current;
                        update({ ...rest, object });
                      }}
                    />
                  </Form.Item>
                  <Form.Item label={t('designer.menuView')} htmlFor="menu-view">
                    <Select
                      id="menu-view"
                      value={current.view ?? ''}
                      options={[
                        { value: '', label: t('designer.allRecords') },
                        ...objectViews.map((v) => ({ value: v.id ?? v.name, label: label(v.label, v.name) })),
                      ]}
                      onChange={(view: string) => {
                        const { view: _view, ...rest } = current;
                        update(view ? { ...rest, view } : rest);
                      }}
                    />
                  </Form.Item>
                </>
              )}
              {menuKind(current) === 'url' && (
                <Form.Item label={t('designer.menuUrl')} htmlFor="menu-url">
                  <CommitInput id="menu-url" value={current.url ?? ''} onCommit={(url) => update({ ...current, url })} />
                </Form.Item>
              )}
              <Button
                danger
                icon={<DeleteOutlined />}
                onClick={() => {
                  set(removeMenuItem(menu, current.id).items);
                  setSelected(undefined);
                }}
              >
                {t('common.delete')}
                {current.children?.length ? ` (${flatMenu(current.children).length + 1})` : ''}
              </Button>
            </Form>
          )}
        </Card>
      </Col>
    </Row>
  );
}
