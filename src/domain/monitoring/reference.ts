// The reference a window is compared against: the rows the serving model version was trained on.
// A version trained by a retraining run is described by its training window over the production
// log (with the labels known when it was trained) — a description, never a copy of the rows. The
// first version, or one trained elsewhere, falls back to the configured `sources.baseline`.

export type ModelReference =
  | { kind: 'baseline'; version?: string }
  | {
      kind: 'training-window';
      version: string;
      window: { start: string; end: string };
      labelsAsOf: string;
      /**
       * The rows it was trained on, scored by the version itself, as the training pipeline wrote
       * them (JSON lines). Prediction drift and bias then compare the version with its own outputs
       * on its training rows; without it (a warehouse that cannot read the file, an older run) the
       * window's logged predictions, those of the version that served it then, are used.
       */
      scoredRowsUri?: string;
    };

/** The reference of a version trained by a retraining run on `trainingWindow`, labels as of `asOf`. */
export function trainingReference(
  version: string,
  plan: { trainingWindow: { start: string; end: string }; asOf: string; scoredRowsUri?: string | undefined },
): ModelReference {
  return {
    kind: 'training-window',
    version,
    window: { start: plan.trainingWindow.start, end: plan.trainingWindow.end },
    labelsAsOf: plan.asOf,
    ...(plan.scoredRowsUri === undefined ? {} : { scoredRowsUri: plan.scoredRowsUri }),
  };
}

/**
 * The version whose reference a window uses. A mixed window (a deploy inside it) is not split:
 * it uses the version that served most of its rows (ties: the newer version, by name order as
 * v10 > v9), and the run records which one (`reference_version`).
 */
export function referenceVersion(servedBy: readonly { version: string; rows: number }[]): string | undefined {
  let best: { version: string; rows: number } | undefined;
  for (const entry of servedBy) {
    if (best === undefined || entry.rows > best.rows || (entry.rows === best.rows && compareVersions(entry.version, best.version) > 0)) best = entry;
  }
  return best?.version;
}

/** The reference of `version`: its stored one, else the configured baseline. */
export function referenceFor(version: string | undefined, stored: ReadonlyMap<string, ModelReference>): ModelReference {
  const found = version === undefined ? undefined : stored.get(version);
  return found ?? (version === undefined ? { kind: 'baseline' } : { kind: 'baseline', version });
}

function compareVersions(a: string, b: string): number {
  const na = /^v(\d+)$/.exec(a)?.[1];
  const nb = /^v(\d+)$/.exec(b)?.[1];
  if (na !== undefined && nb !== undefined) return Number(na) - Number(nb);
  return a < b ? -1 : a > b ? 1 : 0;
}
