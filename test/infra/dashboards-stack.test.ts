// The BI views and the QuickSight dashboard as synthesized: the Glue views carry the Athena text
// and column types of src/domain/dashboard/bi-views.ts; each dataset's columns are its view's;
// every field of the dashboard names a column its dataset has; QuickSight's service role reads
// only Vigil's workgroup, catalogue, results and key. (CDK's CloudFormation schema validation and
// cdk-nag run on every synth; cfn-lint and checkov in template-linters.test.ts.)
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildVigilApp, type VigilApp } from '../../infra/build-app.js';
import { dataSetIdentifiers, quicksightColumnType } from '../../infra/quicksight-definition.js';
import { SettingsError } from '../../infra/settings.js';
import { biViewNames, biViewSelectSql, biViews, type BiViewName } from '../../src/domain/dashboard/bi-views.js';
import { athenaDialect } from '../../src/domain/sql/dialect.js';
import { quicksightContext } from '../support/quicksight-context.js';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;


/** Every {DataSetIdentifier, ColumnName} pair in a JSON tree. */
function columnReferences(node: unknown, found: { dataSet: string; column: string }[] = []): { dataSet: string; column: string }[] {
  if (Array.isArray(node)) for (const item of node) columnReferences(item, found);
  else if (typeof node === 'object' && node !== null) {
    const record = node as Record<string, unknown>;
    if (typeof record['DataSetIdentifier'] === 'string' && typeof record['ColumnName'] === 'string') found.push({ dataSet: record['DataSetIdentifier'], column: record['ColumnName'] });
    for (const value of Object.values(record)) columnReferences(value, found);
  }
  return found;
}

