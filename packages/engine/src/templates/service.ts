import { AppError } from '@tangram/errors';
import { resolveApp } from '@tangram/fields';
import type { AppInput, ResolvedApp } from '@tangram/metadata';
import { type Conflict, type PackageRole, type SampleRecord, type TemplatePackage, composeApp, installOrder, merge3 } from '@tangram/templates';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../db/database';
import { type Role, checkRole } from '../access/roles';
import type { AccessService } from '../access/service';
import { consumer as automationsConsumer } from '../automations/runtime';
import { compileModel } from '../model/compile';
import type { RecordService } from '../records/service';
import type { PlannedStep, PublishOptions, Revision } from '../schema/publish';

export interface InstalledPackage {
  name: string;
  version: string;
  installedAt: string;
}

export interface InstallOptions {
  /** Load the packages' sample data (first install of each package only). */
  sampleData?: boolean;
  actor?: string | null;
  /** On a conflict with the tenant's own changes: refuse (default), keep the tenant's, or take the package's. */
  onConflict?: 'fail' | 'keep-mine' | 'take-theirs';
  /** Told as the install moves on: after the plan is made (no conflict), and every 100 sample records. */
  onProgress?(progress: InstallProgress): void;
}

/** Where an install is: publishing the merged metadata, or loading sample records (`done` of `total`). */
export type InstallProgress = { phase: 'publish' } | { phase: 'sample-data'; done: number; total: number };

export interface InstallResult {
  /** Packages installed or upgraded by this call (dependencies first). */
  installed: { name: string; version: string; from: string | null }[];
  /** Packages already installed at that version: nothing to do. */
  unchanged: string[];
  revision: number | null;
  steps: PlannedStep[];
  records: number;
  conflicts: Conflict[];
}

const emptyApp: AppInput = { objects: [] };
const tableOf = (schema: string) => sql.id(schema, '_app_package');

/**
 * Installs, upgrades and exports app packages (templates) in one tenant.
 *
 * Install and upgrade are one operation: the tenant's metadata (ours) is merged three ways with
 * the composition of its installed packages as they were installed (base) and the composition
 * with the new packages (theirs), so every customisation made since — fields added, labels,
 * options, layouts, views — is kept and the new version's changes are added. The metadata, the
 * roles and the package records are written in the publish transaction; sample data follows
 * in one records transaction.
 */
/**
 * What installing needs of the tenant's schema service (SchemaService in engine.ts, which sits
 * above this folder: docs/adr/0007-engine-layering.md).
 */
export interface SchemaService {
  current(): Promise<ResolvedApp | undefined>;
  publish(input: unknown, opts?: PublishOptions): Promise<Revision & { steps: PlannedStep[] }>;
  revisions(): Promise<Omit<Revision, 'metadata'>[]>;
}

export class TemplateService {
  constructor(
    private readonly db: Db,
    private readonly schema: string,
    private readonly schemaService: SchemaService,
    private readonly access: AccessService,
    private readonly records: RecordService,
  ) {}

  async installed(): Promise<InstalledPackage[]> {
    const rows = await sql<{
      name: string;
      version: string;
      installed_at: string;
    }>`select name, version, installed_at from ${tableOf(this.schema)} order by seq`.execute(this.db);
    return rows.rows.map((r) => ({ name: r.name, version: r.version, installedAt: r.installed_at }));
  }

  /** The packages as they were installed, in install order (with the sample-data keys they created). */
  private async stored(): Promise<{ pkg: TemplatePackage; keys: Record<string, string>; sampleLoaded: boolean }[]> {
    const rows = await sql<{ package: TemplatePackage; sample_keys: Record<string, string> | null }>`select package, sample_keys from ${tableOf(
      this.schema,
    )} order by seq`.execute(this.db);
    return rows.rows.map((r) => ({ pkg: r.package, keys: r.sample_keys ?? {}, sampleLoaded: r.sample_keys !== null }));
  }

