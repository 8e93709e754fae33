// The deployment config: one file per deployment, validated at start. Every problem is reported
// with its path, so a bad config is refused once with the whole list rather than one at a time.
import { z } from 'zod';
import { awsSchema } from './aws-schema.js';
import { durationSchema as duration } from './duration.js';
import { retrainingSchema } from './retraining-schema.js';
import type { Approver } from '../domain/retraining/approval-check.js';
import type { FacetPolicy, MonitoringPolicy } from '../domain/monitoring/policy.js';

const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be letters, digits and underscores');
const endpointName = z.string().regex(/^[A-Za-z0-9](-*[A-Za-z0-9])*$/, 'must be letters, digits and hyphens (SageMaker endpoint rules)').max(63);

const fileSource = z
  .object({
    path: z.string().min(1),
    format: z.enum(['parquet', 'csv']).default('parquet'),
  })
  .strict();

const tableSource = z.object({ table: z.string().min(1) }).strict();
const source = z.union([fileSource, tableSource]);

const comparison = z.enum(['>=', '>', '<=', '<']);
const thresholdRule = z.object({ op: comparison.default('>='), threshold: z.number() }).strict();
const allowedRange = z
  .object({ min: z.number().optional(), max: z.number().optional() })
  .strict()
  .refine((range) => range.min !== undefined || range.max !== undefined, 'give min, max or both');

export const numericDriftMethods = ['wasserstein_normed', 'wasserstein', 'ks_statistic', 'ks_p_value', 'psi', 'js_distance'] as const;
export const categoricalDriftMethods = ['js_distance', 'psi', 'linf', 'chi2_p_value', 'unseen_share'] as const;

const driftRule = <T extends readonly [string, ...string[]]>(methods: T, method: T[number], threshold: number) =>
  z
    .object({ method: z.enum(methods).optional(), threshold: z.number().positive().default(threshold) })
    .strict()
    .prefault({})
    .transform((rule) => ({ method: rule.method ?? method, threshold: rule.threshold }));

const facet = z.union([
  z.object({ name: identifier, kind: z.literal('weekend') }).strict(),
  z
    .object({
      name: identifier,
      kind: z.literal('feature'),
      feature: identifier,
      /** Groups with fewer labelled rows (in the window or the baseline) stay out of the gap. */
      minGroupRows: z.number().int().min(1).default(30),
      /** The baseline's largest groups kept by name; the rest are pooled into one `other` group. */
      topGroups: z.number().int().min(1).max(100).default(10),
    })
    .strict(),
]);

const schedule = z
  .object({
    /** Cron expression in `timezone`, e.g. "0 6 * * *". */
    cron: z.string().min(9),
    timezone: z.string().default('UTC'),
    jitter: duration.default('5m'),
    catchupWindow: duration.default('1d'),
    paused: z.boolean().default(false),
  })
  .strict();

const monitoring = z
  .object({
    /** Window length in days; 1 is "yesterday". */
    windowDays: z.number().int().min(1).max(90).default(1),
    /**
     * Share of the window's days that must hold rows for drift and bias to be judged; a window
     * below it is marked partial (quality and performance are still measured).
     */
    minWindowCoverage: z.number().min(0).max(1).default(0.5),
    /** How many past windows to re-evaluate daily as their delayed labels arrive. */
    relabelDays: z.number().int().min(0).max(60).default(7),
    /** Deterministic hash sampling of the window (1 = every row). */
    sampleRate: z.number().gt(0).max(1).default(1),
    bins: z.number().int().min(2).max(100).default(10),
    drift: z
      .object({
        numeric: driftRule(numericDriftMethods, 'wasserstein_normed', 0.1),
        categorical: driftRule(categoricalDriftMethods, 'js_distance', 0.1),
        prediction: driftRule(numericDriftMethods, 'wasserstein_normed', 0.1),
        /** Level for p-value methods, after a Benjamini-Hochberg correction across features. */
        fdrAlpha: z.number().gt(0).lt(1).default(0.05),
        /** Per-feature overrides. */
        features: z.record(z.string(), z.object({ method: z.string(), threshold: z.number() }).strict()).default({}),
      })
      .strict()
      .prefault({}),
    performance: z.partialRecord(z.enum(['rmse', 'mae', 'mape', 'r2', 'mean_error', 'label_coverage']), allowedRange).default({}),
    quality: z
      .object({
        missingShare: thresholdRule.default({ op: '>=', threshold: 0.05 }),
        typeErrorShare: thresholdRule.default({ op: '>=', threshold: 0.01 }),
        outOfRangeShare: thresholdRule.default({ op: '>=', threshold: 0.05 }),
      })
      .strict()
      .prefault({}),
    facets: z.array(facet).default([{ name: 'weekend', kind: 'weekend' }]),
    /**
     * Facet gaps are measured over the trailing days ending with the window: a one-day window
     * holds only weekdays or only a weekend day, so the weekend gap needs a week.
     */
    facetWindowDays: z.number().int().min(1).max(90).default(7),
    /** Allowed change of each facet gap against the baseline gap. */
    bias: z
      .partialRecord(z.enum(['mean_prediction_gap_change', 'rmse_gap_change', 'mean_error_gap_change']), allowedRange)
      .default({}),
    schedule: schedule.prefault({ cron: '0 6 * * *' }),
  })
  .strict();

