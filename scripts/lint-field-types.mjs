#!/usr/bin/env node
// Field types own their behaviour (issue 13, docs/adr/0007-engine-layering.md): outside
// packages/fields and the web's widgets (apps/web/src/widgets), no code branches on a field type
// name. This lint finds such branches in packages/*/src and apps/*/src (test files aside):
//   f.type === 'lookup'   field.type !== 'rollup'   fieldType === 'json'   type == 'user'
//   switch (f.field.type) { case 'select': ... }
//   ['lookup', 'user'].includes(f.type)   referenceLike.has(field.type)
// "A field type" is told from the expression's shape, not from types (a type checker would take a
// full program build): `.type` of a field-like name (f, fd, def, field, something…Field, .field),
// or a variable named `type` or `fieldType`; the names compared are the keys of `fieldTypes` in
// packages/fields/src/registry.ts. So `event.type === 'text'` or `input.type` pass.
//
// Branches that exist today are listed in scripts/field-type-switches.allow.json (file → count):
// a file may have at most that many. The list is meant to shrink to {} as the branches move onto
// the field types; `--update` rewrites it from the tree.
//
// Usage: node scripts/lint-field-types.mjs [--root dir] [--allow file] [--update]
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Field type names: the keys of the registry's `fieldTypes` object, else the files in types/. */
export function fieldTypeNames(dir) {
  const registry = join(dir, 'packages', 'fields', 'src', 'registry.ts');
  const names = new Set();
  if (existsSync(registry)) {
    const sf = ts.createSourceFile(registry, readFileSync(registry, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      if (ts.isVariableDeclaration(node) && node.name.getText(sf) === 'fieldTypes' && node.initializer) {
        let init = node.initializer;
        while (ts.isSatisfiesExpression(init) || ts.isAsExpression(init) || ts.isParenthesizedExpression(init)) init = init.expression;
        if (ts.isObjectLiteralExpression(init))
          for (const p of init.properties) if (p.name) names.add(ts.isStringLiteral(p.name) ? p.name.text : p.name.getText(sf));
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  if (!names.size) throw new Error(`lint-field-types: no field type names found in ${registry} (export const fieldTypes = { … })`);
  return names;
}

/** Code allowed to branch on field types: the field types themselves and the web's widgets. */
const allowedPath = (rel) => rel.startsWith('packages/fields/') || rel.startsWith('apps/web/src/widgets/');
const sourceFile = (rel) => /\.(ts|tsx|mts|cts)$/.test(rel) && !/\.d\.ts$/.test(rel) && !/\.test\.tsx?$/.test(rel);

function sourceFiles(dir) {
  const out = [];
  for (const top of ['packages', 'apps']) {
    const base = join(dir, top);
    if (!existsSync(base)) continue;
    for (const pkg of readdirSync(base)) {
      const src = join(base, pkg, 'src');
      if (existsSync(src)) walk(src, out);
    }
  }
  return out;
}
function walk(d, out) {
  for (const name of readdirSync(d)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
}

// Names a field goes by: f, field, def, titleField, …; and the two sides of a field change
// (was/now, from/to, old/next) in the schema planner.
const fieldLike = /^(f|fd|fm|def|field|fieldDef|[A-Za-z]*Field|was|now|from|to|old|next|prev|before|after)$/;

/** Is this expression a field's type? */
function isFieldTypeSubject(e) {
  while (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e)) e = e.expression;
  if (ts.isIdentifier(e)) return e.text === 'fieldType' || e.text === 'type';
  if (ts.isPropertyAccessExpression(e) && e.name.text === 'type') {
    let recv = e.expression;
    while (ts.isNonNullExpression(recv) || ts.isParenthesizedExpression(recv)) recv = recv.expression;
    const recvName = ts.isIdentifier(recv) ? recv.text : ts.isPropertyAccessExpression(recv) ? recv.name.text : undefined;
    return recvName !== undefined && fieldLike.test(recvName);
  }
  return false;
}

const stringValue = (e) => (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) ? e.text : undefined);
const comparison = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
]);

/** The field-type branches in one file's text: [{ line, text }]. */
export function findSwitches(fileName, text, names) {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found = [];
  const report = (node, text = node.getText(sf)) => {
    const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    found.push({ line: line + 1, text: text.replace(/\s+/g, ' ').slice(0, 120) });
  };
  const visit = (node) => {
    if (ts.isBinaryExpression(node) && comparison.has(node.operatorToken.kind)) {
      const [l, r] = [node.left, node.right];
      const lit = stringValue(r) ?? stringValue(l);
      const subject = stringValue(r) !== undefined ? l : r;
      if (lit !== undefined && names.has(lit) && isFieldTypeSubject(subject)) report(node);
    } else if (ts.isSwitchStatement(node) && isFieldTypeSubject(node.expression)) {
      for (const clause of node.caseBlock.clauses) {
        const lit = ts.isCaseClause(clause) ? stringValue(clause.expression) : undefined;
        if (lit !== undefined && names.has(lit)) report(clause.expression, `switch (${node.expression.getText(sf)}) case '${lit}'`);
      }
    } else if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ['includes', 'has', 'indexOf'].includes(node.expression.name.text) &&
      node.arguments.length >= 1 &&
      isFieldTypeSubject(node.arguments[0])
    ) {
      report(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** Every field-type branch under dir: file (relative, with /) → [{ line, text }]. */
export function scan(dir) {
  const names = fieldTypeNames(dir);
  const byFile = new Map();
  for (const abs of sourceFiles(dir)) {
    const rel = relative(dir, abs).split(sep).join('/');
    if (!sourceFile(rel) || allowedPath(rel)) continue;
    const found = findSwitches(rel, readFileSync(abs, 'utf8'), names);
    if (found.length) byFile.set(rel, found);
  }
  return byFile;
}

/**
 * Checks dir against its allow-list: { ok, lines } (lines to print). With update, rewrites the
 * allow-list from the tree instead.
 */
export function lint(root, allowFile = join(root, 'scripts', 'field-type-switches.allow.json'), update = false) {
  const byFile = scan(root);
  const total = [...byFile.values()].flat().length;
  if (update) {
    const allow = Object.fromEntries([...byFile].sort(([a], [b]) => a.localeCompare(b)).map(([f, list]) => [f, list.length]));
    writeFileSync(allowFile, `${JSON.stringify(allow, null, 2)}\n`);
    return { ok: true, lines: [`lint-field-types: wrote ${relative(process.cwd(), allowFile)} (${byFile.size} files, ${total} branches)`] };
  }
  const allow = existsSync(allowFile) ? JSON.parse(readFileSync(allowFile, 'utf8')) : {};
  const lines = [];
  let failed = 0;
  let shrinkable = 0;
  for (const [file, list] of byFile) {
    const allowed = allow[file] ?? 0;
    if (list.length > allowed) {
      failed++;
      lines.push(`${file}: ${list.length} branch(es) on a field type name, ${allowed} allowed`);
      for (const f of list) lines.push(`  ${file}:${f.line}  ${f.text}`);
    } else if (list.length < allowed) shrinkable++;
  }
  for (const file of Object.keys(allow)) if (!byFile.has(file)) shrinkable++;
  if (failed) {
    lines.push(
      `\n✖ lint-field-types: ${failed} file(s) branch on field type names. A field type's behaviour belongs on the field type (packages/fields) or its widget (apps/web/src/widgets): add a property or method there and call it.`,
    );
    return { ok: false, lines };
  }
  const shrink = shrinkable ? `; ${shrinkable} file(s) now have fewer — run with --update to shrink the list` : '';
  lines.push(`✔ lint-field-types: no new branch on a field type name (${total} allowed by ${relative(process.cwd(), allowFile) || allowFile}${shrink})`);
  return { ok: true, lines };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const root = opt('--root') ?? process.cwd();
  const { ok, lines } = lint(root, opt('--allow'), args.includes('--update'));
  (ok ? console.log : console.error)(lines.join('\n'));
  process.exit(ok ? 0 : 1);
}
