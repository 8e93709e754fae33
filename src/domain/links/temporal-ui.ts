// Links into the Temporal Web UI: a run's history page, or the list of a workflow id's runs when
// the run is not known.

function base(uiUrl: string, namespace: string): string {
  return `${uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows`;
}

export function runUrl(uiUrl: string, namespace: string, workflowId: string, runId: string): string {
  return `${base(uiUrl, namespace)}/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`;
}

export function workflowRunsUrl(uiUrl: string, namespace: string, workflowId: string): string {
  return `${base(uiUrl, namespace)}?query=${encodeURIComponent(`WorkflowId="${workflowId}"`)}`;
}
