import { fieldTypes } from '@tangram/fields';
import type { Field, LocaleText, MenuItem, ObjectDef, ResolvedApp } from '@tangram/metadata';
import type { Action } from './actions';
import { desiredIndexes } from './desired-indexes';

const label = (x: { label: Record<string, string>; name: string }): string => x.label['zh-CN'] ?? x.label.en ?? x.name;
const isColumn = (f: Field): boolean => fieldTypes[f.type].storage === 'column';
const sqlType = (f: Field): string => fieldTypes[f.type].column(f);
const pointsAtObject = (f: Field): boolean => fieldTypes[f.type].reference?.toObject === true;

/**
 * Equal as JSON values, whatever the key order: published metadata comes back from jsonb, which
 * reorders keys, so a plain JSON.stringify comparison saw changes (and planned backfills) in
 * metadata that had not changed.
 */
const sortedKeys = (_: string, v: unknown): unknown =>
  v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v;
const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a, sortedKeys) === JSON.stringify(b, sortedKeys);

/**
 * Carries forward what the desired metadata left out: objects and fields removed from it are
 * kept as archived (their data stays), since deleting never drops a column — purging does.
 */
export function carryArchived(from: ResolvedApp | undefined, to: ResolvedApp): ResolvedApp {
  if (!from) return to;
  const objects = to.objects.map((o) => {
    const old = from.objects.find((x) => x.id === o.id);
    if (!old) return o;
    const missing = old.fields.filter((f) => !o.fields.some((g) => g.id === f.id)).map((f) => ({ ...f, archived: true }));
    return missing.length ? { ...o, fields: [...o.fields, ...missing] } : o;
  });
  const missingObjects = from.objects.filter((o) => !to.objects.some((x) => x.id === o.id)).map((o) => ({ ...o, archived: true }));
  return { ...to, objects: [...objects, ...missingObjects] };
}

/** Values recomputed for every existing record when the field is added or its options change (formula, rollup). */
const backfilled = (f: Field): boolean => {
  const computed = fieldTypes[f.type].computed;
  return computed === 'expression' || computed === 'aggregate';
};

function addFieldActions(o: ObjectDef, f: Field): Action[] {
  const base = { object: o.id, field: f.id, label: label(f) };
  if (!isColumn(f)) return [{ kind: 'junction.create', ...base, target: f.options.target as string }];
  const actions: Action[] = [{ kind: 'column.add', ...base, sqlType: sqlType(f), notNull: false }];
  const ref = fieldTypes[f.type].reference;
  if (ref?.shape === 'single') actions.push({ kind: 'fk.add', ...base, target: ref.target(f), onDelete: ref.onDelete(f) });
  if (backfilled(f)) actions.push({ kind: 'field.backfill', ...base });
  return actions;
}

const watched = ['name', 'label', 'required', 'unique', 'indexed', 'defaultValue', 'options', 'description'] as const;

function changeFieldActions(o: ObjectDef, was: Field, now: Field): Action[] {
  const base = { object: o.id, field: now.id, label: label(now) };
  if (was.archived && now.archived) return [];
  if (!was.archived && now.archived) return [{ kind: 'column.archive', ...base }];
  const actions: Action[] = [];
  if (was.archived && !now.archived) actions.push({ kind: 'column.unarchive', ...base });
  if (isColumn(was) && isColumn(now) && (was.type !== now.type || sqlType(was) !== sqlType(now) || optionsNarrowed(was, now)))
    actions.push({ kind: 'column.alterType', ...base, fromType: was.type, toType: now.type, fromSql: sqlType(was), toSql: sqlType(now) });
  for (const key of watched) if (!sameJson(was[key], now[key])) actions.push({ kind: 'metadata.change', ...base, change: key, from: was[key], to: now[key] });
  if (backfilled(now) && !sameJson(was.options, now.options)) actions.push({ kind: 'field.backfill', ...base });
  return actions;
}

/** Option changes that keep the column type but may leave some values invalid. */
function optionsNarrowed(was: Field, now: Field): boolean {
  if (was.type !== now.type) return false;
  if ('maxLength' in now.options && Number(now.options.maxLength) < Number(was.options.maxLength)) return true;
  return fieldTypes[now.type].narrows?.(was, now) ?? false;
}

function objectActions(was: ObjectDef | undefined, now: ObjectDef): Action[] {
  const base = { object: now.id, label: label(now) };
  if (!was) return now.archived ? [] : [{ kind: 'table.create', ...base }, ...now.fields.filter((f) => !f.archived).flatMap((f) => addFieldActions(now, f))];
  if (was.archived && now.archived) return [];
  if (!was.archived && now.archived) return [{ kind: 'table.archive', ...base }];
  const actions: Action[] = was.archived ? [{ kind: 'table.unarchive', ...base }] : [];
  for (const key of ['name', 'label', 'pluralLabel', 'titleField', 'searchFields', 'validationRules', 'duplicateRules', 'publicPool', 'description'] as const)
    if (!sameJson(was[key], now[key])) actions.push({ kind: 'metadata.change', ...base, change: key, from: was[key], to: now[key] });
  for (const f of now.fields) {
    const old = was.fields.find((x) => x.id === f.id);
    if (!old) {
      if (!f.archived) actions.push(...addFieldActions(now, f));
    } else if (old.type !== f.type && (pointsAtObject(old) || pointsAtObject(f))) {
      actions.push({
        kind: 'column.alterType',
        ...base,
        field: f.id,
        label: label(f),
        fromType: old.type,
        toType: f.type,
        fromSql: sqlType(old),
        toSql: sqlType(f),
      });
    } else actions.push(...changeFieldActions(now, old, f));
  }
  return actions;
}

