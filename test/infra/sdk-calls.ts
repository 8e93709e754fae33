// Test infrastructure only: the AWS SDK calls the code makes, read from the source, and which of
// them the worker makes (those in files the worker's entry point imports, directly or not).
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';

const clientServices: Readonly<Record<string, string>> = {
  'client-athena': 'Athena',
  'client-s3': 'S3',
  'client-sagemaker': 'SageMaker',
  'client-sagemaker-runtime': 'SageMakerRuntime',
  'client-cloudwatch': 'CloudWatch',
  'client-sns': 'SNS',
  'client-cost-explorer': 'CostExplorer',
  'client-kinesis': 'Kinesis',
};

export interface SdkCall {
  call: string;
  file: string;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.ts')).map((entry) => join(entry.parentPath, entry.name));
}

/** Every `new XCommand(`, `paginateX(` and `waitUntilX(` of an @aws-sdk client, per file. */
export async function sdkCallsIn(root: string): Promise<SdkCall[]> {
  const calls: SdkCall[] = [];
  for (const file of await sourceFiles(root)) {
    const text = await readFile(file, 'utf8');
    const imported = new Map<string, string>();
    for (const match of text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/(client-[a-z0-9-]+)'/g)) {
      const service = clientServices[match[2] ?? ''];
      if (service === undefined) throw new Error(`${file}: no service known for @aws-sdk/${match[2]}`);
      for (const name of (match[1] ?? '').split(',').map((part) => part.replace(/^\s*type\s+/, '').trim().split(/\s+as\s+/)[0] ?? '')) imported.set(name, service);
    }
    const found = new Set<string>();
    for (const match of text.matchAll(/new ([A-Z][A-Za-z0-9]+)Command\(|\b(paginate|waitUntil)([A-Z][A-Za-z0-9]+)\(/g)) {
      const name = match[1] !== undefined ? `${match[1]}Command` : `${match[2]}${match[3]}`;
      const service = imported.get(name);
      if (service === undefined) continue;
      const operation = match[1] ?? (match[2] === 'waitUntil' ? waiterOperation(match[3] ?? '') : match[3]);
      found.add(`${service}.${operation}`);
    }
    for (const call of found) calls.push({ call, file: relative(process.cwd(), file) });
  }
  return calls;
}

/** The operation a waiter polls. */
function waiterOperation(waiter: string): string {
  const described = /^(Endpoint|Model|EndpointConfig)(Deleted|InService)$/.exec(waiter);
  if (described === null) throw new Error(`no operation known for waiter waitUntil${waiter}`);
  return `Describe${described[1]}`;
}

/** The files an entry point imports, directly or through others (relative imports only). */
export async function importClosure(entry: string): Promise<Set<string>> {
  const seen = new Set<string>();
  const pending = [resolve(entry)];
  while (pending.length > 0) {
    const file = pending.pop() ?? '';
    if (seen.has(file)) continue;
    seen.add(file);
    const text = await readFile(file, 'utf8');
    for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)\.js'/g)) pending.push(resolve(dirname(file), `${match[1]}.ts`));
  }
  return new Set([...seen].map((file) => relative(process.cwd(), file)));
}
