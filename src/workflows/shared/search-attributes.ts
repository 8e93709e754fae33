// Typed search attributes, so the Temporal UI can filter Vigil's runs by model and stage.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const modelIdKey = defineSearchAttributeKey('VigilModel', SearchAttributeType.KEYWORD);
export const stageKey = defineSearchAttributeKey('VigilStage', SearchAttributeType.KEYWORD);
export const workflowKindKey = defineSearchAttributeKey('VigilKind', SearchAttributeType.KEYWORD);

export const vigilSearchAttributes = [modelIdKey, stageKey, workflowKindKey];
