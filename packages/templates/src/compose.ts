import { AppError } from '@tangram/errors';
import type { AppInput, ObjectInput } from '@tangram/metadata';
import semver from 'semver';
import type { TemplatePackage } from './package';

/**
 * Packages in install order: each after the packages it depends on. A dependency missing from
 * `available` or not matching its range fails with TEMPLATE_DEPENDENCY_MISSING.
 */
export function installOrder(name: string, available: (name: string) => TemplatePackage | undefined): TemplatePackage[] {
  const out: TemplatePackage[] = [];
  const visiting = new Set<string>();
  const visit = (n: string, range: string | undefined, from: string | undefined) => {
    const pkg = available(n);
    if (!pkg || (range && !semver.satisfies(pkg.manifest.version, range)))
      throw new AppError('TEMPLATE_DEPENDENCY_MISSING', {
        package: n,
        range: range ?? '*',
        requiredBy: from ?? null,
        available: pkg?.manifest.version ?? null,
      });
    if (out.includes(pkg)) return;
    if (visiting.has(n))
      throw new AppError('TEMPLATE_INVALID', {
        problems: [{ code: 'TEMPLATE_INVALID', path: `${n}/manifest.json#/dependencies`, message: 'circular dependency' }],
      });
    visiting.add(n);
    for (const [dep, r] of Object.entries(pkg.manifest.dependencies ?? {})) visit(dep, r, n);
    visiting.delete(n);
    out.push(pkg);
  };
  visit(name, undefined, undefined);
  return out;
}

/**
 * The metadata the packages make together, in order: their objects, then the fields (and
 * indexes, rules, search fields) each package adds to its dependencies' objects, their forms,
 * views, menus and automations. Checked as one app when installed.
 */
export function composeApp(packages: TemplatePackage[], base: Pick<AppInput, 'name' | 'version' | 'label'> = {}): AppInput {
  const objects: ObjectInput[] = [];
  const app: AppInput = { ...base, objects, forms: [], views: [], menu: [], automations: [], recordActions: [], workflows: [], reports: [], dashboards: [] };
  for (const pkg of packages) {
    for (const o of pkg.objects) {
      const { extends: ext, ...object } = structuredClone(o);
      if (!ext) {
        objects.push(object);
        continue;
      }
      const target = objects.find((x) => x.name === object.name);
      if (!target)
        throw new AppError('TEMPLATE_INVALID', {
          problems: [
            {
              code: 'TEMPLATE_INVALID',
              path: `${pkg.manifest.name}/objects/${object.name}.json`,
              message: `extends "${object.name}", which no dependency defines`,
            },
          ],
        });
      target.fields = [...target.fields, ...(object.fields ?? [])];
      if (object.indexes) target.indexes = [...(target.indexes ?? []), ...object.indexes];
      if (object.validationRules) target.validationRules = [...(target.validationRules ?? []), ...object.validationRules];
      if (object.searchFields) target.searchFields = [...new Set([...(target.searchFields ?? []), ...object.searchFields])];
    }
    app.forms?.push(...structuredClone(pkg.forms));
    app.views?.push(...structuredClone(pkg.views));
    app.menu?.push(...structuredClone(pkg.menu));
    app.automations?.push(...structuredClone(pkg.automations ?? []));
    app.recordActions?.push(...structuredClone(pkg.recordActions ?? []));
    app.workflows?.push(...structuredClone(pkg.workflows ?? []));
    app.reports?.push(...structuredClone(pkg.reports ?? []));
    app.dashboards?.push(...structuredClone(pkg.dashboards ?? []));
  }
  return app;
}
