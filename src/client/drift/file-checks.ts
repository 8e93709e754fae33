// `vigil drift`'s checks on its input files before DuckDB reads them, so a bad file is refused in
// one line naming the file (and the line or column) instead of a raw reader error or a silently
// wrong result: missing or empty files, wildcards, non-UTF-8 text, duplicate headers, no rows.
import { readFile, stat } from 'node:fs/promises';

function csvHeader(line: string): string[] {
  return line
    .replace(/\r$/, '')
    .split(',')
    .map((name) => name.trim().replace(/^"(.*)"$/, '$1'));
}

/** The 1-based line holding the first byte sequence that is not UTF-8, or undefined. */
function firstNonUtf8Line(bytes: Buffer): number | undefined {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    decoder.decode(bytes);
    return undefined;
  } catch {
    let start = 0;
    for (let line = 1; start <= bytes.length; line += 1) {
      const end = bytes.indexOf(0x0a, start);
      const stop = end === -1 ? bytes.length : end;
      try {
        decoder.decode(bytes.subarray(start, stop));
      } catch {
        return line;
      }
      start = stop + 1;
    }
    return undefined;
  }
}

function checkCsvText(path: string, bytes: Buffer): void {
  const badLine = firstNonUtf8Line(bytes);
  if (badLine !== undefined) throw new Error(`${path}: line ${badLine} is not UTF-8 text`);
  const lines = bytes.toString('utf8').split('\n');
  const header = csvHeader(lines[0] ?? '');
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) throw new Error(`${path}: column "${name}" appears more than once in the header`);
    seen.add(name);
  }
  if (!lines.slice(1).some((line) => line.trim() !== '')) throw new Error(`${path}: no rows (only a header)`);
}

/** Refuses a data file `vigil drift` cannot compare honestly; `what` is the flag naming it. */
export async function checkDataFile(path: string, what: string): Promise<void> {
  if (/[*?[\]{}]/.test(path)) throw new Error(`${what} ${path}: wildcard characters are not allowed; name one file`);
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new Error(`${what} ${path}: no such file`);
  if (!info.isFile()) throw new Error(`${what} ${path}: not a file`);
  if (info.size === 0) throw new Error(`${what} ${path}: the file is empty`);
  if (/\.csv$/i.test(path)) checkCsvText(path, await readFile(path));
}

/** True when a prefix of a JSON text holds no error yet (it may just end too early). */
function isIncomplete(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message)?.[1];
    if (position !== undefined) return Number(position) >= text.length;
    return /end of JSON input|Unterminated string/.test(message);
  }
}

/** Line and column (1-based) of the first character a JSON parser refuses. */
function syntaxErrorPosition(text: string): { line: number; column: number } {
  let low = 0;
  let high = text.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (isIncomplete(text.slice(0, middle))) low = middle;
    else high = middle - 1;
  }
  const before = text.slice(0, low);
  const line = before.split('\n').length;
  return { line, column: low - before.lastIndexOf('\n') };
}

/** Parses a contract file's JSON, naming the file and the position of a syntax error. */
export async function readContractJson(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    throw new Error(`--contract ${path}: cannot read the file (${(error as Error).message})`);
  });
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const { line, column } = syntaxErrorPosition(text);
    throw new Error(`--contract ${path}: invalid JSON at line ${line}, column ${column}: ${(error as Error).message}`);
  }
}
