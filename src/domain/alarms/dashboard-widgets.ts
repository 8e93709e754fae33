// The parts of a CloudWatch dashboard body Vigil writes (the documented DashboardBody JSON: widgets
// with type, x, y, width, height and properties), and the row-by-row placement on its 24-column
// grid. Keys are set in one fixed order so the same dashboard always serialises to the same text.

/** The grid is 24 units wide. */
export const GRID_WIDTH = 24;

/** Every line is a day's worst value: what the series' alarm reads. */
export type Statistic = 'Maximum' | 'Minimum';

export interface MetricOptions {
  stat: Statistic;
  label: string;
}

/** `[namespace, metric name, dimension name, value, ..., options]`, dimensions as the metrics sink publishes them. */
export type MetricLine = [namespace: string, metricName: string, 'Model', model: string, 'Subject', subject: string, 'Metric', metric: string, options: MetricOptions];

export interface AnnotationLine {
  label?: string;
  value: number;
  color?: string;
  /** Shades the side of the line where the alarm fires. */
  fill?: 'above' | 'below';
}

/** A line, or a band between two values (an array of two). */
export type HorizontalAnnotation = AnnotationLine | [AnnotationLine, AnnotationLine];

export interface MetricWidgetProperties {
  title: string;
  view: 'timeSeries';
  stacked: false;
  region: string;
  period: number;
  metrics: MetricLine[];
  annotations?: { horizontal: HorizontalAnnotation[] };
}

interface Placed {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface TextWidget extends Placed {
  type: 'text';
  properties: { markdown: string };
}

export interface AlarmStatusWidget extends Placed {
  type: 'alarm';
  properties: { title: string; alarms: string[]; sortBy: 'stateUpdatedTimestamp' };
}

export interface MetricWidget extends Placed {
  type: 'metric';
  properties: MetricWidgetProperties;
}

export type DashboardWidget = TextWidget | AlarmStatusWidget | MetricWidget;

export interface DashboardBody {
  start: string;
  /** Each graph keeps its own (daily) period whatever time range is picked. */
  periodOverride: 'inherit';
  widgets: DashboardWidget[];
}

/** A widget before it has a place: its size, and how to make it at a position. */
export interface Block {
  width: number;
  height: number;
  place(x: number, y: number): DashboardWidget;
}

export function textBlock(markdown: string, width: number, height: number): Block {
  return { width, height, place: (x, y) => ({ type: 'text', x, y, width, height, properties: { markdown } }) };
}

export function alarmBlock(title: string, alarms: string[], width: number, height: number): Block {
  return { width, height, place: (x, y) => ({ type: 'alarm', x, y, width, height, properties: { title, alarms, sortBy: 'stateUpdatedTimestamp' } }) };
}

export function metricBlock(properties: MetricWidgetProperties, width: number, height: number): Block {
  return { width, height, place: (x, y) => ({ type: 'metric', x, y, width, height, properties }) };
}

/** Left to right, wrapping at the grid's edge; each section starts on a new row. */
export function layout(sections: readonly (readonly Block[])[]): DashboardWidget[] {
  const widgets: DashboardWidget[] = [];
  let y = 0;
  for (const section of sections) {
    let x = 0;
    let rowHeight = 0;
    for (const block of section) {
      if (x + block.width > GRID_WIDTH) {
        y += rowHeight;
        x = 0;
        rowHeight = 0;
      }
      widgets.push(block.place(x, y));
      x += block.width;
      rowHeight = Math.max(rowHeight, block.height);
    }
    y += rowHeight;
  }
  return widgets;
}
