// The BI views as Glue tables, so they exist from `cdk deploy` on (QuickSight's datasets name
// them) rather than from the worker's first start. Athena keeps a view in Glue as a VIRTUAL_VIEW
// whose original text wraps, in base64, the Trino view definition (SQL, catalog, schema, column
// types); no CloudFormation resource writes that format, hence this encoding. The worker's
// CREATE OR REPLACE VIEW (ensureResultTables) writes the same view again, with the Temporal UI
// links the config names.
import { Buffer } from 'node:buffer';
import type { aws_glue as glue } from 'aws-cdk-lib';
import { biViewSelectSql, biViews, type BiColumnType, type BiViewName } from '../src/domain/dashboard/bi-views.js';
import { athenaDialect } from '../src/domain/sql/dialect.js';

/** Trino's name of each column type, as Athena records it in the view definition. */
const trinoType: Readonly<Record<BiColumnType, string>> = { text: 'varchar', double: 'double', bigint: 'bigint', boolean: 'boolean', date: 'date', timestamp: 'timestamp(3)' };
/** Hive's name of each column type, as Glue lists a table's or view's columns. */
export const hiveType: Readonly<Record<BiColumnType, string>> = { text: 'string', double: 'double', bigint: 'bigint', boolean: 'boolean', date: 'date', timestamp: 'timestamp' };

export function glueViewInput(name: BiViewName, database: string): glue.CfnTable.TableInputProperty {
  const view = biViews[name];
  const definition = {
    originalSql: biViewSelectSql(athenaDialect, name, { database }),
    catalog: 'awsdatacatalog',
    schema: database,
    columns: view.columns.map((column) => ({ name: column.name, type: trinoType[column.type] })),
  };
  return {
    name,
    description: view.description,
    tableType: 'VIRTUAL_VIEW',
    parameters: { presto_view: 'true', comment: 'Presto View' },
    viewOriginalText: `/* Presto View: ${Buffer.from(JSON.stringify(definition)).toString('base64')} */`,
    viewExpandedText: '/* Presto View */',
    storageDescriptor: {
      columns: view.columns.map((column) => ({ name: column.name, type: hiveType[column.type] })),
      serdeInfo: {},
    },
  };
}
