// The stacks of one install: data, audit (the topic and trail), access (roles and policies), and
// the QuickSight dashboards where a QuickSight principal is set.
import type { App } from 'aws-cdk-lib';
import { VigilAccessStack } from './access-stack.js';
import { VigilAuditStack } from './audit-stack.js';
import { VigilDashboardsStack } from './dashboards-stack.js';
import { VigilDataStack } from './data-stack.js';
import type { InstallSettings } from './settings.js';

export interface VigilStacks {
  data: VigilDataStack;
  access: VigilAccessStack;
  audit: VigilAuditStack;
  dashboards?: VigilDashboardsStack;
}

export function buildVigilStacks(app: App, settings: InstallSettings): VigilStacks {
  const env = settings.account === undefined && settings.region === undefined ? {} : { env: { account: settings.account, region: settings.region } };
  const data = new VigilDataStack(app, `${pascal(settings.prefix)}Data`, settings, env);
  const audit = new VigilAuditStack(app, `${pascal(settings.prefix)}Audit`, settings, { ...env, data });
  const access = new VigilAccessStack(app, `${pascal(settings.prefix)}Access`, settings, { ...env, data, topicArn: audit.topic.topicArn });
  const principal = settings.quicksightPrincipal;
  if (principal === undefined) return { data, access, audit };
  const dashboards = new VigilDashboardsStack(app, `${pascal(settings.prefix)}Dashboards`, settings, { ...env, data, principal });
  return { data, access, audit, dashboards };
}

function pascal(prefix: string): string {
  return prefix
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
