/**
 * Which `--query-gpu` fields the agent asks for, with the older spellings drivers used
 * before (e.g. `clocks_throttle_reasons.*` before driver 535). One unknown field makes
 * nvidia-smi reject the whole query, so the list is chosen once against the fields that
 * `--help-query-gpu` lists.
 */

/** Canonical key → spellings to try, newest first. */
export const GPU_QUERY_FIELDS = {
  index: ['index'],
  uuid: ['uuid'],
  name: ['name'],
  busId: ['pci.bus_id'],
  utilGpu: ['utilization.gpu'],
  utilMemory: ['utilization.memory'],
  utilEncoder: ['utilization.encoder'],
  utilDecoder: ['utilization.decoder'],
  memTotal: ['memory.total'],
  memUsed: ['memory.used'],
  tempGpu: ['temperature.gpu'],
  tempMemory: ['temperature.memory'],
  powerDraw: ['power.draw', 'power.draw.average'],
  powerLimit: ['enforced.power.limit', 'power.limit'],
  clockGraphics: ['clocks.current.graphics', 'clocks.gr'],
  clockSm: ['clocks.current.sm', 'clocks.sm'],
  clockMemory: ['clocks.current.memory', 'clocks.mem'],
  clockVideo: ['clocks.current.video', 'clocks.video'],
  clockMaxGraphics: ['clocks.max.graphics', 'clocks.max.gr'],
  clockMaxSm: ['clocks.max.sm'],
  clockMaxMemory: ['clocks.max.memory', 'clocks.max.mem'],
  fan: ['fan.speed'],
  pstate: ['pstate'],
  throttleActive: ['clocks_event_reasons.active', 'clocks_throttle_reasons.active'],
  throttleSupported: ['clocks_event_reasons.supported', 'clocks_throttle_reasons.supported'],
  pcieGen: ['pcie.link.gen.gpucurrent', 'pcie.link.gen.current'],
  pcieGenMax: ['pcie.link.gen.max'],
  pcieWidth: ['pcie.link.width.current'],
  pcieWidthMax: ['pcie.link.width.max'],
  eccCorrected: ['ecc.errors.corrected.volatile.total'],
  eccUncorrected: ['ecc.errors.uncorrected.volatile.total'],
} as const satisfies Record<string, readonly string[]>;

/** A canonical GPU field key. */
export type GpuFieldKey = keyof typeof GPU_QUERY_FIELDS;

/**
 * A GPU row with every key present (unset ones `undefined`). Written as one literal so every
 * row shares one compact object shape: a row built from `{}` key by key outgrew its property
 * store several times over, about 3 kB of garbage per GPU and interval (allocation profile at a
 * 1 s interval; docs/benchmarks.md, ## Agent).
 */
export function emptyReading(): Record<GpuFieldKey, string | undefined> {
  return {
    index: undefined,
    uuid: undefined,
    name: undefined,
    busId: undefined,
    utilGpu: undefined,
    utilMemory: undefined,
    utilEncoder: undefined,
    utilDecoder: undefined,
    memTotal: undefined,
    memUsed: undefined,
    tempGpu: undefined,
    tempMemory: undefined,
    powerDraw: undefined,
    powerLimit: undefined,
    clockGraphics: undefined,
    clockSm: undefined,
    clockMemory: undefined,
    clockVideo: undefined,
    clockMaxGraphics: undefined,
    clockMaxSm: undefined,
    clockMaxMemory: undefined,
    fan: undefined,
    pstate: undefined,
    throttleActive: undefined,
    throttleSupported: undefined,
    pcieGen: undefined,
    pcieGenMax: undefined,
    pcieWidth: undefined,
    pcieWidthMax: undefined,
    eccCorrected: undefined,
    eccUncorrected: undefined,
  };
}

/** Fields without which a row cannot be attributed to a GPU. */
export const REQUIRED_GPU_FIELDS: readonly GpuFieldKey[] = ['uuid', 'index', 'name'];

/** The chosen query: field names in order and the key each answers. */
export interface FieldSelection {
  readonly fields: readonly string[];
  readonly keys: readonly GpuFieldKey[];
  /** Keys that this driver cannot report (no supported spelling). */
  readonly missing: readonly GpuFieldKey[];
}

/**
 * Picks, for each canonical key, the first spelling in `supported`; keys with none are left
 * out. `exclude` drops spellings the tool rejected at run time despite listing them.
 *
 * @example
 * selectGpuFields(parseHelpQuery(helpText)).fields.join(',') // → "index,uuid,name,..."
 */
export function selectGpuFields(
  supported: ReadonlySet<string>,
  exclude: ReadonlySet<string> = new Set(),
): FieldSelection {
  const fields: string[] = [];
  const keys: GpuFieldKey[] = [];
  const missing: GpuFieldKey[] = [];
  for (const [key, spellings] of Object.entries(GPU_QUERY_FIELDS) as [
    GpuFieldKey,
    readonly string[],
  ][]) {
    const chosen = spellings.find((s) => supported.has(s) && !exclude.has(s));
    if (chosen) {
      fields.push(chosen);
      keys.push(key);
    } else missing.push(key);
  }
  return { fields, keys, missing };
}

/** `--query-compute-apps` fields; all have existed since the query was introduced. */
export const APP_QUERY_FIELDS = ['gpu_uuid', 'pid', 'process_name', 'used_gpu_memory'] as const;
