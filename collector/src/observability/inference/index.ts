export * from './exposition.js';
export * from './families.js';
export * from './repo.js';
export * from './routes.js';