/**
 * An approver names the channel that vouches for the identity: a Slack user id is proven by
 * Slack's signed click, a CLI name only by access to the Temporal namespace (see README).
 */
const slackUserId = /^[UW][A-Z0-9]{2,}$/;
const approver = z.unknown().transform((value, ctx): Approver => {
  const entries = typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.entries(value) : [];
  const [channel, id] = entries.length === 1 ? entries[0]! : [];
  if (channel === 'slack' && typeof id === 'string' && slackUserId.test(id)) return { channel: 'slack', id };
  if (channel === 'cli' && typeof id === 'string' && id.trim() !== '') return { channel: 'cli', id };
  const message =
    typeof value === 'string'
      ? `a bare name does not say which channel vouches for it: write { cli: ${JSON.stringify(value)} } or { slack: "U0123ABCD" }`
      : channel === 'slack'
        ? 'must be a Slack user id such as U0123ABCD (not a name or an @mention)'
        : 'must be { slack: <Slack user id> } or { cli: <name> }';
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
});

const model = z
  .object({
    id: identifier,
    /** Path of the feature contract JSON, relative to the config file. */
    contract: z.string().min(1),
    endpoints: z
      .object({ production: endpointName, staging: endpointName })
      .strict(),
    sources: z
      .object({
        productionLog: source,
        labels: source,
        baseline: source,
        /** Where the stream path puts the records it refuses (vigil stream serve, the Kinesis function). */
        streamQuarantine: source.optional(),
      })
      .strict(),
    monitoring: monitoring.prefault({}),
    retraining: retrainingSchema.prefault({}),
    /** What the cleanup keeps of the model's versions, and when it runs (vigil schedules apply). */
    retention: z
      .object({
        /** Versions kept beyond those a rule protects (serving, rollback target, awaiting a deploy): the newest N. */
        keepVersions: z.number().int().min(1).max(1000).default(5),
        /** Nothing younger is deleted. */
        minAge: duration.default('7d'),
        /**
         * 'delete': the staging endpoint is deleted once a deploy has reached production (it bills
         * by the hour; the next deploy creates it again). 'persistent': it stays, serving the
         * version last deployed.
         */
        staging: z.enum(['delete', 'persistent']).default('delete'),
        /** The cleanup's Schedule, a cron in `timezone` (default: Sundays 04:00 UTC). */
        schedule: z.object({ cron: z.string().min(9), timezone: z.string().default('UTC') }).strict().default({ cron: '0 4 * * 0', timezone: 'UTC' }),
      })
      .strict()
      .prefault({}),
    /** Who may approve deployments of this model, per channel. */
    approvers: z.array(approver).default([]),
  })
  .strict();

const secret = z
  .string()
  .min(1)
  .describe('a literal, or env:NAME to read it from the environment');

const loopbackHosts = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** The bot token goes with every call to this URL, so plain http is only for a local stand-in. */
const slackApiUrl = z
  .url()
  .refine(
    (value) => {
      if (!URL.canParse(value)) return true; // z.url() reports it
      const url = new URL(value);
      return url.protocol === 'https:' || (url.protocol === 'http:' && loopbackHosts.has(url.hostname));
    },
    'must be https:// unless its host is loopback (127.0.0.1, ::1, localhost): the bot token is sent with every call and would travel in clear',
  );

