// Every workflow the worker registers.
export { monitorWindowWorkflow } from './monitor-window.js';
export { dailyMonitoringWorkflow } from './daily-monitoring.js';
export { retrainingWorkflow } from './retraining.js';
export { deployWorkflow } from './deploy.js';
export { auditEventWorkflow } from './audit-event.js';
