// What the composition root returns and what its caller may set, shared by both modes.
import type { ActivityDeps } from '../activities/index.js';

export interface Runtime {
  deps: ActivityDeps;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Base URL of the local model server (local mode); default http://127.0.0.1:{local.modelServerPort}. */
  modelServerUrl?: string;
  /** Where console alerts go (default stderr). */
  writeAlert?: (text: string) => void;
  /** Where console approval requests go (default stderr). */
  writeApproval?: (text: string) => void;
  env?: NodeJS.ProcessEnv;
}

