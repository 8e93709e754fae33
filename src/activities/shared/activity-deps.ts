import type { LoadedConfig } from '../../config/load.js';
import type { ApprovalChannel } from '../../ports/approval-channel.js';
import type { AuditLog } from '../../ports/audit-log.js';
import type { IncidentStore } from '../../ports/incident-store.js';
import type { ModelRegistry } from '../../ports/model-registry.js';
import type { TrainingPipeline } from '../../ports/training-pipeline.js';
import type { MetricsSink } from '../../ports/metrics-sink.js';
import type { ModelHost } from '../../ports/model-host.js';
import type { Notifier } from '../../ports/notifier.js';
import type { SourceCatalog } from '../../ports/source-catalog.js';
import type { Warehouse } from '../../ports/warehouse.js';
import type { ObjectStore } from '../../ports/object-store.js';
import type { StorageLifecycle } from '../../ports/storage-lifecycle.js';
import type { StorageRule } from '../../domain/cleanup/lifecycle.js';
import type { WarehouseSettings } from '../../ports/warehouse-settings.js';

/** What the activities are built from: ports only, chosen by the composition root. */
export interface ActivityDeps {
  loaded: LoadedConfig;
  warehouse: Warehouse;
  sources: SourceCatalog;
  modelHost: ModelHost;
  notifiers: Notifier[];
  metricsSink: MetricsSink;
  incidents: IncidentStore;
  training: TrainingPipeline;
  registry: ModelRegistry;
  audit: AuditLog;
  approvals: ApprovalChannel[];
  /** Where artifacts live on AWS (the cleanup deletes those of retired versions); none locally, where the model host owns them. */
  artifacts?: {
    bucket: string;
    store: ObjectStore;
    /** Key prefixes that hold one version's objects only (its pipeline outputs and inputs), deleted with it. */
    versionFolders?(model: string, version: string): string[];
  };
  /** Lifecycle rules the cleanup keeps on Vigil's storage (AWS); none locally. */
  lifecycle?: { storage: StorageLifecycle; rules: StorageRule[] };
  /** The warehouse's workgroup settings, checked with each cleanup plan (Athena); none locally. */
  warehouseSettings?: { settings: WarehouseSettings; outputLocation: string };
  /** Wall clock for timestamps written with results (activities may read it; workflows may not). */
  now?: () => Date;
}
