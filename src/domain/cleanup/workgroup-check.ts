// What the Athena workgroup Vigil queries in should say, checked and shown with the cleanup plan:
// query output where the lifecycle rule expires it, encrypted, the workgroup's settings enforced
// over the client's, and a cutoff that stops a runaway query before it bills a whole table.

export interface WorkgroupSettings {
  name: string;
  state: string;
  /** EnforceWorkGroupConfiguration: the workgroup's output location and encryption win over the client's. */
  enforced: boolean;
  outputLocation?: string;
  /** SSE_S3 | SSE_KMS | CSE_KMS. */
  encryption?: string;
  /** BytesScannedCutoffPerQuery. */
  bytesScannedCutoffPerQuery?: number;
}

export interface WorkgroupFinding {
  setting: 'state' | 'result location' | 'encryption' | 'enforced configuration' | 'bytes scanned cutoff';
  ok: boolean;
  detail: string;
}

const gigabytes = (bytes: number): string => `${(bytes / 1024 ** 3).toFixed(bytes < 1024 ** 3 ? 2 : 0)} GB`;

/** One finding per setting; `outputLocation` is where Vigil's config sends query output (and the lifecycle rule expires it). */
export function checkWorkgroup(settings: WorkgroupSettings, expected: { outputLocation: string }): WorkgroupFinding[] {
  const sameLocation = (a: string, b: string): boolean => a.replace(/\/*$/, '/') === b.replace(/\/*$/, '/');
  const location = settings.outputLocation;
  return [
    { setting: 'state', ok: settings.state === 'ENABLED', detail: `workgroup ${settings.name} is ${settings.state}` },
    location === undefined
      ? { setting: 'result location', ok: false, detail: `no result location: query output goes where each client says (Vigil sends ${expected.outputLocation})` }
      : sameLocation(location, expected.outputLocation)
        ? { setting: 'result location', ok: true, detail: `${location}, expired by the vigil-athena-output rule` }
        : { setting: 'result location', ok: false, detail: `${location}, not aws.athena.outputLocation ${expected.outputLocation}: the vigil-athena-output rule does not expire it` },
    settings.encryption === undefined
      ? { setting: 'encryption', ok: false, detail: 'query output is not encrypted by the workgroup (Vigil asks for it on each query; enforce it here)' }
      : { setting: 'encryption', ok: true, detail: settings.encryption },
    settings.enforced
      ? { setting: 'enforced configuration', ok: true, detail: "the workgroup's location and encryption override the client's" }
      : { setting: 'enforced configuration', ok: false, detail: 'clients may override the result location and encryption' },
    settings.bytesScannedCutoffPerQuery === undefined
      ? { setting: 'bytes scanned cutoff', ok: false, detail: 'none: a runaway query scans (and bills) every byte it reaches' }
      : { setting: 'bytes scanned cutoff', ok: true, detail: `${gigabytes(settings.bytesScannedCutoffPerQuery)} per query` },
  ];
}
