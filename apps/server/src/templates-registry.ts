import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type TemplatePackage, loadRegistry } from '@tangram/templates';

/** Where the bundled templates live (TANGRAM_TEMPLATES_DIR overrides). */
export function templatesDir(): string {
  return process.env.TANGRAM_TEMPLATES_DIR ?? fileURLToPath(new URL('../../../templates', import.meta.url));
}

/** The available packages, read from disk on each call (they are small, and may be updated). */
export function availableTemplates(dir = templatesDir()): Map<string, TemplatePackage> {
  return existsSync(dir) ? loadRegistry(dir) : new Map();
}
