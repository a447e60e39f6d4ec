/** Command-line options of `npm run demo`. */
export interface DemoArgs {
  /** How long to drive live traffic (ms). */
  durationMs: number;
  /** Requests per second (Poisson arrivals). */
  rate: number;
  /** Hours of history to back-fill on first run. */
  backfillHours: number;
  /** `auto`: back-fill once per data dir; `force`: always; `off`: never. */
  backfill: 'auto' | 'force' | 'off';
  /** When the input feature distribution starts to drift (ms after start). */
  driftAfterMs: number;
}

export const USAGE = `usage: npm run demo [-- options]
  --duration <d>        how long to send live traffic (default 10m; e.g. 90s, 10m, 1h30m)
  --rate <n>            requests per second (default 20)
  --drift-after <d>     when input features start to drift (default 2m)
  --backfill-hours <h>  hours of history to back-fill on first run (default 6)
  --backfill            back-fill even if this data dir was back-filled before
  --no-backfill         skip the back-fill
environment: OTEL_EXPORTER_OTLP_ENDPOINT (default http://127.0.0.1:4318), AIOBS_API_KEY and
AIOBS_ADMIN_TOKEN, else <AIOBS_DATA_DIR or ./.aiobs-data>/credentials.json, for the ingest key and
the admin token (which creates the demo's drift baseline and alert rules)`;

/** Parses `90s`, `10m`, `1h30m`, `500ms` or a bare number of seconds into milliseconds. */
export function parseDuration(text: string): number {
  const s = text.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  let total = 0;
  let rest = s;
  const part = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)/;
  while (rest.length > 0) {
    const m = part.exec(rest);
    if (!m) throw new Error(`not a duration: "${text}" (try 90s, 10m, 1h30m)`);
    total += Number(m[1]) * (units[m[2] as string] as number);
    rest = rest.slice(m[0].length);
  }
  return total;
}

/** Parses the demo's arguments; throws with a readable message on bad input. */
export function parseArgs(argv: readonly string[]): DemoArgs {
  const out: DemoArgs = {
    durationMs: 10 * 60_000,
    rate: 20,
    backfillHours: 6,
    backfill: 'auto',
    driftAfterMs: 2 * 60_000,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const [flag, inline] = a.includes('=')
      ? (a.split(/=(.*)/s, 2) as [string, string])
      : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--duration':
        out.durationMs = parseDuration(value());
        break;
      case '--rate':
        out.rate = Number(value());
        if (!(out.rate > 0 && out.rate <= 2000))
          throw new Error('--rate must be between 0 and 2000');
        break;
      case '--drift-after':
        out.driftAfterMs = parseDuration(value());
        break;
      case '--backfill-hours':
        out.backfillHours = Number(value());
        if (!(out.backfillHours >= 0 && out.backfillHours <= 24 * 14)) {
          throw new Error('--backfill-hours must be between 0 and 336');
        }
        break;
      case '--backfill':
        out.backfill = 'force';
        break;
      case '--no-backfill':
        out.backfill = 'off';
        break;
      case '--help':
      case '-h':
        throw new HelpRequested();
      default:
        throw new Error(`unknown option ${a}\n${USAGE}`);
    }
  }
  return out;
}

/** Thrown by {@link parseArgs} for `--help`. */
export class HelpRequested extends Error {
  constructor() {
    super(USAGE);
  }
}
