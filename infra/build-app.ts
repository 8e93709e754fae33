// The Vigil CDK app from context values, with cdk-nag's AwsSolutions checks as a validation
// plugin: the app's entry point (app.ts) and the tests build it the same way.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { featureFlags } from './feature-flags.js';
import { acknowledgeWildcards } from './nag-acknowledgements.js';
import { installSettings, type InstallSettings } from './settings.js';
import { buildVigilStacks, type VigilStacks } from './stacks.js';

export interface VigilApp {
  app: App;
  settings: InstallSettings;
  stacks: VigilStacks;
}

/** Throws SettingsError (every problem listed) for bad context values. */
export function buildVigilApp(context: Record<string, unknown> = {}, options: { outdir?: string } = {}): VigilApp {
  const app = new App({ context: { ...featureFlags, ...context }, ...(options.outdir === undefined ? {} : { outdir: options.outdir }) });
  const settings = installSettings((key) => app.node.tryGetContext(key));
  const stacks = buildVigilStacks(app, settings);
  // A first synthesis resolves cross-stack references, so findings name resources as the template does.
  app.synth();
  acknowledgeWildcards(app, settings.dataLocations.map((uri) => new URL(uri).host));
  // A finding not acknowledged (with its reason) fails the next synthesis.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, settings, stacks };
}
