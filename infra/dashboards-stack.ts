// The QuickSight side of the dashboard: an Athena data source on Vigil's workgroup, a dataset per
// BI view (direct query: every look reads the current results, nothing is copied into SPICE), and
// the dashboard of quicksight-definition.ts. QuickSight reads Athena as its service role, which is
// given exactly what those queries need: the workgroup, the Glue database, the result tables'
// objects, the Athena output and the key.
import { Arn, ArnFormat, CfnOutput, aws_iam as iam, aws_quicksight as quicksight, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { biViewNames, biViews, type BiViewName } from '../src/domain/dashboard/bi-views.js';
import { layout, type VigilDataStack } from './data-stack.js';
import { dashboardDefinition, dataSetIdentifiers, quicksightColumnType } from './quicksight-definition.js';
import { resourceNames, type InstallSettings } from './settings.js';

export interface DashboardsProps extends StackProps {
  data: VigilDataStack;
  /** The QuickSight user or group given each asset. */
  principal: string;
}

const dataSourceActions = ['DescribeDataSource', 'DescribeDataSourcePermissions', 'PassDataSource', 'UpdateDataSource', 'DeleteDataSource', 'UpdateDataSourcePermissions'];
const dataSetActions = ['DescribeDataSet', 'DescribeDataSetPermissions', 'PassDataSet', 'DescribeIngestion', 'ListIngestions', 'UpdateDataSet', 'DeleteDataSet', 'CreateIngestion', 'CancelIngestion', 'UpdateDataSetPermissions'];
const dashboardActions = ['DescribeDashboard', 'ListDashboardVersions', 'UpdateDashboardPermissions', 'QueryDashboard', 'UpdateDashboard', 'DeleteDashboard', 'DescribeDashboardPermissions', 'UpdateDashboardPublishedVersion'];
const quicksightActions = (names: readonly string[]): string[] => names.map((name) => `quicksight:${name}`);

export class VigilDashboardsStack extends Stack {
  readonly dashboard: quicksight.CfnDashboard;

  constructor(scope: Construct, id: string, settings: InstallSettings, props: DashboardsProps) {
    super(scope, id, props);
    const names = resourceNames(settings, { account: this.account, region: this.region });
    const { data, principal } = props;

    const serviceRole = iam.Role.fromRoleArn(this, 'QuickSightServiceRole', settings.quicksightServiceRole ?? `arn:${this.partition}:iam::${this.account}:role/service-role/aws-quicksight-service-role-v0`);
    const arn = (service: string, resource: string, resourceName?: string): string =>
      Arn.format({ service, resource, ...(resourceName === undefined ? {} : { resourceName }), arnFormat: ArnFormat.SLASH_RESOURCE_NAME }, this);
    new iam.Policy(this, 'QuickSightReadsVigil', {
      policyName: `${settings.prefix}-quicksight-reads-results`,
      roles: [serviceRole],
      statements: [
        new iam.PolicyStatement({
          sid: 'QueryTheWorkgroup',
          actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution', 'athena:GetWorkGroup'],
          resources: [arn('athena', 'workgroup', names.workgroup)],
        }),
        new iam.PolicyStatement({
          sid: 'ReadTheCatalog',
          actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions'],
          resources: [arn('glue', 'catalog'), arn('glue', 'database', names.database), arn('glue', 'table', `${names.database}/*`)],
        }),
        new iam.PolicyStatement({
          sid: 'ReadTheResults',
          actions: ['s3:GetObject', 's3:ListBucket', 's3:GetBucketLocation'],
          resources: [data.results.bucketArn, data.results.arnForObjects(`${layout.resultsPrefix}*`)],
        }),
        new iam.PolicyStatement({
          sid: 'WriteQueryOutput',
          actions: ['s3:GetObject', 's3:PutObject', 's3:ListBucket', 's3:GetBucketLocation', 's3:AbortMultipartUpload'],
          resources: [data.athenaOutput.bucketArn, data.athenaOutput.arnForObjects(`${layout.athenaOutputPrefix}*`)],
        }),
        new iam.PolicyStatement({ sid: 'UseTheKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [data.key.keyArn] }),
      ],
    });

    const dataSource = new quicksight.CfnDataSource(this, 'DataSource', {
      awsAccountId: this.account,
      dataSourceId: `${settings.prefix}-athena`,
      name: 'Vigil results (Athena)',
      type: 'ATHENA',
      dataSourceParameters: { athenaParameters: { workGroup: names.workgroup } },
      sslProperties: { disableSsl: false },
      permissions: [{ principal, actions: quicksightActions(dataSourceActions) }],
    });

    const dataSetArns = {} as Record<BiViewName, string>;
    for (const view of biViewNames) {
      const dataSet = new quicksight.CfnDataSet(this, `DataSet-${view}`, {
        awsAccountId: this.account,
        dataSetId: `${settings.prefix}-${view.replaceAll('_', '-')}`,
        name: `Vigil ${view}`,
        importMode: 'DIRECT_QUERY',
        physicalTableMap: {
          [dataSetIdentifiers[view]]: {
            relationalTable: {
              dataSourceArn: dataSource.attrArn,
              catalog: 'AwsDataCatalog',
              schema: names.database,
              name: view,
              inputColumns: biViews[view].columns.map((column) => ({ name: column.name, type: quicksightColumnType[column.type] })),
            },
          },
        },
        permissions: [{ principal, actions: quicksightActions(dataSetActions) }],
      });
      dataSetArns[view] = dataSet.attrArn;
    }

    this.dashboard = new quicksight.CfnDashboard(this, 'Dashboard', {
      awsAccountId: this.account,
      dashboardId: `${settings.prefix}-monitoring`,
      name: 'Vigil model monitoring',
      definition: dashboardDefinition(dataSetArns),
      dashboardPublishOptions: { adHocFilteringOption: { availabilityStatus: 'ENABLED' }, exportToCsvOption: { availabilityStatus: 'ENABLED' } },
      permissions: [{ principal, actions: quicksightActions(dashboardActions) }],
    });
    new CfnOutput(this, 'DashboardId', { value: `${settings.prefix}-monitoring`, description: 'the QuickSight dashboard over the BI views' });
  }
}
