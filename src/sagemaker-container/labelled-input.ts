// The execution's inputs folder as a job of the image sees it (the "labelled" channel or
// processing input): the feature contract Vigil staged beside the rows, and the rows of one part,
// read with the local trainer's own Parquet reader.
import { type Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { readPartRows } from '../adapters/local/training/parquet-training-rows.js';
import { CONTRACT_FILE, isRowsObject, type RowPart } from '../adapters/shared/pipeline-inputs.js';
import { parseContract, type FeatureContract } from '../domain/contract/contract.js';
import { messageOf } from '../domain/errors.js';
import { type TrainingRow } from '../domain/sql/training-rows.js';
import { JobInputError } from './job-failure.js';

export interface LabelledInput {
  folder: string;
  contract: FeatureContract;
  /** The Parquet row objects, by name. */
  rowFiles: string[];
}

async function entriesOf(folder: string, what: string): Promise<Dirent[]> {
  try {
    return await readdir(folder, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new JobInputError(`${what} ${folder} does not exist: the job was given no such input`);
    throw new JobInputError(`cannot list ${what} ${folder}: ${messageOf(error)}`);
  }
}

async function contractIn(folder: string, what: string): Promise<FeatureContract> {
  const path = join(folder, CONTRACT_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new JobInputError(`${what} ${folder} has no ${CONTRACT_FILE}: Vigil stages the feature contract beside the rows before it starts the pipeline`);
    }
    throw new JobInputError(`cannot read ${path}: ${messageOf(error)}`);
  }
  try {
    return parseContract(JSON.parse(text), path);
  } catch (error) {
    throw new JobInputError(messageOf(error));
  }
}

/** `what` names the input in messages ("channel labelled"). */
export async function openLabelledInput(folder: string, what: string): Promise<LabelledInput> {
  const entries = await entriesOf(folder, what);
  const contract = await contractIn(folder, what);
  const rowFiles = entries
    .filter((entry) => entry.isFile() && isRowsObject(entry.name))
    .map((entry) => join(folder, entry.name))
    .sort();
  if (rowFiles.length === 0) throw new JobInputError(`${what} ${folder} holds no Parquet rows beside its ${CONTRACT_FILE}`);
  return { folder, contract, rowFiles };
}

/** The rows of the given parts, read in an in-memory DuckDB that keeps the order its query asks for. */
export async function readParts<P extends RowPart>(input: LabelledInput, parts: readonly P[]): Promise<Record<P, TrainingRow[]>> {
  const instance = await DuckDBInstance.create(':memory:', { preserve_insertion_order: 'true' });
  const connection = await instance.connect();
  try {
    const rows = {} as Record<P, TrainingRow[]>;
    for (const part of parts) rows[part] = await readPartRows(connection, input.rowFiles, input.contract, part);
    return rows;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
