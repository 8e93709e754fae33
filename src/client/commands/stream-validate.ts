// `vigil stream validate --contract C [--out DIR] [--json] < records.ndjson`: the stream path's
// check on a file of records, one JSON object a line, as a Kinesis batch would bring them. Each
// record is judged by the record validator (the SQL quarantine's decision and reason): valid rows
// go to DIR/valid.ndjson in contract order with the contract's version and hash stamped,
// quarantined ones to DIR/quarantine.ndjson with their reason and the line as received. A line
// that is not a JSON object is quarantined too; nothing is thrown away and nothing stops the run.
// The judge is the stream function's own (src/domain/stream/judge-record.ts), the line number
// standing in for the sequence number.
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { parseContract } from '../../domain/contract/contract.js';
import { contractStamp } from '../../adapters/shared/contract-hash.js';
import { recordJudge } from '../../domain/stream/judge-record.js';
import { ProgressLine } from '../../terminal/progress.js';
import { readContractJson } from '../drift/file-checks.js';

export interface StreamValidateOptions {
  contract: string;
  out?: string;
  json?: boolean;
}

export interface StreamSummary {
  received: number;
  valid: number;
  quarantined: number;
  /** Records per reason part ("price: not a float", "record_id: missing", "not JSON"). */
  reasons: Record<string, number>;
}

export interface StreamIo {
  input: NodeJS.ReadableStream;
  progress?: ProgressLine;
}

/** How often the progress line moves, in records. */
const progressEvery = 100_000;

/** Writes lines to a file, waiting when its buffer is full (a large input never piles up in memory). */
class LineFile {
  private readonly stream: WriteStream;

  constructor(path: string) {
    this.stream = createWriteStream(path, { encoding: 'utf8' });
  }

  async write(line: string): Promise<void> {
    if (!this.stream.write(`${line}\n`)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

export async function streamValidate(options: StreamValidateOptions, io: StreamIo): Promise<StreamSummary> {
  const contract = parseContract(await readContractJson(options.contract), options.contract);
  const judge = recordJudge(contract, contractStamp(contract));
  if (options.out !== undefined) await mkdir(options.out, { recursive: true });
  const files = options.out === undefined ? undefined : { valid: new LineFile(join(options.out, 'valid.ndjson')), quarantine: new LineFile(join(options.out, 'quarantine.ndjson')) };
  const summary: StreamSummary = { received: 0, valid: 0, quarantined: 0, reasons: {} };
  const arrivedAt = new Date().toISOString();
  try {
    const lines = createInterface({ input: io.input, crlfDelay: Infinity });
    let lineNumber = 0;
    for await (const text of lines) {
      lineNumber += 1;
      if (text.trim() === '') continue;
      summary.received += 1;
      if (summary.received % progressEvery === 0) io.progress?.update(`validated ${summary.received.toLocaleString('en')} records`);
      // The line number is the record's place in the file, as a sequence number is in a stream.
      const judged = judge({ sequence: String(lineNumber), text, arrivedAt });
      if (judged.valid) {
        summary.valid += 1;
        await files?.valid.write(JSON.stringify(judged.row));
        continue;
      }
      summary.quarantined += 1;
      for (const kind of judged.kinds) summary.reasons[kind] = (summary.reasons[kind] ?? 0) + 1;
      await files?.quarantine.write(JSON.stringify(judged.entry));
    }
  } finally {
    io.progress?.done();
    await files?.valid.close();
    await files?.quarantine.close();
  }
  return summary;
}

export function summaryLines(summary: StreamSummary, out: string | undefined): string[] {
  const reasons = Object.entries(summary.reasons).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
  return [
    `${summary.received.toLocaleString('en')} records: ${summary.valid.toLocaleString('en')} valid, ${summary.quarantined.toLocaleString('en')} quarantined` +
      (out === undefined ? ' (nothing written: --out DIR writes valid.ndjson and quarantine.ndjson)' : ` (${join(out, 'valid.ndjson')}, ${join(out, 'quarantine.ndjson')})`),
    ...reasons.map(([kind, count]) => `  ${count.toLocaleString('en')}  ${kind}`),
  ];
}

export async function streamValidateCommand(options: StreamValidateOptions): Promise<StreamSummary> {
  const summary = await streamValidate(options, { input: process.stdin, progress: new ProgressLine() });
  if (options.json === true) console.log(JSON.stringify(summary));
  else for (const line of summaryLines(summary, options.out)) console.log(line);
  return summary;
}
