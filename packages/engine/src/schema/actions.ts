import type { IndexSpec } from './desired-indexes';
/**
 * A schema change as plain data. `planMigration` produces a list of these; the dry run shows
 * them; `applyActions` executes them, one handler per kind, in one transaction.
 */
export type Action =
  | { kind: 'table.create'; object: string; label: string }
  | { kind: 'table.archive'; object: string; label: string }
  | { kind: 'table.unarchive'; object: string; label: string }
  | { kind: 'column.add'; object: string; field: string; label: string; sqlType: string; notNull: boolean }
  | { kind: 'column.archive'; object: string; field: string; label: string }
  | { kind: 'column.unarchive'; object: string; field: string; label: string }
  | { kind: 'column.alterType'; object: string; field: string; label: string; fromType: string; toType: string; fromSql: string; toSql: string }
  | { kind: 'fk.add'; object: string; field: string; label: string; target: string; onDelete: 'restrict' | 'cascade' | 'set null' }
  | { kind: 'junction.create'; object: string; field: string; label: string; target: string }
  | { kind: 'index.create'; object: string; index: string; columns: string[]; unique: boolean; method: IndexSpec['method'] }
  | { kind: 'index.drop'; object: string; index: string }
  | { kind: 'field.backfill'; object: string; field: string; label: string }
  | { kind: 'metadata.change'; object: string; field?: string; label: string; change: string; from?: unknown; to?: unknown }
  /** A form, view or the menu added, changed or removed: metadata only, no DDL. */
  | { kind: 'ui.change'; part: 'form' | 'view' | 'menu' | 'report' | 'dashboard'; id: string; label: string; change: 'add' | 'update' | 'remove' };

export type ActionKind = Action['kind'];

/** Actions that can lose or hide data, flagged in the dry run. */
export function isDestructive(a: Action): boolean {
  return a.kind === 'table.archive' || a.kind === 'column.archive' || a.kind === 'column.alterType';
}

/** What a metadata change is of, in words (zh-CN, en). */
const changeWords: Record<string, [string, string]> = {
  name: ['API 名称', 'the API name'],
  label: ['显示名称', 'the label'],
  pluralLabel: ['复数名称', 'the plural label'],
  description: ['说明', 'the description'],
  titleField: ['标题字段', 'the title field'],
  searchFields: ['搜索字段', 'the search fields'],
  validationRules: ['校验规则', 'the validation rules'],
  duplicateRules: ['查重规则', 'the duplicate rules'],
  publicPool: ['公海设置', 'the public pool'],
  required: ['是否必填', 'required'],
  unique: ['是否唯一', 'unique'],
  indexed: ['是否索引', 'indexed'],
  defaultValue: ['默认值', 'the default value'],
  options: ['类型选项', 'the type options'],
};

const zh: { [K in ActionKind]: (a: Extract<Action, { kind: K }>) => string } = {
  'table.create': (a) => `新建对象「${a.label}」(${a.object})`,
  'table.archive': (a) => `归档对象「${a.label}」：数据保留，但不再可用`,
  'table.unarchive': (a) => `恢复已归档的对象「${a.label}」`,
  'column.add': (a) => `对象 ${a.object} 新增字段「${a.label}」`,
  'column.archive': (a) => `归档字段「${a.label}」(${a.object})：数据保留，可恢复`,
  'column.unarchive': (a) => `恢复已归档的字段「${a.label}」(${a.object})`,
  'column.alterType': (a) => `字段「${a.label}」(${a.object}) 类型由 ${a.fromType} 改为 ${a.toType}，现有数据将被转换`,
  'fk.add': (a) => `字段「${a.label}」关联到对象 ${a.target}`,
  'junction.create': (a) => `建立「${a.label}」与对象 ${a.target} 的多对多关联`,
  'index.create': (a) =>
    `为对象 ${a.object} 建立${a.unique ? '唯一' : ''}${a.method === 'trgm' ? '全文搜索' : a.method.startsWith('dup-') ? '查重' : ''}索引 (${a.columns.join(', ')})`,
  'index.drop': (a) => `删除对象 ${a.object} 的索引 ${a.index}`,
  'field.backfill': (a) => `为现有记录计算字段「${a.label}」`,
  'metadata.change': (a) => `「${a.label}」(${a.object}${a.field ? `.${a.field}` : ''}) 修改${changeWords[a.change]?.[0] ?? ` ${a.change}`}`,
  'ui.change': (a) =>
    `${{ add: '新增', update: '修改', remove: '删除' }[a.change]}${{ form: '表单', view: '视图', menu: '菜单项', report: '报表', dashboard: '仪表盘' }[a.part]}「${a.label}」`,
};

const en: { [K in ActionKind]: (a: Extract<Action, { kind: K }>) => string } = {
  'table.create': (a) => `Create object "${a.label}" (${a.object})`,
  'table.archive': (a) => `Archive object "${a.label}": its data is kept but it can no longer be used`,
  'table.unarchive': (a) => `Restore archived object "${a.label}"`,
  'column.add': (a) => `Add field "${a.label}" to ${a.object}`,
  'column.archive': (a) => `Archive field "${a.label}" of ${a.object}: its data is kept and can be restored`,
  'column.unarchive': (a) => `Restore archived field "${a.label}" of ${a.object}`,
  'column.alterType': (a) => `Change field "${a.label}" of ${a.object} from ${a.fromType} to ${a.toType}, converting existing values`,
  'fk.add': (a) => `Link field "${a.label}" to object ${a.target}`,
  'junction.create': (a) => `Create the many-to-many link "${a.label}" to ${a.target}`,
  'index.create': (a) =>
    `Create a ${a.unique ? 'unique ' : ''}${a.method === 'trgm' ? 'text-search ' : a.method.startsWith('dup-') ? 'duplicate-check ' : ''}index on ${a.object} (${a.columns.join(', ')})`,
  'index.drop': (a) => `Drop index ${a.index} of ${a.object}`,
  'field.backfill': (a) => `Compute "${a.label}" for existing records`,
  'metadata.change': (a) => `Change ${changeWords[a.change]?.[1] ?? a.change} of "${a.label}" (${a.object}${a.field ? `.${a.field}` : ''})`,
  'ui.change': (a) =>
    `${{ add: 'Add', update: 'Change', remove: 'Remove' }[a.change]} ${{ form: 'form', view: 'view', menu: 'menu item', report: 'report', dashboard: 'dashboard' }[a.part]} "${a.label}"`,
};

/** The action in words a business user understands. */
export function describeAction(a: Action, locale: 'zh-CN' | 'en' = 'zh-CN'): string {
  const table = locale === 'en' ? en : zh;
  return (table[a.kind] as (a: Action) => string)(a);
}
