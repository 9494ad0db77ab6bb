export { build, defaultLogger, serveLogger, type BuildOptions } from './app';
export { bootstrap } from './bootstrap';
export { demoApp } from './demo/demo-app';
export { apiDocument } from './openapi/document';
