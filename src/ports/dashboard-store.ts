// Where a model's dashboard lives: CloudWatch on AWS. `vigil alarms apply` makes it follow the
// config beside the alarms it shows.

export interface DashboardStore {
  /** The names of the dashboards that start with `prefix`. */
  list(prefix: string): Promise<string[]>;
  /** The dashboard's body, or undefined where there is no dashboard of that name. */
  get(name: string): Promise<string | undefined>;
  /** Creates or replaces the dashboard of that name; fails when the store refuses the body. */
  put(name: string, body: string): Promise<void>;
  /** Deletes dashboards by name; a missing one is not an error. */
  remove(names: readonly string[]): Promise<void>;
}