  /**
   * Installs `name` and whatever it depends on (from `available`), or upgrades them to the
   * versions `available` has. Installing the same versions again changes nothing.
   */
  async install(name: string, available: (name: string) => TemplatePackage | undefined, opts: InstallOptions = {}): Promise<InstallResult> {
    const order = installOrder(name, available);
    const stored = await this.stored();
    const storedBy = new Map(stored.map((s) => [s.pkg.manifest.name, s.pkg]));
    const changing = order.filter((p) => storedBy.get(p.manifest.name)?.manifest.version !== p.manifest.version);
    const result: InstallResult = {
      installed: changing.map((p) => ({ name: p.manifest.name, version: p.manifest.version, from: storedBy.get(p.manifest.name)?.manifest.version ?? null })),
      unchanged: order.filter((p) => !changing.includes(p)).map((p) => p.manifest.name),
      revision: null,
      steps: [],
      records: 0,
      conflicts: [],
    };
    if (!changing.length) {
      // Already installed: sample data not loaded then can be loaded now.
      const pending = opts.sampleData ? order.filter((p) => p.data.length && !stored.find((s) => s.pkg.manifest.name === p.manifest.name)?.sampleLoaded) : [];
      if (pending.length) result.records = await this.loadSampleData(pending, Object.assign({}, ...stored.map((s) => s.keys)), opts);
      return result;
    }

    // base: the installed packages as installed; theirs: the same with the new versions, new packages after.
    const baseList = stored.map((s) => s.pkg);
    const theirsList = baseList.map((p) => changing.find((c) => c.manifest.name === p.manifest.name) ?? p);
    for (const p of changing) if (!storedBy.has(p.manifest.name)) theirsList.push(p);
    const current = await this.schemaService.current();
    const base = baseList.length ? resolveComposition(baseList) : resolveApp(emptyApp);
    const theirs = resolveComposition(theirsList);
    const ours = current ?? resolveApp(emptyApp);
    const merged = merge3(strip(base), strip(ours), strip(theirs));
    const rolesBase = rolesOf(baseList, base);
    const rolesTheirs = rolesOf(theirsList, theirs);
    const currentRoles = new Map((await this.access.roles()).map((r) => [r.name, r as unknown as PackageRole]));
    const rolesOurs = [...new Set([...rolesBase.keys(), ...rolesTheirs.keys()])].flatMap((n) => {
      const r = currentRoles.get(n);
      return r ? [{ id: n, ...r }] : [];
    });
    const mergedRoles = merge3(
      [...rolesBase.values()].map((r) => ({ id: r.name, ...r })),
      rolesOurs,
      [...rolesTheirs.values()].map((r) => ({ id: r.name, ...r })),
      '/roles',
      merged.conflicts,
    );
    result.conflicts = merged.conflicts;
    let metadata = merged.value as ResolvedApp;
    let roles = mergedRoles.value as (PackageRole & { id?: string })[];
    if (merged.conflicts.length) {
      if ((opts.onConflict ?? 'fail') === 'fail')
        throw new AppError('TEMPLATE_CONFLICT', {
          packages: changing.map((p) => p.manifest.name),
          conflicts: merged.conflicts.slice(0, 100).map((c) => ({ path: c.path, base: c.base ?? null, yours: c.ours ?? null, template: c.theirs ?? null })),
        });
      if (opts.onConflict === 'take-theirs') {
        metadata = merge3(strip(ours), strip(ours), strip(theirs)).value as ResolvedApp;
        roles = merge3(
          rolesOurs,
          rolesOurs,
          [...rolesTheirs.values()].map((r) => ({ id: r.name, ...r })),
        ).value as PackageRole[];
      }
    }
    metadata = { ...metadata, name: ours.name, version: ours.version, label: ours.label };
    if (opts.onProgress) {
      opts.onProgress({ phase: 'publish' });
      await new Promise((resolve) => setImmediate(resolve));
    }

    const rev = await this.schemaService.publish(metadata, {
      actor: opts.actor ?? null,
      message: `install ${changing.map((p) => `${p.manifest.name} ${p.manifest.version}`).join(', ')}`,
      baseRevision: current ? (await this.schemaService.revisions())[0]?.id : 0,
      alsoInTransaction: async (trx, published, revision) => {
        const model = compileModel(published, revision);
        for (const r of roles) {
          const { id: _id, ...doc } = r;
          let role: Role;
          try {
            role = checkRole(doc, model, doc.name);
          } catch (e) {
            if (e instanceof AppError) throw new AppError('TEMPLATE_INVALID', { role: doc.name, problems: e.details.problems ?? [] });
            throw e;
          }
          await sql`insert into ${sql.id(this.schema, '_role')} (name, doc, updated_by) values (${role.name}, ${JSON.stringify(role)}, ${opts.actor ?? null})
            on conflict (name) do update set doc = excluded.doc, updated_at = now(), updated_by = excluded.updated_by`.execute(trx);
        }
        for (const p of changing) {
          const pristine = { ...p, data: [] };
          await sql`insert into ${tableOf(this.schema)} (name, version, package, installed_by) values (${p.manifest.name}, ${p.manifest.version}, ${JSON.stringify(pristine)}, ${opts.actor ?? null})
            on conflict (name) do update set version = excluded.version, package = excluded.package, installed_at = now(), installed_by = excluded.installed_by`.execute(
            trx,
          );
        }
      },
    });
    this.access.invalidate();
    result.revision = rev.id;
    result.steps = rev.steps;

    const fresh = changing.filter((p) => !storedBy.has(p.manifest.name));
    if (opts.sampleData && fresh.some((p) => p.data.length)) {
      const keys: Record<string, string> = Object.assign({}, ...stored.map((s) => s.keys));
      result.records = await this.loadSampleData(fresh, keys, opts);
    }
    return result;
  }

