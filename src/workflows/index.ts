// Every workflow the worker registers.
export { monitorWindowWorkflow } from './monitoring/monitor-window.js';
export { dailyMonitoringWorkflow } from './monitoring/daily-monitoring.js';
export { retrainingWorkflow } from './retraining/retraining.js';
export { deployWorkflow } from './deploy/deploy.js';
export { registerModelWorkflow } from './retraining/register-model.js';
export { setReferenceWorkflow } from './retraining/set-reference.js';
export { auditEventWorkflow } from './shared/audit-event.js';
