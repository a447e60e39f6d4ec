export * from './compression.js';
export * from './error-codes.js';
export * from './node-adapter.js';
export * from './request.js';
export * from './response.js';