  /** Sample records of freshly installed packages, in one transaction; `$key`/`$ref` become ids, `{ $user: email }` a user's id. */
  private async loadSampleData(packages: TemplatePackage[], keys: Record<string, string>, opts: InstallOptions): Promise<number> {
    const owners = new Map(
      (await this.db.withSchema(this.schema).selectFrom('_user').select(['id', 'email']).execute()).map((u) => [String(u.email ?? ''), u.id as string]),
    );
    const items: { object: string; input: unknown }[] = [];
    const perPackage = new Map<string, Record<string, string>>();
    // Ids first, so a record may refer to any other sample record of these packages.
    for (const p of packages) {
      const own: Record<string, string> = {};
      for (const d of p.data) for (const r of d.records) if (typeof r.$key === 'string') keys[r.$key] = own[r.$key] = uuidv7();
      perPackage.set(p.manifest.name, own);
    }
    const absentUser = new Error('a sample record names a user this tenant does not have');
    const resolve = (v: unknown, where: string): unknown => {
      if (Array.isArray(v)) return v.map((x) => resolve(x, where));
      if (typeof v === 'object' && v !== null) {
        const o = v as Record<string, unknown>;
        if (typeof o.$ref === 'string' && Object.keys(o).length === 1) {
          const id = keys[o.$ref];
          if (!id)
            throw new AppError('TEMPLATE_INVALID', {
              problems: [{ code: 'TEMPLATE_INVALID', path: where, message: `no sample record with $key "${o.$ref}"` }],
            });
          return id;
        }
        // a user by e-mail (a target's member); a record about someone the tenant does not have is left out
        if (typeof o.$user === 'string' && Object.keys(o).length === 1) {
          const id = owners.get(o.$user);
          if (!id) throw absentUser;
          return id;
        }
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, resolve(x, where)]));
      }
      return v;
    };
    for (const p of packages)
      for (const d of p.data)
        d.records.forEach((r: SampleRecord, i) => {
          const where = `${p.manifest.name}/data/${d.object}.json#/${i}`;
          const { $key, $owner, ...values } = r;
          let input: Record<string, unknown>;
          try {
            input = resolve(values, where) as Record<string, unknown>;
          } catch (e) {
            if (e === absentUser) return;
            throw e;
          }
          if (typeof $key === 'string') input.id = keys[$key];
          if (typeof $owner === 'string' && owners.has($owner)) input.owner_id = owners.get($owner);
          // null: in the object's public pool (公海), owned by nobody.
          else if ($owner === null) input.owner_id = null;
          items.push({ object: d.object, input });
        });
    opts.onProgress?.({ phase: 'sample-data', done: 0, total: items.length });
    // Sample records are history: the package's automations do not act on them (no before-save
    // rule rewrites them, and their events are handled already for the after-commit dispatcher).
    const n = await this.records.createAcross(
      items,
      { actor: opts.actor ?? null, history: true },
      { onProgress: (done, total) => opts.onProgress?.({ phase: 'sample-data', done, total }), acknowledgeFor: [automationsConsumer] },
    );
    for (const [name, own] of perPackage)
      await sql`update ${tableOf(this.schema)} set sample_keys = ${JSON.stringify(own)} where name = ${name}`.execute(this.db);
    return n;
  }

  /**
   * An installed package as it is in this tenant now, in the package format: its objects (with
   * the fields the tenant added), the fields it adds to its dependencies' objects, its forms,
   * views, automations, record actions, workflows, menu items and roles — plus forms, views, automations, record actions and workflows the tenant made
   * for its objects.
   * Exporting right after installing gives a package equivalent to the one installed.
   */
  async export(name: string): Promise<TemplatePackage> {
    const stored = await this.stored();
    const entry = stored.find((s) => s.pkg.manifest.name === name);
    if (!entry) throw new AppError('TEMPLATE_NOT_INSTALLED', { package: String(name).slice(0, 100) });
    const pkg = entry.pkg;
    const current = (await this.schemaService.current()) ?? resolveApp(emptyApp);
    const others = stored.filter((s) => s !== entry).map((s) => s.pkg);
    const idOf = (x: { id?: string; name: string }) => x.id ?? x.name;
    const ownObjects = new Set(pkg.objects.filter((o) => !o.extends).map(idOf));
    const objects = [];
    // Fields other installed packages add to this package's objects are theirs to export.
    const addedByOthers = new Set(
      others.flatMap((p) => p.objects.filter((o) => o.extends).flatMap((o) => (o.fields ?? []).map((f) => `${o.name}.${idOf(f)}`))),
    );
    for (const o of pkg.objects) {
      const now = current.objects.find((c) => c.id === idOf(o) || c.name === o.name);
      if (!now) continue;
      if (!o.extends) objects.push({ ...now, fields: now.fields.filter((f) => !addedByOthers.has(`${now.name}.${f.id}`)) });
      else {
        const added = new Set((o.fields ?? []).map(idOf));
        objects.push({ name: now.name, extends: true, fields: now.fields.filter((f) => added.has(f.id)) });
      }
    }
    const claimed = (list: { id?: string; name: string }[]) => new Set(list.map(idOf));
    const otherForms = claimed(others.flatMap((p) => p.forms));
    const otherViews = claimed(others.flatMap((p) => p.views));
    const forms = current.forms.filter((f) => claimed(pkg.forms).has(f.id) || (ownObjects.has(f.object) && !otherForms.has(f.id)));
    const views = current.views.filter((v) => claimed(pkg.views).has(v.id) || (ownObjects.has(v.object) && !otherViews.has(v.id)));
    const otherAutomations = claimed(others.flatMap((p) => p.automations ?? []));
    const automations = current.automations.filter(
      (a) => claimed(pkg.automations ?? []).has(a.id) || (ownObjects.has(a.object) && !otherAutomations.has(a.id)),
    );
    const otherRecordActions = claimed(others.flatMap((p) => p.recordActions ?? []));
    const recordActions = current.recordActions.filter(
      (a) => claimed(pkg.recordActions ?? []).has(a.id) || (ownObjects.has(a.object) && !otherRecordActions.has(a.id)),
    );
    const otherWorkflows = claimed(others.flatMap((p) => p.workflows ?? []));
    const workflows = current.workflows
      .filter((w) => claimed(pkg.workflows ?? []).has(w.id) || (ownObjects.has(w.object) && !otherWorkflows.has(w.id)))
      .map(({ process: _read, ...w }) => w);
    const otherReports = claimed(others.flatMap((p) => p.reports ?? []));
    const reports = current.reports.filter((r) => claimed(pkg.reports ?? []).has(r.id) || (ownObjects.has(r.object) && !otherReports.has(r.id)));
    const otherDashboards = claimed(others.flatMap((p) => p.dashboards ?? []));
    const ownReports = new Set(reports.map((r) => r.id));
    const dashboards = current.dashboards.filter(
      (d) =>
        claimed(pkg.dashboards ?? []).has(d.id) || (!otherDashboards.has(d.id) && d.widgets.length > 0 && d.widgets.every((w) => ownReports.has(w.report))),
    );
    const menuIds = new Set(pkg.menu.map((m) => m.id));
    const menu = current.menu.filter((m) => menuIds.has(m.id));
    const roleNames = new Set(pkg.roles.map((r) => r.name));
    const roles = (await this.access.roles()).filter((r) => roleNames.has(r.name)) as unknown as PackageRole[];
    // Sample data is not exported (the tenant's records are not template content).
    const { data: _data, ...manifest } = pkg.manifest;
    return { manifest, objects, forms, views, menu, automations, recordActions, workflows, reports, dashboards, roles, data: [] } as unknown as TemplatePackage;
  }
}

