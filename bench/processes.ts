// Running a command to completion for the bench, with its output collected: the Python side of the
// comparison (virtualenv, pip, Evidently) fails in ordinary ways (no python3, no network), and
// the bench reports those as one line instead of throwing.
import { spawn } from 'node:child_process';

export interface Finished {
  /** Exit code; null when the command could not start or was killed by a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Why the command did not start (e.g. ENOENT: not installed). */
  startError?: NodeJS.ErrnoException;
}

/** Runs `command` and resolves when it exits; never rejects. */
export function runToEnd(command: string, args: readonly string[], options: { cwd?: string } = {}): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error: NodeJS.ErrnoException) => resolve({ code: null, stdout, stderr, startError: error }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The last non-empty line a command wrote: for a failure, usually the one that says why. */
export function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .pop() ?? ''
  );
}

/** Why a finished command failed, in one line. */
export function failureReason(what: string, finished: Finished): string {
  if (finished.startError !== undefined) {
    const { code, path, message } = finished.startError;
    return code === 'ENOENT' ? `${what}: ${path ?? 'the command'} not found on PATH` : `${what}: ${message}`;
  }
  const said = lastLine(finished.stderr) || lastLine(finished.stdout);
  return `${what} exited with code ${finished.code}${said === '' ? '' : `: ${said}`}`;
}
