// Workflow histories for replay tests. Workflow tests save the histories of the runs they make
// when VIGIL_RECORD_HISTORIES=1 (`npm run histories:record`); the committed files are replayed
// against the current workflow code on every test run, so a change that breaks determinism for
// runs already in flight fails the build. Histories are stored in the protobuf wire format
// (History.encode): the SDK's JSON helpers in this version pair with a second protobufjs copy.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

const { History } = proto.temporal.api.history.v1;

export const historiesDir = join(process.cwd(), 'test', 'histories');

export async function maybeRecordHistory(client: Client, workflowId: string, name: string): Promise<void> {
  if (process.env.VIGIL_RECORD_HISTORIES !== '1') return;
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  await mkdir(historiesDir, { recursive: true });
  await writeFile(join(historiesDir, `${name}.history.pb`), History.encode(History.fromObject(history)).finish());
  // The history does not hold its workflow id, and a workflow that checks messages against its own
  // id must replay under the id it ran with.
  await writeFile(join(historiesDir, `${name}.workflow-id`), `${workflowId}\n`);
}

export interface SavedHistory {
  workflowId: string;
  history: proto.temporal.api.history.v1.History;
}

export async function savedHistories(): Promise<SavedHistory[]> {
  const files = (await readdir(historiesDir)).filter((file) => file.endsWith('.history.pb')).sort();
  return Promise.all(
    files.map(async (file) => {
      const name = file.replace(/\.history\.pb$/, '');
      // Histories recorded before the id was kept replay under their file name.
      const recordedId = await readFile(join(historiesDir, `${name}.workflow-id`), 'utf8').catch(() => undefined);
      return { workflowId: recordedId?.trim() ?? name, history: History.decode(await readFile(join(historiesDir, file))) };
    }),
  );
}