export const configSchema = z
  .object({
    mode: z.enum(['local', 'aws']).default('local'),
    /** Local state: warehouse file, model artifacts, Temporal dev server database. */
    dataDir: z.string().default('.vigil'),
    temporal: z
      .object({
        taskQueue: z.string().min(1).default('vigil'),
        /**
         * Activities one worker runs at once. Most of a monitoring activity's time is spent
         * waiting on the warehouse, so this is several times the warehouse's connections: the
         * daily runs of many models then fan out instead of queueing for a slot.
         */
        maxConcurrentActivities: z.number().int().min(1).max(1000).default(32),
        /** Base URL of the Temporal Web UI, for links in alerts. */
        uiUrl: z.url().default('http://localhost:8233'),
      })
      .strict()
      .prefault({}),
    local: z
      .object({
        modelServerPort: z.number().int().min(0).max(65535).default(8080),
        /**
         * DuckDB's memory limit: the window statistics spill to disk past it, so the worker's
         * memory stays bounded whatever the window size (see `npm run bench`).
         */
        warehouseMemoryLimit: z.string().regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'must be a size such as 512MB or 2GB').default('512MB'),
        /**
         * DuckDB connections the worker's queries share (one database, one memory_limit): as many
         * statements run at once, so one model's query does not wait for another's to end. Each
         * running statement holds a thread of Node's libuv pool (UV_THREADPOOL_SIZE, 4 unless set),
         * which Node's file operations also need: the default leaves one thread for them.
         */
        warehouseConnections: z.number().int().min(1).max(64).default(3),
        /** The worker also serves the dashboard (`vigil dashboard` serves it without a worker). */
        dashboard: z
          .object({
            enabled: z.boolean().default(false),
            host: z.string().min(1).default('127.0.0.1'),
            port: z.number().int().min(0).max(65535).default(8090),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    aws: awsSchema.optional(),
    slack: z
      .object({
        botToken: secret,
        signingSecret: secret.optional(),
        channel: z.string().min(1),
        /** Override of https://slack.com/api/ (tests point it at a local server). */
        apiUrl: slackApiUrl.optional(),
        /** Where the Approve / Reject endpoint listens; a tunnel or reverse proxy forwards Slack's requests to it. */
        interactionsHost: z.string().min(1).default('127.0.0.1'),
        interactionsPort: z.number().int().min(0).max(65535).default(3000),
        interactionsPath: z.string().regex(/^\/[^\s?#]*$/, 'must be a URL path starting with /').default('/slack/interactions'),
      })
      .strict()
      .optional(),
    models: z.array(model).min(1),
  })
  .strict()
  .superRefine(
    (value, ctx) => {
      // Runs even when other fields are invalid (see `when`), so the value is read defensively.
      const config: unknown = value;
      if (field(config, 'mode') === 'aws' && field(config, 'aws') === undefined) {
        ctx.addIssue({ code: 'custom', path: ['aws'], message: 'is required when mode is "aws"' });
      }
      const models = field(config, 'models');
      if (!Array.isArray(models)) return;
      const ids = new Set<string>();
      models.forEach((entry: unknown, index) => {
        const id = field(entry, 'id');
        if (typeof id === 'string') {
          if (ids.has(id)) ctx.addIssue({ code: 'custom', path: ['models', index, 'id'], message: `duplicate model id "${id}"` });
          ids.add(id);
        }
        const endpoints = field(entry, 'endpoints');
        const production = field(endpoints, 'production');
        if (typeof production === 'string' && production === field(endpoints, 'staging')) {
          ctx.addIssue({ code: 'custom', path: ['models', index, 'endpoints'], message: 'staging and production must be different endpoints' });
        }
        if (field(config, 'mode') === 'aws') {
          // Athena reads catalogued tables; a local file cannot be queried from AWS.
          for (const name of ['productionLog', 'labels', 'baseline']) {
            const path = field(field(field(entry, 'sources'), name), 'path');
            if (typeof path === 'string') {
              ctx.addIssue({
                code: 'custom',
                path: ['models', index, 'sources', name],
                message: `file source "${path}" cannot be read in mode "aws": catalogue it as an Athena table and give { table: "database.table" }`,
              });
            }
          }
        }
      });
    },
    // Zod skips refinements once any field is invalid; a bad config must list every problem at once.
    { when: () => true },
  );

function field(object: unknown, key: string): unknown {
  return typeof object === 'object' && object !== null ? (object as Record<string, unknown>)[key] : undefined;
}

export type VigilConfig = z.output<typeof configSchema>;
export type ModelConfig = VigilConfig['models'][number];
export type MonitoringConfig = ModelConfig['monitoring'];
export type SourceConfig = z.output<typeof source>;
export type FacetConfig = z.output<typeof facet>;

// The window evaluation reads these settings as the domain's own MonitoringPolicy, written by hand:
// a parsed config must stay assignable to it, so a schema change it cannot read fails to compile here.
type AssignableTo<Target, Value extends Target> = Value;
type _MonitoringConfigIsAPolicy = AssignableTo<MonitoringPolicy, MonitoringConfig>;
type _FacetConfigIsAFacetPolicy = AssignableTo<FacetPolicy, FacetConfig>;
