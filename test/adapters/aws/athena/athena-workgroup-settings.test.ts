// The workgroup's settings as GetWorkGroup reports them (moto keeps what CreateWorkGroup was given),
// and the checks the cleanup plan shows.
import assert from 'node:assert/strict';
import { AthenaClient, CreateWorkGroupCommand } from '@aws-sdk/client-athena';
import { AthenaWorkgroupSettings } from '../../../../src/adapters/aws/athena/athena-workgroup-settings.js';
import { checkWorkgroup } from '../../../../src/domain/cleanup/workgroup-check.js';
import { NonRetryableError } from '../../../../src/domain/errors.js';
import { awsClientConfig, motoEndpoint, MOTO_STARTUP_TIMEOUT_MS } from '../../../support/moto.js';

describe('AthenaWorkgroupSettings (moto)', function () {
  let client: AthenaClient;
  const unique = `${process.pid}-${Date.now()}`;

  before(async function () {
    this.timeout(MOTO_STARTUP_TIMEOUT_MS);
    client = new AthenaClient(awsClientConfig(await motoEndpoint()));
  });

  after(() => client.destroy());

  it('reads a well-set workgroup, and every check passes', async () => {
    const name = `vigil-strict-${unique}`;
    await client.send(
      new CreateWorkGroupCommand({
        Name: name,
        Configuration: {
          ResultConfiguration: { OutputLocation: 's3://vigil-athena/output/', EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: 'arn:aws:kms:us-east-1:123456789012:key/k' } },
          EnforceWorkGroupConfiguration: true,
          BytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        },
      }),
    );
    const settings = await new AthenaWorkgroupSettings(client, name).describe();
    assert.deepEqual(settings, { name, state: 'ENABLED', enforced: true, outputLocation: 's3://vigil-athena/output/', encryption: 'SSE_KMS', bytesScannedCutoffPerQuery: 10 * 1024 ** 3 });
    const findings = checkWorkgroup(settings, { outputLocation: 's3://vigil-athena/output' });
    assert.ok(findings.every((finding) => finding.ok), JSON.stringify(findings));
    assert.equal(findings.find((finding) => finding.setting === 'bytes scanned cutoff')?.detail, '10 GB per query');
  });

  it('reports what a loose workgroup lacks', async () => {
    const name = `vigil-loose-${unique}`;
    await client.send(new CreateWorkGroupCommand({ Name: name, Configuration: { ResultConfiguration: { OutputLocation: 's3://elsewhere/out/' }, EnforceWorkGroupConfiguration: false } }));
    const findings = checkWorkgroup(await new AthenaWorkgroupSettings(client, name).describe(), { outputLocation: 's3://vigil-athena/output/' });
    assert.deepEqual(
      findings.filter((finding) => !finding.ok).map((finding) => finding.setting),
      ['result location', 'encryption', 'enforced configuration', 'bytes scanned cutoff'],
    );
    assert.match(findings[1]?.detail ?? '', /s3:\/\/elsewhere\/out\/, not aws.athena.outputLocation s3:\/\/vigil-athena\/output\/: the vigil-athena-output rule does not expire it/);
  });

  it('names a workgroup that does not exist', async () => {
    await assert.rejects(new AthenaWorkgroupSettings(client, `missing-${unique}`).describe(), (error: unknown) => {
      assert.ok(error instanceof NonRetryableError, String(error));
      assert.equal(error.code, 'NOT_FOUND');
      assert.match(error.message, new RegExp(`missing-${unique}`));
      return true;
    });
  });
});
