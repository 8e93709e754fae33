// Scores the window's valid rows that were logged without a prediction, through the production
// endpoint, page by page; a retry resumes after the last page it heartbeated.
import { servingRow } from '../../domain/contract/serving-row.js';
import { windowLabel } from '../../domain/monitoring/windows.js';
import { decodeRowsToScore, rowsToScoreSql, type MonitoringQueryInput } from '../../domain/sql/monitoring-queries.js';
import type { Row } from '../../domain/sql/row.js';
import { cancellationSignal, heartbeat, heartbeatDetails } from '../shared/activity-context.js';
import { classified } from '../shared/activity-errors.js';
import type { ActivityDeps } from '../shared/activity-deps.js';
import { clockOf } from '../shared/clock.js';
import { windowQueryInput, type WindowRef } from './window-query.js';

const scoringPageRows = 500;
const scoringConcurrency = 4;

type RowsToScore = ReturnType<typeof decodeRowsToScore>;

/** One page through the endpoint, as rows of scored_predictions. */
async function scorePage(deps: ActivityDeps, now: () => Date, model: string, endpoint: string, input: MonitoringQueryInput, rows: RowsToScore): Promise<Row[]> {
  const result = await deps.modelHost.invoke(endpoint, rows.map((row) => servingRow(input.contract, row.features)));
  if (result.predictions.length !== rows.length) {
    throw new Error(`endpoint ${endpoint} returned ${result.predictions.length} predictions for ${rows.length} rows`);
  }
  const scoredAt = now().toISOString();
  return rows.map((row, index) => ({
    model,
    record_id: row.recordId,
    prediction: result.predictions[index] ?? null,
    model_version: result.modelVersion ?? null,
    endpoint,
    scored_at: scoredAt,
  }));
}

export function createScoreMissingActivities(deps: ActivityDeps) {
  const now = clockOf(deps);
  return {
    /** Scores the window's valid rows that have no logged prediction, through the production endpoint. */
    async scoreMissingPredictions({ model, window }: WindowRef): Promise<{ scored: number }> {
      return classified(`score ${model} ${windowLabel(window)}`, async () => {
        const { config, input } = await windowQueryInput(deps, model, window);
        const endpoint = config.endpoints.production;
        const details = heartbeatDetails<{ scored?: number; after?: string }>();
        let scored = details?.scored ?? 0;
        // Rows scored by an earlier attempt drop out of the query (their prediction is no longer
        // null), so resuming never scores a row twice; `after` only skips re-reading them.
        let after = details?.after;
        const signal = cancellationSignal();
        for (;;) {
          const pages: Promise<Row[]>[] = [];
          let lastId: string | undefined = after;
          for (let page = 0; page < scoringConcurrency; page += 1) {
            const built = rowsToScoreSql(input, { limit: scoringPageRows, ...(lastId === undefined ? {} : { afterRecordId: lastId }) });
            const rows = decodeRowsToScore((await deps.warehouse.query(built.sql, { label: built.label })).rows, input.contract);
            if (rows.length === 0) break;
            lastId = rows[rows.length - 1]?.recordId;
            pages.push(scorePage(deps, now, model, endpoint, input, rows));
          }
          if (pages.length === 0) break;
          const results = (await Promise.all(pages)).flat();
          await deps.warehouse.appendRows('scored_predictions', results);
          scored += results.length;
          after = lastId;
          heartbeat({ scored, after });
          if (signal?.aborted === true) throw new Error('scoring cancelled');
        }
        return { scored };
      });
    },
  };
}
