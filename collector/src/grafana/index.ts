export * from './errors.js';
export * from './params.js';
export * from './routes.js';
