import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AppError, type Problem } from '@tangram/errors';
import {
  type AutomationInput,
  type DashboardInput,
  type ReportInput,
  type FormInput,
  type RecordActionInput,
  type WorkflowInput,
  type LocaleText,
  type MenuItemInput,
  type ObjectInput,
  type ViewInput,
  checkName,
} from '@tangram/metadata';
import semver from 'semver';

export interface Manifest {
  name: string;
  version: string;
  label?: LocaleText | string;
  description?: LocaleText | string;
  /** Package name → semver range. */
  dependencies?: Record<string, string>;
  /** Objects whose `data/<object>.json` load, in this order. */
  data?: string[];
}

/** An object of a package; with `extends`, fields added to an object of a dependency. */
export type PackageObject = ObjectInput & { extends?: boolean };

/** A role document as a package carries it (checked by the engine when installed). */
export interface PackageRole {
  name: string;
  [key: string]: unknown;
}

/** One sample record: field values, with `$key` / `{ $ref }` for references and `$owner` (an email, or null for the public pool). */
export type SampleRecord = Record<string, unknown>;

export interface TemplatePackage {
  manifest: Manifest;
  objects: PackageObject[];
  forms: FormInput[];
  views: ViewInput[];
  menu: MenuItemInput[];
  /** Absent in packages stored before automations existed. */
  automations?: AutomationInput[];
  /** Buttons on the package's objects (record-actions/); absent in packages stored before they existed. */
  recordActions?: RecordActionInput[];
  /**
   * Processes on the package's objects (workflows/): in memory `bpmn` is the diagram's XML; in the
   * directory each workflow's JSON names its diagram file next to it (`"bpmn": "quote_discount.bpmn"`).
   * Absent in packages stored before workflows existed.
   */
  workflows?: WorkflowInput[];
  /** Reports and dashboards (reports/, dashboards/); absent in packages stored before they existed. */
  reports?: ReportInput[];
  dashboards?: DashboardInput[];
  roles: PackageRole[];
  /** Object name → records, in `manifest.data` order. */
  data: { object: string; records: SampleRecord[] }[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const invalid = (problems: Problem[]) => AppError.problems('TEMPLATE_INVALID', problems);

/** Checks a manifest's shape: name, semver version, dependency ranges, data order. */
export function checkManifest(input: unknown, path = 'manifest.json'): Manifest {
  const problems: Problem[] = [];
  const add = (p: string, message: string) => problems.push({ code: 'TEMPLATE_INVALID', path: `${path}${p}`, message });
  if (!isObject(input)) throw invalid([{ code: 'TEMPLATE_INVALID', path, message: 'must be an object' }]);
  const allowed = new Set(['name', 'version', 'label', 'description', 'dependencies', 'data']);
  for (const k of Object.keys(input)) if (!allowed.has(k)) add(`#/${k}`, 'unknown property');
  if (typeof input.name !== 'string' || checkName(input.name)) add('#/name', 'must match ^[a-z][a-z0-9_]{0,62}$');
  if (typeof input.version !== 'string' || !semver.valid(input.version)) add('#/version', 'must be a semver version such as 1.0.0');
  if (input.dependencies !== undefined) {
    if (!isObject(input.dependencies)) add('#/dependencies', 'must be { package: range }');
    else
      for (const [dep, range] of Object.entries(input.dependencies))
        if (typeof range !== 'string' || !semver.validRange(range)) add(`#/dependencies/${dep}`, 'must be a semver range such as ^1.0.0');
  }
  if (input.data !== undefined && (!Array.isArray(input.data) || input.data.some((d) => typeof d !== 'string')))
    add('#/data', 'must be a list of object names');
  if (problems.length) throw invalid(problems);
  return input as unknown as Manifest;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw invalid([{ code: 'TEMPLATE_INVALID', path: file, message: 'cannot be read' }]);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw invalid([{ code: 'TEMPLATE_INVALID', path: file, message: `is not JSON: ${(e as Error).message}` }]);
  }
}

function readDir<T>(dir: string, sub: string, check: (v: unknown, file: string) => T): T[] {
  const d = join(dir, sub);
  if (!existsSync(d)) return [];
  return readdirSync(d)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => check(readJson(join(d, f)), join(sub, f)));
}

const named =
  (what: string) =>
  <T>(v: unknown, file: string): T => {
    if (!isObject(v) || typeof v.name !== 'string') throw invalid([{ code: 'TEMPLATE_INVALID', path: file, message: `must be one ${what} with a name` }]);
    return v as T;
  };