function resolveComposition(packages: TemplatePackage[]): ResolvedApp {
  try {
    return resolveApp(composeApp(packages));
  } catch (e) {
    if (e instanceof AppError && e.code === 'METADATA_INVALID')
      throw new AppError('TEMPLATE_INVALID', { packages: packages.map((p) => p.manifest.name), problems: e.details.problems ?? [] });
    throw e;
  }
}

/** The parts of an app document packages own (name, version and label stay the tenant's). */
function strip(app: ResolvedApp) {
  return {
    objects: app.objects,
    forms: app.forms,
    views: app.views,
    menu: app.menu,
    automations: app.automations,
    recordActions: app.recordActions,
    // Compared and merged without the process read from the diagram (publish reads it again).
    workflows: app.workflows.map(({ process: _read, ...w }) => w),
    reports: app.reports,
    dashboards: app.dashboards,
  };
}

/** The packages' roles, normalised as stored (so an untouched role compares equal to its package's). */
function rolesOf(packages: TemplatePackage[], app: ResolvedApp): Map<string, PackageRole> {
  const model = compileModel(app, 0);
  return new Map(
    packages.flatMap((p) =>
      p.roles.map((r) => {
        try {
          return [r.name, checkRole(r, model, r.name) as unknown as PackageRole] as const;
        } catch (e) {
          if (e instanceof AppError)
            throw new AppError('TEMPLATE_INVALID', { package: p.manifest.name, role: r.name, problems: (e.details.problems as unknown[]) ?? [] });
          throw e;
        }
      }),
    ),
  );
}
