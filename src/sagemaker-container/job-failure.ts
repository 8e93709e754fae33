// How a SageMaker job of the image fails: a non-zero exit code, and one line saying why, both on
// stderr (the job's log) and in the file SageMaker reads the reason from (/opt/ml/output/failure
// for training, shown as FailureReason; /opt/ml/output/message for processing, shown as
// ExitMessage). Either keeps at most 1 KB of it.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { debugRequested, errorLine } from '../terminal/error-line.js';

/** A job input that is missing or wrong: the message names it and says what is wrong. */
export class JobInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobInputError';
  }
}

const maxReason = 1024;

/** The error as one line SageMaker shows in full. */
export function reasonLine(error: unknown): string {
  const line = errorLine(error).replace(/\s*\n\s*/g, ' ');
  return line.length <= maxReason ? line : `${line.slice(0, maxReason - 3)}...`;
}

/**
 * Runs the job; when it throws, writes the reason to `failureFile` and stderr and sets exit code 1.
 * Resolves true when the job succeeded.
 */
export async function runJob(name: string, failureFile: string, job: () => Promise<void>, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  try {
    await job();
    return true;
  } catch (error) {
    const reason = reasonLine(error);
    console.error(`vigil ${name}: ${reason}`);
    if (debugRequested(process.argv, env)) console.error(error);
    try {
      await mkdir(dirname(failureFile), { recursive: true });
      await writeFile(failureFile, `${reason}\n`, 'utf8');
    } catch (writeError) {
      console.error(`vigil ${name}: could not write the failure reason to ${failureFile}: ${reasonLine(writeError)}`);
    }
    process.exitCode = 1;
    return false;
  }
}