/** A workflow file: its `bpmn` names a .bpmn file in the same folder, read in its place. */
const workflowFile =
  (dir: string) =>
  (v: unknown, file: string): WorkflowInput => {
    const w = named('workflow')<WorkflowInput>(v, file);
    const ref = (w as { bpmn?: unknown }).bpmn;
    if (typeof ref !== 'string' || !ref.endsWith('.bpmn') || basename(ref) !== ref)
      throw invalid([{ code: 'TEMPLATE_INVALID', path: `${file}#/bpmn`, message: 'must name the diagram file next to it (e.g. "quote_discount.bpmn")' }]);
    let xml: string;
    try {
      xml = readFileSync(join(dir, 'workflows', ref), 'utf8');
    } catch {
      throw invalid([{ code: 'TEMPLATE_INVALID', path: join('workflows', ref), message: 'cannot be read' }]);
    }
    return { ...w, bpmn: xml };
  };

/**
 * Reads a package directory (manifest.json, objects/, forms/, views/, automations/, record-actions/, workflows/ (JSON + .bpmn), menu.json, roles/, data/).
 * Every file must be JSON of the right general shape; the metadata itself is checked when the
 * package is installed (with its dependencies, as one app).
 */
export function loadPackage(dir: string): TemplatePackage {
  const manifest = checkManifest(readJson(join(dir, 'manifest.json')));
  const menuFile = join(dir, 'menu.json');
  const menu = existsSync(menuFile) ? readJson(menuFile) : [];
  if (!Array.isArray(menu)) throw invalid([{ code: 'TEMPLATE_INVALID', path: 'menu.json', message: 'must be a list of menu items' }]);
  const data = (manifest.data ?? []).map((object) => {
    const file = join('data', `${object}.json`);
    const records = readJson(join(dir, file));
    if (!Array.isArray(records) || records.some((r) => !isObject(r)))
      throw invalid([{ code: 'TEMPLATE_INVALID', path: file, message: 'must be a list of records' }]);
    return { object, records: records as SampleRecord[] };
  });
  return {
    manifest,
    objects: readDir(dir, 'objects', named('object')) as PackageObject[],
    forms: readDir(dir, 'forms', named('form')) as FormInput[],
    views: readDir(dir, 'views', named('view')) as ViewInput[],
    menu: menu as MenuItemInput[],
    automations: readDir(dir, 'automations', named('automation')) as AutomationInput[],
    recordActions: readDir(dir, 'record-actions', named('record action')) as RecordActionInput[],
    workflows: readDir(dir, 'workflows', workflowFile(dir)),
    reports: readDir(dir, 'reports', named('report')) as ReportInput[],
    dashboards: readDir(dir, 'dashboards', named('dashboard')) as DashboardInput[],
    roles: readDir(dir, 'roles', named('role')) as PackageRole[],
    data,
  };
}

/** The packages under a directory (each sub-directory with a manifest.json), by name. */
export function loadRegistry(root: string): Map<string, TemplatePackage> {
  const out = new Map<string, TemplatePackage>();
  if (!existsSync(root)) return out;
  for (const entry of readdirSync(root, { withFileTypes: true }))
    if (entry.isDirectory() && existsSync(join(root, entry.name, 'manifest.json'))) {
      const pkg = loadPackage(join(root, entry.name));
      out.set(pkg.manifest.name, pkg);
    }
  return out;
}

const fileName = (name: string) => `${name.replace(/[^a-z0-9_]/g, '_')}.json`;
const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** Writes a package in the directory format (one file per object, form, view, automation, record action and role; a workflow's JSON and its .bpmn). */
export function writePackage(dir: string, pkg: TemplatePackage): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), json(pkg.manifest));
  const write = (sub: string, items: { name: string }[]) => {
    if (!items.length) return;
    mkdirSync(join(dir, sub), { recursive: true });
    for (const item of items) writeFileSync(join(dir, sub, fileName(item.name)), json(item));
  };
  write('objects', pkg.objects);
  write('forms', pkg.forms);
  write('views', pkg.views);
  write('automations', pkg.automations ?? []);
  write('record-actions', pkg.recordActions ?? []);
  const workflows = pkg.workflows ?? [];
  if (workflows.length) mkdirSync(join(dir, 'workflows'), { recursive: true });
  for (const w of workflows) {
    const diagram = fileName(w.name).replace(/\.json$/, '.bpmn');
    writeFileSync(join(dir, 'workflows', diagram), w.bpmn.endsWith('\n') ? w.bpmn : `${w.bpmn}\n`);
    writeFileSync(join(dir, 'workflows', fileName(w.name)), json({ ...w, bpmn: diagram }));
  }
  write('reports', pkg.reports ?? []);
  write('dashboards', pkg.dashboards ?? []);
  write('roles', pkg.roles);
  if (pkg.menu.length) writeFileSync(join(dir, 'menu.json'), json(pkg.menu));
  if (pkg.data.length) {
    mkdirSync(join(dir, 'data'), { recursive: true });
    for (const d of pkg.data) writeFileSync(join(dir, 'data', fileName(d.object)), json(d.records));
  }
}
