// What an execution of the SageMaker training pipeline finds in its inputs folder
// (LabelledRowsUri): written by Vigil's pipeline adapter before the start, read by the image's
// `vigil train` and `vigil evaluate`. Network isolation keeps the jobs from looking anything up,
// so everything they use is staged here:
//   <rows>                the labelled rows, Parquet objects Athena UNLOAD names (no extension)
//   contract.json         the feature contract the rows were selected and converted under
//   champion/model.json   the champion's artifact (or champion/model.tar.gz), when it has one

/** 'training' or 'holdout': which step reads the row. */
export const PART_COLUMN = 'part';
export type RowPart = 'training' | 'holdout';

export const CONTRACT_FILE = 'contract.json';
export const CHAMPION_FOLDER = 'champion';

/** Whether a path relative to the inputs folder is one of the Parquet row objects. */
export function isRowsObject(relative: string): boolean {
  return relative !== CONTRACT_FILE && !relative.includes('/');
}
