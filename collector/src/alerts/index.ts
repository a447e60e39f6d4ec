export type { AlertNotification, Notifier, SignalEvaluator } from './contract.js';
export { type AlertsModule, createAlertsModule } from './module.js';
