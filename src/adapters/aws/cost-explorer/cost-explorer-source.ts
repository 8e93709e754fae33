// Cost Explorer's GetCostAndUsage, daily, grouped by a cost allocation tag (the tag must be
// activated in the billing console; until then every cost is "untagged"). Group keys come back as
// "key$value", the value empty for cost without the tag.
import { type CostExplorerClient, GetCostAndUsageCommand, type GetCostAndUsageCommandOutput } from '@aws-sdk/client-cost-explorer';
import type { DailyCost } from '../../../domain/cost/cost-report.js';
import type { CostSource } from '../../../ports/cost-source.js';
import { classifyAwsError } from '../errors.js';

/** The metric summed: what the account is charged, before credits and discounts are spread. */
const metric = 'UnblendedCost';

export class CostExplorerSource implements CostSource {
  constructor(private readonly client: CostExplorerClient) {}

  async dailyCostByTag(input: { tagKey: string; start: string; end: string }): Promise<DailyCost[]> {
    const costs: DailyCost[] = [];
    let token: string | undefined;
    do {
      let page: GetCostAndUsageCommandOutput;
      try {
        page = await this.client.send(
          new GetCostAndUsageCommand({
            TimePeriod: { Start: input.start, End: input.end },
            Granularity: 'DAILY',
            Metrics: [metric],
            GroupBy: [{ Type: 'TAG', Key: input.tagKey }],
            ...(token === undefined ? {} : { NextPageToken: token }),
          }),
        );
      } catch (error) {
        throw classifyAwsError(error, `Cost Explorer costs by ${input.tagKey} from ${input.start} to ${input.end}`);
      }
      for (const period of page.ResultsByTime ?? []) {
        const day = period.TimePeriod?.Start ?? '';
        for (const group of period.Groups ?? []) {
          const key = group.Keys?.[0] ?? '';
          const dollar = key.indexOf('$');
          const amount = Number(group.Metrics?.[metric]?.Amount ?? '0');
          if (!Number.isFinite(amount)) continue;
          costs.push({ day, model: dollar < 0 ? key : key.slice(dollar + 1), amount, unit: group.Metrics?.[metric]?.Unit ?? 'USD' });
        }
      }
      token = page.NextPageToken;
    } while (token !== undefined && token !== '');
    return costs;
  }
}
