// WarehouseSettings on Athena: GetWorkGroup of the configured workgroup.
import { type AthenaClient, GetWorkGroupCommand } from '@aws-sdk/client-athena';
import type { WorkgroupSettings } from '../../../domain/cleanup/workgroup-check.js';
import { NonRetryableError } from '../../../domain/errors.js';
import type { WarehouseSettings } from '../../../ports/warehouse-settings.js';
import { classifyAwsError } from '../errors.js';

export class AthenaWorkgroupSettings implements WarehouseSettings {
  constructor(
    private readonly client: AthenaClient,
    private readonly workgroup: string,
  ) {}

  async describe(): Promise<WorkgroupSettings> {
    let found;
    try {
      found = (await this.client.send(new GetWorkGroupCommand({ WorkGroup: this.workgroup }))).WorkGroup;
    } catch (error) {
      throw classifyAwsError(error, `GetWorkGroup ${this.workgroup}`);
    }
    if (found === undefined) throw new NonRetryableError(`Athena workgroup ${this.workgroup} was not found`, 'NOT_FOUND');
    const configuration = found.Configuration;
    const result = configuration?.ResultConfiguration;
    return {
      name: found.Name ?? this.workgroup,
      state: found.State ?? 'ENABLED',
      // Athena's default when the setting was never given is to enforce.
      enforced: configuration?.EnforceWorkGroupConfiguration ?? true,
      ...(result?.OutputLocation === undefined ? {} : { outputLocation: result.OutputLocation }),
      ...(result?.EncryptionConfiguration?.EncryptionOption === undefined ? {} : { encryption: result.EncryptionConfiguration.EncryptionOption }),
      ...(configuration?.BytesScannedCutoffPerQuery === undefined ? {} : { bytesScannedCutoffPerQuery: configuration.BytesScannedCutoffPerQuery }),
    };
  }
}
