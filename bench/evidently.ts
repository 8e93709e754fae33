// The Evidently side of the bench's comparison: a virtualenv with pinned Evidently in a cache
// folder outside the repository (made on first use), and one run of bench/evidently_window.py per
// window size. Anything that goes wrong here (no python3, no network for pip, a failed report)
// becomes a reason to print, never an exception: the comparison is extra, Vigil's figures are not.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { failureReason, lastLine, runToEnd } from './processes.js';

export const evidentlyVersion = '0.7.23';

/**
 * What the virtualenv gets. Evidently 0.7.23 breaks on pandas 2.3 and later, so pandas is pinned
 * below it; pyarrow reads the Parquet files. Exact versions keep the figures comparable run to run.
 */
const pinnedPackages = [`evidently==${evidentlyVersion}`, 'pandas==2.2.3', 'pyarrow==26.0.1'];

/**
 * Above this many rows the bench does not run Evidently: it holds the window in pandas several
 * times over (~1.5 GB of peak RSS at 1M rows, ~60 s), so 10M rows would need well over the
 * memory of a usual machine and ten minutes or more.
 */
export const defaultEvidentlyMaxRows = 3_000_000;
/** Peak RSS per million window rows when no smaller window was measured in the same run. */
const fallbackGbPerMillionRows = 1.5;

const scriptPath = fileURLToPath(new URL('./evidently_window.py', import.meta.url));
/** Written last when the virtualenv is complete, with the pins it holds. */
const readyMarker = '.vigil-bench-ready';

export interface EvidentlyResult {
  rows: number;
  referenceRows: number;
  importS: number;
  loadS: number;
  reportS: number;
  /** From reading the files to the finished report; imports excluded. */
  wallS: number;
  peakRssMb: number;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

/** ~/.cache/vigil/evidently-0.7.23, or under $XDG_CACHE_HOME when set. */
export function defaultEvidentlyVenv(): string {
  const cache = process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache');
  return join(cache, 'vigil', `evidently-${evidentlyVersion}`);
}

function venvPython(venv: string): string {
  return join(venv, 'bin', 'python');
}

function isReady(venv: string): boolean {
  const marker = join(venv, readyMarker);
  return existsSync(venvPython(venv)) && existsSync(marker) && readFileSync(marker, 'utf8') === pinnedPackages.join('\n');
}

/**
 * The virtualenv's python, making the virtualenv first if it is absent or incomplete. An
 * interrupted pip install leaves no marker, so the next run installs again; both steps are
 * idempotent, and without --clear a virtualenv made elsewhere (--evidently-venv) is completed,
 * never wiped.
 */
export async function ensureEvidentlyPython(venv: string, log: (line: string) => void): Promise<Outcome<string>> {
  if (isReady(venv)) return { ok: true, value: venvPython(venv) };
  log(`making a Python virtualenv for Evidently in ${venv} (once; pip install ${pinnedPackages.join(' ')}, about a minute)...`);
  const created = await runToEnd('python3', ['-m', 'venv', venv]);
  if (created.code !== 0) return { ok: false, reason: failureReason('python3 -m venv', created) };
  const installed = await runToEnd(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...pinnedPackages]);
  if (installed.code !== 0) return { ok: false, reason: failureReason('pip install', installed) };
  writeFileSync(join(venv, readyMarker), pinnedPackages.join('\n'));
  return { ok: true, value: venvPython(venv) };
}

export interface EvidentlyRun {
  python: string;
  dir: string;
  rows: number;
  numerical: readonly string[];
  categorical: readonly string[];
}

/** One Evidently report over a generated window, in a process of its own (so its peak RSS is the window's). */
export async function runEvidently(run: EvidentlyRun): Promise<Outcome<EvidentlyResult>> {
  const finished = await runToEnd(run.python, [
    scriptPath,
    '--dir', run.dir,
    '--rows', String(run.rows),
    '--numerical', run.numerical.join(','),
    '--categorical', run.categorical.join(','),
  ]);
  if (finished.code !== 0) return { ok: false, reason: failureReason('evidently_window.py', finished) };
  try {
    return { ok: true, value: JSON.parse(lastLine(finished.stdout)) as EvidentlyResult };
  } catch {
    return { ok: false, reason: `evidently_window.py printed no JSON result: ${lastLine(finished.stdout).slice(0, 200)}` };
  }
}

/**
 * The peak RSS Evidently would reach on `rows`, in GB: scaled from the largest window it ran in
 * this bench when there is one (its memory grows in proportion to the rows), else a rough rate.
 */
export function estimatedEvidentlyGb(rows: number, measured: readonly EvidentlyResult[]): number {
  const largest = measured.reduce<EvidentlyResult | undefined>((best, r) => (best === undefined || r.rows > best.rows ? r : best), undefined);
  if (largest === undefined) return (rows / 1e6) * fallbackGbPerMillionRows;
  return ((largest.peakRssMb / 1024) * rows) / largest.rows;
}
