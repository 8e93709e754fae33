// Every workflow the worker registers.
export { monitorWindowWorkflow } from './monitor-window.js';
export { dailyMonitoringWorkflow } from './daily-monitoring.js';