function indexActions(was: ObjectDef | undefined, now: ObjectDef, from: ResolvedApp | undefined, to: ResolvedApp): Action[] {
  if (now.archived) return [];
  const before = was && !was.archived ? desiredIndexes(was, from?.automations) : new Map();
  const after = desiredIndexes(now, to.automations);
  const actions: Action[] = [];
  for (const [name, spec] of before)
    if (JSON.stringify(after.get(name)) !== JSON.stringify(spec)) actions.push({ kind: 'index.drop', object: now.id, index: name });
  for (const [name, spec] of after)
    if (JSON.stringify(before.get(name)) !== JSON.stringify(spec))
      actions.push({ kind: 'index.create', object: now.id, index: name, columns: spec.columns, unique: spec.unique, method: spec.method });
  return actions;
}

const phase: Record<Action['kind'], number> = {
  'index.drop': 0,
  'table.create': 1,
  'table.unarchive': 1,
  'column.unarchive': 2,
  'column.add': 2,
  'column.alterType': 3,
  'fk.add': 4,
  'junction.create': 4,
  'column.archive': 5,
  'table.archive': 5,
  'index.create': 6,
  'field.backfill': 7,
  'metadata.change': 8,
  'ui.change': 9,
};

type UiPart = Extract<Action, { kind: 'ui.change' }>['part'];
interface UiItem {
  id: string;
  label: LocaleText;
  /** What the step calls it, when not its label. */
  title?: string;
}

const flatMenu = (items: MenuItem[]): MenuItem[] => items.flatMap((m) => [m, ...flatMenu(m.children ?? [])]);

/** Forms, views and menu items added, changed or removed, by id (a menu item counts as changed when its place changes). */
function uiActions(part: UiPart, was: UiItem[], now: UiItem[], comparable: (x: UiItem) => unknown = (x) => x): Action[] {
  const actions: Action[] = [];
  const before = new Map(was.map((x) => [x.id, x]));
  const after = new Set(now.map((x) => x.id));
  const label = (x: UiItem) => x.title ?? x.label['zh-CN'] ?? Object.values(x.label)[0] ?? x.id;
  for (const x of now) {
    const old = before.get(x.id);
    if (!old) actions.push({ kind: 'ui.change', part, id: x.id, label: label(x), change: 'add' });
    else if (!sameJson(comparable(old), comparable(x))) actions.push({ kind: 'ui.change', part, id: x.id, label: label(x), change: 'update' });
  }
  for (const x of was) if (!after.has(x.id)) actions.push({ kind: 'ui.change', part, id: x.id, label: label(x), change: 'remove' });
  return actions;
}

function menuPlaces(items: MenuItem[], parent = '', out = new Map<string, string>()): Map<string, string> {
  items.forEach((m, i) => {
    out.set(m.id, `${parent}/${i}`);
    menuPlaces(m.children ?? [], m.id, out);
  });
  return out;
}

/**
 * Plans the change from the published metadata to the desired one, as data. Pure: the same
 * input always gives the same plan, which the dry run shows and `applyActions` executes.
 * @example planMigration({ from: published, to: resolveApp(draft) })
 */
export function planMigration({ from, to }: { from: ResolvedApp | undefined; to: ResolvedApp }): Action[] {
  const actions: Action[] = [];
  for (const o of to.objects) {
    const was = from?.objects.find((x) => x.id === o.id);
    actions.push(...objectActions(was, o), ...indexActions(was, o, from, to));
  }
  // A form or view is named with its object's: 客户 · 全部客户.
  const titled = <T extends UiItem & { object: string }>(app: ResolvedApp | undefined, items: T[]) =>
    items.map((x) => {
      const o = app?.objects.find((y) => y.id === x.object);
      return { ...x, title: `${o ? label(o) : x.object} · ${x.label['zh-CN'] ?? Object.values(x.label)[0] ?? x.id}` };
    });
  const plain = ({ title, ...x }: UiItem) => x;
  actions.push(
    ...uiActions('form', titled(from, from?.forms ?? []), titled(to, to.forms ?? []), plain),
    ...uiActions('view', titled(from, from?.views ?? []), titled(to, to.views ?? []), plain),
  );
  const [placesWas, placesNow] = [menuPlaces(from?.menu ?? []), menuPlaces(to.menu ?? [])];
  const menuWas = flatMenu(from?.menu ?? []).map((m) => ({ ...m, place: placesWas.get(m.id) }));
  const menuNow = flatMenu(to.menu ?? []).map((m) => ({ ...m, place: placesNow.get(m.id) }));
  actions.push(...uiActions('menu', menuWas, menuNow, (x) => ({ ...x, children: undefined })));
  // Reports and dashboards change no table: the plan still says what publishing them changes.
  actions.push(...uiActions('report', from?.reports ?? [], to.reports ?? []), ...uiActions('dashboard', from?.dashboards ?? [], to.dashboards ?? []));
  return actions
    .map((a, i) => ({ a, i }))
    .sort((x, y) => phase[x.a.kind] - phase[y.a.kind] || x.i - y.i)
    .map(({ a }) => a);
}
