// Where the champion's registered artifact is, and the name it gets among an execution's inputs
// (champion/model.json or champion/model.tar.gz): the Evaluate step reads it there, since with
// network isolation it can reach neither the registry nor S3 itself.
import { NonRetryableError } from '../../../../domain/errors.js';
import { CHAMPION_FOLDER } from '../../../shared/pipeline-inputs.js';
import { parseS3Uri, type S3Location } from './pipeline-parameters.js';

export interface ChampionSource extends S3Location {
  /** Relative to the inputs folder. */
  stagedAs: string;
}

/** The artifact's object: a model.tar.gz, a model.json, or the model.json of a folder (as the model host reads them). */
export function championSource(artifactUri: string, what: string): ChampionSource {
  const location = parseS3Uri(artifactUri, what);
  if (location.key.endsWith('.tar.gz')) return { ...location, stagedAs: `${CHAMPION_FOLDER}/model.tar.gz` };
  if (location.key.endsWith('/')) return { ...location, key: `${location.key}model.json`, stagedAs: `${CHAMPION_FOLDER}/model.json` };
  if (location.key.endsWith('/model.json') || location.key === 'model.json') return { ...location, stagedAs: `${CHAMPION_FOLDER}/model.json` };
  throw new NonRetryableError(`${what} ${artifactUri} is not a model.tar.gz, a model.json or a folder ending in "/"`, 'INVALID_INPUT');
}