describe('the BI views and the QuickSight dashboard in the CDK app', function () {
  this.timeout(120_000);
  let built: VigilApp;
  let outdir: string;
  let data: Template;
  let dashboards: Template;

  before(async () => {
    outdir = await mkdtemp(join(tmpdir(), 'vigil-cdk-qs-'));
    built = buildVigilApp({ models: 'demand', account: '123456789012', region: 'eu-west-1', ...quicksightContext }, { outdir });
    data = Template.fromStack(built.stacks.data);
    assert.ok(built.stacks.dashboards !== undefined);
    dashboards = Template.fromStack(built.stacks.dashboards);
  });

  after(() => rm(outdir, { recursive: true, force: true }));

  it('defines each BI view in Glue as Athena stores a view: its Athena text and column types', () => {
    const tables = Object.values(data.findResources('AWS::Glue::Table') as Resources).map((table) => table.Properties['TableInput'] as Record<string, unknown>);
    const views = tables.filter((table) => table['TableType'] === 'VIRTUAL_VIEW');
    assert.deepEqual(views.map((view) => view['Name']).sort(), [...biViewNames].sort());
    for (const view of views) {
      const name = view['Name'] as BiViewName;
      const text = String(view['ViewOriginalText']);
      const match = /^\/\* Presto View: ([A-Za-z0-9+/=]+) \*\/$/.exec(text);
      assert.ok(match !== null, text.slice(0, 80));
      const definition = JSON.parse(Buffer.from(match[1] ?? '', 'base64').toString('utf8')) as { originalSql: string; catalog: string; schema: string; columns: { name: string; type: string }[] };
      assert.equal(definition.originalSql, biViewSelectSql(athenaDialect, name, { database: 'vigil' }));
      assert.equal(definition.schema, 'vigil');
      assert.deepEqual(definition.columns.map((column) => column.name), biViews[name].columns.map((column) => column.name));
      assert.deepEqual(((view['StorageDescriptor'] as { Columns: { Name: string }[] }).Columns).map((column) => column.Name), biViews[name].columns.map((column) => column.name));
    }
  });

  it('gives each dataset its view, with the view’s columns, read by direct query through the Athena data source', () => {
    dashboards.hasResourceProperties('AWS::QuickSight::DataSource', { Type: 'ATHENA', DataSourceParameters: { AthenaParameters: { WorkGroup: 'vigil' } } });
    const dataSets = Object.values(dashboards.findResources('AWS::QuickSight::DataSet') as Resources);
    assert.equal(dataSets.length, biViewNames.length);
    for (const dataSet of dataSets) {
      assert.equal(dataSet.Properties['ImportMode'], 'DIRECT_QUERY');
      const [[identifier, table]] = Object.entries(dataSet.Properties['PhysicalTableMap'] as Record<string, { RelationalTable: { Name: BiViewName; Schema: string; InputColumns: { Name: string; Type: string }[] } }>) as [[string, { RelationalTable: { Name: BiViewName; Schema: string; InputColumns: { Name: string; Type: string }[] } }]];
      const view = table.RelationalTable.Name;
      assert.equal(identifier, dataSetIdentifiers[view]);
      assert.equal(table.RelationalTable.Schema, 'vigil');
      assert.deepEqual(table.RelationalTable.InputColumns, biViews[view].columns.map((column) => ({ Name: column.name, Type: quicksightColumnType[column.type] })));
    }
  });

  it('draws only columns the datasets have, lays out every visual, and filters every sheet by model', () => {
    const [dashboard] = Object.values(dashboards.findResources('AWS::QuickSight::Dashboard') as Resources);
    assert.ok(dashboard !== undefined);
    const definition = dashboard.Properties['Definition'] as { DataSetIdentifierDeclarations: { Identifier: string }[]; Sheets: { SheetId: string; Visuals: Record<string, { VisualId: string }>[]; Layouts: { Configuration: { GridLayout: { Elements: { ElementId: string }[] } } }[]; FilterControls: unknown[] }[] };
    assert.deepEqual(definition.DataSetIdentifierDeclarations.map((declaration) => declaration.Identifier).sort(), Object.values(dataSetIdentifiers).sort());
    const byIdentifier = new Map(biViewNames.map((view) => [dataSetIdentifiers[view], new Set(biViews[view].columns.map((column) => column.name))]));
    const references = columnReferences(definition);
    assert.ok(references.length >= 25, `${references.length} column references`);
    for (const { dataSet, column } of references) assert.ok(byIdentifier.get(dataSet)?.has(column), `${dataSet}.${column} is not a column of its dataset`);
    assert.deepEqual(definition.Sheets.map((sheet) => sheet.SheetId), ['performance', 'drift', 'bias', 'events']);
    for (const sheet of definition.Sheets) {
      const visuals = sheet.Visuals.map((visual) => Object.values(visual)[0]?.VisualId);
      const laidOut = sheet.Layouts.flatMap((layout) => layout.Configuration.GridLayout.Elements.map((element) => element.ElementId));
      assert.deepEqual(laidOut, visuals, sheet.SheetId);
      assert.equal(sheet.FilterControls.length, 1);
    }
    assert.match(JSON.stringify(definition), /"ColumnName":"drift_score"/);
    assert.match(JSON.stringify(definition), /"ColumnName":"temporal_url"/);
  });

  it("lets QuickSight's service role read only Vigil's workgroup, catalogue, results, query output and key", () => {
    const [policy] = Object.values(dashboards.findResources('AWS::IAM::Policy') as Resources);
    assert.ok(policy !== undefined);
    assert.deepEqual(policy.Properties['Roles'], ['aws-quicksight-service-role-v0']);
    const statements = (policy.Properties['PolicyDocument'] as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement;
    for (const statement of statements) {
      for (const action of [statement.Action].flat()) assert.doesNotMatch(action, /\*/, action);
      assert.doesNotMatch(JSON.stringify(statement.Resource), /^"\*"$|"\*"/, JSON.stringify(statement.Resource));
    }
  });

  it('makes no QuickSight stack without a principal, and refuses a principal that is not a QuickSight ARN', async () => {
    const plain = await mkdtemp(join(tmpdir(), 'vigil-cdk-plain-'));
    try {
      assert.equal(buildVigilApp({ models: 'demand' }, { outdir: plain }).stacks.dashboards, undefined);
    } finally {
      await rm(plain, { recursive: true, force: true });
    }
    assert.throws(() => buildVigilApp({ models: 'demand', quicksightPrincipal: 'ml-team' }), (error: unknown) => error instanceof SettingsError && /quicksightPrincipal: must be a QuickSight user or group ARN/.test(error.message));
  });
});
