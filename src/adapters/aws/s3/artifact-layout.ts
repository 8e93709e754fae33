// Where Vigil keeps each model version's objects in the artifacts bucket. A version trained by the
// pipeline writes its model and evaluation report under its own folder; the labelled rows exported
// for its training sit under one shared prefix, so a single lifecycle rule can expire them.

export interface ArtifactLayout {
  bucket: string;
  /** The configured artifacts prefix ('' or ending in "/"). */
  prefix: string;
}

/** `s3://bucket/<prefix>models`: each pipeline execution writes under `<root>/<model>/<version>/`. */
export function outputsRoot(layout: ArtifactLayout): string {
  return `s3://${layout.bucket}/${layout.prefix}models`;
}

/** `s3://bucket/<prefix>pipeline-inputs`: each execution's labelled rows under `<root>/<model>/<version>/`. */
export function pipelineInputsRoot(layout: ArtifactLayout): string {
  return `s3://${layout.bucket}/${layout.prefix}pipeline-inputs`;
}

/** The key prefix every pipeline input lies under (the lifecycle rule's filter). */
export function pipelineInputsPrefix(layout: ArtifactLayout): string {
  return `${layout.prefix}pipeline-inputs/`;
}

/** The folders (key prefixes) that belong to one version only: its outputs and its pipeline inputs. */
export function versionFolders(layout: ArtifactLayout, model: string, version: string): string[] {
  return [`${layout.prefix}models/${model}/${version}/`, `${pipelineInputsPrefix(layout)}${model}/${version}/`];
}
