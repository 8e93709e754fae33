// Entry of the training process the local training pipeline forks, so training gets its own event
// loop and heap instead of the worker's. It takes one job over the IPC channel, reports its pid,
// steps and result there, and exits. When the worker goes away (the channel closes) it exits too,
// at the latest when the step it is in ends: nothing it writes after that would be wanted.
import { DuckDBInstance } from '@duckdb/node-api';
import { StepFailure } from './step-failure.js';
import { runTrainingJob, type TrainerHost } from './training-job.js';
import { type FromTrainer, type TrainingJob, toTrainerSchema } from './training-protocol.js';

/** Exit code when the worker went away mid-job (EX_SOFTWARE-like, and not 0: nothing was finished). */
const orphaned = 75;

function send(message: FromTrainer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (process.send === undefined || !process.connected) {
      reject(new Error('the worker is gone'));
      return;
    }
    process.send(message, undefined, {}, (error: Error | null) => (error === null ? resolve() : reject(error)));
  });
}

let artifactWritten: (() => void) | undefined;

const host: TrainerHost = {
  step: (text) => send({ type: 'step', text }),
  writeArtifact: async (text) => {
    const written = new Promise<void>((resolve) => {
      artifactWritten = resolve;
    });
    await send({ type: 'artifact', text });
    await written;
  },
};

async function run(job: TrainingJob): Promise<void> {
  // Its own in-memory database: the worker's file admits one writer, and the rows are in Parquet.
  // Insertion order kept, so rows are read in the order the worker exported them.
  const instance = await DuckDBInstance.create(':memory:', { preserve_insertion_order: 'true' });
  const connection = await instance.connect();
  try {
    const result = await runTrainingJob(job, host, connection);
    await send({ type: 'result', result, peakRssMb: process.resourceUsage().maxRSS / 1024 });
  } catch (error) {
    const explained = error instanceof StepFailure;
    await send({ type: 'failed', message: error instanceof Error ? error.message : String(error), explained });
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

let finished = false;
process.on('disconnect', () => {
  if (!finished) process.exit(orphaned);
});
process.on('message', (raw: unknown) => {
  const message = toTrainerSchema.parse(raw);
  if (message.type === 'artifact-written') {
    artifactWritten?.();
  } else {
    void run(message.job)
      .catch((error: unknown) => {
        process.stderr.write(`training process: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        process.exitCode = 1;
      })
      .finally(() => {
        // Closing the channel lets the process end once its work is done.
        finished = true;
        if (process.connected) process.disconnect();
      });
  }
});
send({ type: 'started', pid: process.pid }).catch(() => process.exit(orphaned));
