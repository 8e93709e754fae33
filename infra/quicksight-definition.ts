// The QuickSight dashboard over the BI views, as a definition: the charts of `vigil dashboard`
// (performance against its threshold with label coverage, the drift heatmap, each feature's
// quantiles against the baseline's, bias gaps against their limit, the event log with its Temporal
// links), one model at a time through a model filter on every sheet. Every field names a column
// of a view as declared in src/domain/dashboard/bi-views.ts, and the datasets take their columns
// from the same declaration (a test checks each reference).
import type { aws_quicksight as quicksight } from 'aws-cdk-lib';
import { biViews, type BiColumnType, type BiViewName } from '../src/domain/dashboard/bi-views.js';

type Definition = quicksight.CfnDashboard.DashboardVersionDefinitionProperty;
type Visual = quicksight.CfnDashboard.VisualProperty;
type Measure = quicksight.CfnDashboard.MeasureFieldProperty;
type Dimension = quicksight.CfnDashboard.DimensionFieldProperty;

/** The dataset identifier each view is declared under in the definition. */
export const dataSetIdentifiers: Readonly<Record<BiViewName, string>> = {
  vigil_metrics_daily: 'metrics',
  vigil_drift_by_feature: 'drift',
  vigil_bias_by_facet: 'bias',
  vigil_events: 'events',
};

/** A dataset column's QuickSight type for a view column's type. */
export const quicksightColumnType: Readonly<Record<BiColumnType, string>> = {
  text: 'STRING',
  double: 'DECIMAL',
  bigint: 'INTEGER',
  boolean: 'BOOLEAN',
  date: 'DATETIME',
  timestamp: 'DATETIME',
};

function column(view: BiViewName, name: string): quicksight.CfnDashboard.ColumnIdentifierProperty {
  if (!biViews[view].columns.some((c) => c.name === name)) throw new Error(`${view} has no column ${name}`);
  return { dataSetIdentifier: dataSetIdentifiers[view], columnName: name };
}

const day = (view: BiViewName, name = 'window_day'): Dimension => ({
  dateDimensionField: { fieldId: `${view}.${name}.day`, column: column(view, name), dateGranularity: 'DAY' },
});
const category = (view: BiViewName, name: string): Dimension => ({ categoricalDimensionField: { fieldId: `${view}.${name}`, column: column(view, name) } });
const numeric = (view: BiViewName, name: string, aggregation: 'MAX' | 'SUM' = 'MAX'): Measure => ({
  numericalMeasureField: { fieldId: `${view}.${name}.${aggregation.toLowerCase()}`, column: column(view, name), aggregationFunction: { simpleNumericalAggregation: aggregation } },
});
const title = (text: string): quicksight.CfnDashboard.VisualTitleLabelOptionsProperty => ({ visibility: 'VISIBLE', formatText: { plainText: text } });
const subtitle = (text: string): quicksight.CfnDashboard.VisualSubtitleLabelOptionsProperty => ({ visibility: 'VISIBLE', formatText: { plainText: text } });

function lineChart(id: string, heading: string, note: string, wells: quicksight.CfnDashboard.LineChartAggregatedFieldWellsProperty): Visual {
  return {
    lineChartVisual: {
      visualId: id,
      title: title(heading),
      subtitle: subtitle(note),
      chartConfiguration: { fieldWells: { lineChartAggregatedFieldWells: wells }, type: 'LINE' },
    },
  };
}

const performance: Visual[] = [
  lineChart('performance', 'Performance', 'RMSE and MAE of each window, against the RMSE threshold and the baseline (delayed labels fill in as windows are re-evaluated)', {
    category: [day('vigil_metrics_daily')],
    values: ['rmse', 'rmse_threshold', 'baseline_rmse', 'mae'].map((name) => numeric('vigil_metrics_daily', name)),
  }),
  lineChart('label-coverage', 'Label coverage', 'Share of the window that has its label', {
    category: [day('vigil_metrics_daily')],
    values: [numeric('vigil_metrics_daily', 'label_coverage')],
  }),
  lineChart('breaches', 'Checks breached', 'Drifted features, data-quality and bias breaches per window', {
    category: [day('vigil_metrics_daily')],
    values: ['drifted_features', 'quality_breaches', 'bias_breaches'].map((name) => numeric('vigil_metrics_daily', name, 'SUM')),
  }),
];

