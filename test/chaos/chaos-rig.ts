// What a chaos run needs of its world, in either mode: the server and queue the loop runs on, the
// worker processes the faults kill, the Slack stand-in, and the mode's own checks.
import type { Client } from '@temporalio/client';
import type { ModelHost } from '../../src/ports/model-host.js';
import type { InvariantCheck } from './invariants.js';
import type { SlackStandIn } from './slack-stand-in.js';
import type { WorkerSupervisor } from './worker-supervisor.js';

export interface ChaosRig {
  mode: 'local' | 'aws';
  dir: string;
  client: Client;
  taskQueue: string;
  workers: WorkerSupervisor;
  slack: SlackStandIn;
  /** Endpoints and versions as the mode's model host sees them. */
  modelHost: Pick<ModelHost, 'describeEndpoint' | 'listModelVersions'>;
  driftDate: string;
  approver: string;
  /** Ports nothing may listen on once the run is closed. */
  ports: number[];
  restartServer(downMs: number): Promise<void>;
  /** Starts the mode's AWS faults (nothing in local mode). */
  startAwsFaults(): void;
  /** The mode's checks once the last worker stopped; `candidate` is the deployed version. */
  checksAfterStop(candidate: string | undefined): Promise<InvariantCheck[]>;
  /** Lines on what the mode injected besides kills (the AWS faults' counts). */
  injectedBesidesKills(): { fault: string; where: string; outcome: string }[];
  close(options?: { keep?: boolean }): Promise<void>;
}
