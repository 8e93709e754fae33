// The CDK app that installs Vigil on an account: `npx cdk synth` (offline, no account needed) or
// `npx cdk deploy --all -c models=demand [-c account=... -c region=...]`. cdk-nag's AwsSolutions
// checks run on every synth; each acknowledged finding says why.
import { buildVigilApp } from './build-app.js';
import { SettingsError } from './settings.js';

try {
  buildVigilApp().app.synth({ force: true });
} catch (error) {
  if (!(error instanceof SettingsError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
