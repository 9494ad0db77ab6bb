export {
  type Manifest,
  type PackageObject,
  type PackageRole,
  type SampleRecord,
  type TemplatePackage,
  checkManifest,
  loadPackage,
  loadRegistry,
  writePackage,
} from './package';
export { composeApp, installOrder } from './compose';
export { type Conflict, merge3, same } from './merge3';
