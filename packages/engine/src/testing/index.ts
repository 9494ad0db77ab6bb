export { backends, openTestDatabase, postgresReachable, postgresUrl, uniqueSchemaName, dropSchema } from './databases';
export { setupTenant, attachTestEngine, failure, type TestTenant } from './engine';
export { corePackage, ordersPackage, registry } from './template-fixtures';