const drift: Visual[] = [
  {
    heatMapVisual: {
      visualId: 'drift-heatmap',
      title: title('Drift by feature'),
      subtitle: subtitle('Deciding drift metric over its threshold: 1 is the threshold, above it the feature drifted'),
      chartConfiguration: {
        fieldWells: {
          heatMapAggregatedFieldWells: {
            rows: [category('vigil_drift_by_feature', 'feature')],
            columns: [day('vigil_drift_by_feature')],
            values: [numeric('vigil_drift_by_feature', 'drift_score')],
          },
        },
      },
    },
  },
  lineChart('feature-bands', 'Feature quantiles against the baseline', 'p5, p50 and p95 of each window beside the baseline', {
    category: [day('vigil_drift_by_feature')],
    values: ['p5', 'p50', 'p95', 'baseline_p5', 'baseline_p50', 'baseline_p95'].map((name) => numeric('vigil_drift_by_feature', name)),
    smallMultiples: [category('vigil_drift_by_feature', 'feature')],
  }),
];

const bias: Visual[] = [
  lineChart('bias-gaps', 'Bias gaps', "Change of each facet's gap against the baseline's gap, with its allowed limit", {
    category: [day('vigil_bias_by_facet')],
    values: [numeric('vigil_bias_by_facet', 'gap_change'), numeric('vigil_bias_by_facet', 'threshold')],
    smallMultiples: [category('vigil_bias_by_facet', 'gap_metric')],
    colors: [category('vigil_bias_by_facet', 'facet')],
  }),
];

const eventColumns = ['event_time', 'kind', 'action', 'actor', 'version', 'previous_version', 'stage', 'status', 'detail', 'temporal_url'];
const events: Visual[] = [
  {
    tableVisual: {
      visualId: 'events',
      title: title('Events'),
      subtitle: subtitle('Retraining, approvals, deploys, rollbacks, cleanup and drifted windows; each links to its Temporal run'),
      chartConfiguration: {
        fieldWells: {
          tableUnaggregatedFieldWells: {
            values: eventColumns.map((name) => ({ fieldId: `vigil_events.${name}`, column: column('vigil_events', name) })),
          },
        },
        sortConfiguration: { rowSort: [{ fieldSort: { fieldId: 'vigil_events.event_time', direction: 'DESC' } }] },
        fieldOptions: {
          selectedFieldOptions: [{ fieldId: 'vigil_events.temporal_url', urlStyling: { linkConfiguration: { target: 'NEW_TAB', content: { customTextContent: { value: 'open run', fontConfiguration: {} } } } } }],
        },
      },
    },
  },
];

function visualId(visual: Visual): string {
  const id = visual.lineChartVisual ?? visual.heatMapVisual ?? visual.tableVisual;
  if (id === undefined || typeof id !== 'object' || !('visualId' in id)) throw new Error('a visual without an id');
  return id.visualId;
}

/** Two visuals a row on the 36-column grid. */
function grid(visuals: readonly Visual[]): quicksight.CfnDashboard.LayoutProperty[] {
  return [
    {
      configuration: {
        gridLayout: {
          elements: visuals.map((visual, i) => ({
            elementId: visualId(visual),
            elementType: 'VISUAL',
            columnIndex: visuals.length === 1 ? 0 : (i % 2) * 18,
            columnSpan: visuals.length === 1 ? 36 : 18,
            rowIndex: Math.floor(i / 2) * 12,
            rowSpan: 12,
          })),
        },
      },
    },
  ];
}

const sheets: { id: string; name: string; visuals: Visual[] }[] = [
  { id: 'performance', name: 'Performance', visuals: performance },
  { id: 'drift', name: 'Drift', visuals: drift },
  { id: 'bias', name: 'Bias', visuals: bias },
  { id: 'events', name: 'Events', visuals: events },
];

export function dashboardDefinition(dataSetArns: Readonly<Record<BiViewName, string>>): Definition {
  return {
    dataSetIdentifierDeclarations: (Object.keys(dataSetIdentifiers) as BiViewName[]).map((view) => ({ identifier: dataSetIdentifiers[view], dataSetArn: dataSetArns[view] })),
    // One model at a time: every view has the model column, so one filter reaches them all.
    filterGroups: [
      {
        filterGroupId: 'model',
        crossDataset: 'ALL_DATASETS',
        status: 'ENABLED',
        filters: [
          {
            categoryFilter: {
              filterId: 'model',
              column: column('vigil_metrics_daily', 'model'),
              configuration: { filterListConfiguration: { matchOperator: 'CONTAINS', selectAllOptions: 'FILTER_ALL_VALUES' } },
            },
          },
        ],
        scopeConfiguration: { selectedSheets: { sheetVisualScopingConfigurations: sheets.map((sheet) => ({ sheetId: sheet.id, scope: 'ALL_VISUALS' })) } },
      },
    ],
    sheets: sheets.map((sheet) => ({
      sheetId: sheet.id,
      name: sheet.name,
      visuals: sheet.visuals,
      layouts: grid(sheet.visuals),
      filterControls: [{ dropdown: { filterControlId: `${sheet.id}-model`, sourceFilterId: 'model', title: 'Model', type: 'SINGLE_SELECT' } }],
    })),
  };
}
