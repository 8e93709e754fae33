// Where SageMaker puts a job's inputs and takes its outputs, under /opt/ml (a test gives another
// root). Training: hyperparameters in input/config, channel "labelled" in input/data, the model
// written to model/ (SageMaker tars it to <OutputPrefix>/<job>/output/model.tar.gz), the failure
// reason in output/failure. Processing: the inputs at the LocalPaths of the pipeline definition,
// the report in processing/evaluation/ (uploaded to OutputPrefix), the exit message in output/message.
import { join } from 'node:path';

export const defaultMlRoot = '/opt/ml';

/** The training channel, and the processing input, holding the execution's inputs folder. */
export const LABELLED_CHANNEL = 'labelled';
/** The processing input holding the candidate's model.tar.gz (Steps.Train.ModelArtifacts.S3ModelArtifacts). */
export const CANDIDATE_INPUT = 'candidate';
/** The processing output uploaded to OutputPrefix, where Vigil reads evaluation.json. */
export const EVALUATION_OUTPUT = 'evaluation';

export interface TrainingPaths {
  hyperparameters: string;
  labelled: string;
  modelDir: string;
  failure: string;
}

export function trainingPaths(root = defaultMlRoot): TrainingPaths {
  return {
    hyperparameters: join(root, 'input', 'config', 'hyperparameters.json'),
    labelled: join(root, 'input', 'data', LABELLED_CHANNEL),
    modelDir: join(root, 'model'),
    failure: join(root, 'output', 'failure'),
  };
}

export interface ProcessingPaths {
  candidate: string;
  labelled: string;
  evaluation: string;
  message: string;
}

export function processingPaths(root = defaultMlRoot): ProcessingPaths {
  return {
    candidate: join(root, 'processing', CANDIDATE_INPUT),
    labelled: join(root, 'processing', LABELLED_CHANNEL),
    evaluation: join(root, 'processing', EVALUATION_OUTPUT),
    message: join(root, 'output', 'message'),
  };
}
