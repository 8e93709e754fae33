// Typed search attributes, so the Temporal UI can filter Vigil's runs by model and stage.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const modelIdKey = defineSearchAttributeKey('VigilModel', SearchAttributeType.KEYWORD);
export const stageKey = defineSearchAttributeKey('VigilStage', SearchAttributeType.KEYWORD);
export const workflowKindKey = defineSearchAttributeKey('VigilKind', SearchAttributeType.KEYWORD);

/** Vigil's own attributes: the ones a namespace must have registered. */
export const vigilSearchAttributes = [modelIdKey, stageKey, workflowKindKey];

/** Set by Temporal itself on runs a Schedule started (not registered by Vigil). */
export const scheduledStartTimeKey = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);
