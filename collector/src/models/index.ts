export { createModelsModule } from './module.js';
export { createQualityWindowsRepo } from './quality-windows-repo.js';
export { createModelsRepo, type ModelsRepo } from './repo.js';
export { changeRoutes, type ModelRoutesOptions, modelRoutes } from './routes.js';
