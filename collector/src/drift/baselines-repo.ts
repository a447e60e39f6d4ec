import { randomUUID } from 'node:crypto';
import type { DriftBaseline } from '../api/types.js';
import type { Db } from '../storage/db.js';
import type { Engine } from '../storage/engine.js';
import { BaselineValuesBlock } from './baseline-values-block.js';
import type { SampleValue } from './sample.js';

/**
 * Stored drift baselines and their own copies of the values (migration 0031). A baseline
 * copies at most {@link BASELINE_CAP} values per feature (per kind, feature and type),
 * chosen uniformly at random beyond it by ordering on a hash of each row.
 */

/** Most values a baseline keeps per feature. */
export const BASELINE_CAP = 100_000;

/** Where a baseline's values come from. */
export type BaselineSource =
  | { source: 'version'; version: string }
  | { source: 'range'; fromMs: number; toMs: number };

/**
 * How a baseline's verdicts are judged: `fixed` by the documented thresholds, `reference`
 * by limits from the reference's own chunk-to-chunk variation (NannyML-style).
 */
export type ThresholdMode = DriftBaseline['thresholds'];

/** Settings a baseline carries beside its values (migration 0033). */
export interface BaselineSettings {
  /** The one baseline per model the scheduled job compares against. */
  isDefault: boolean;
  thresholds: ThresholdMode;
}

/** A stored baseline: what the API answers. */
export type Baseline = DriftBaseline;

interface BaselineRow {
  id: string;
  name: string;
  model: string;
  source: 'version' | 'range' | 'sample';
  version: string;
  from_ms: string | number;
  to_ms: string | number;
  cap: number;
  created_at: string;
  is_default: number | string;
  thresholds: string;
  value_types: string;
  project_id: string;
}

/** Values a baseline holds per feature. */
export interface BaselineFeatureCount {
  kind: string;
  feature: string;
  type: 'numeric' | 'categorical';
  count: number;
}

export interface BaselinesRepo {
  /** Most values kept per feature. */
  readonly cap: number;
  /** Creates a baseline by copying its values; returns it and how many values it copied. */
  create(
    project: string,
    name: string,
    model: string,
    from: BaselineSource,
    settings?: Partial<BaselineSettings>,
  ): Promise<{ baseline: Baseline; values: number }>;
  /**
   * Creates a baseline from an uploaded sample's values (already capped per column);
   * `valueTypes` records how each column was typed.
   */
  createFromSample(
    project: string,
    name: string,
    model: string,
    values: Iterable<SampleValue>,
    valueTypes: Record<string, 'numeric' | 'categorical'>,
    settings?: Partial<BaselineSettings>,
  ): Promise<{ baseline: Baseline; values: number }>;
  list(project: string): Promise<Baseline[]>;
  /** Changes a baseline's settings; making it the default clears the model's other default. */
  update(
    project: string,
    id: string,
    settings: Partial<BaselineSettings>,
  ): Promise<Baseline | undefined>;
  /** The default baseline of every model of every project (what the scheduled job reads). */
  defaults(): Promise<Array<Baseline & { project: string }>>;
  get(project: string, id: string): Promise<Baseline | undefined>;
  /**
   * The baseline a model is judged against when none is named: its default (the newest,
   * as {@link defaults}, should two be marked), else its newest.
   */
  ofModel(project: string, model: string): Promise<Baseline | undefined>;
  counts(project: string, id: string): Promise<BaselineFeatureCount[]>;
  /** False when there was no such baseline. */
  remove(project: string, id: string): Promise<boolean>;
}

function toBaseline(r: BaselineRow): Baseline {
  return {
    id: r.id,
    name: r.name,
    model: r.model,
    source: r.source,
    version: r.version,
    fromMs: Number(r.from_ms),
    toMs: Number(r.to_ms),
    cap: Number(r.cap),
    createdAt: new Date(`${r.created_at.replace(' ', 'T')}Z`).toISOString(),
    isDefault: Number(r.is_default) === 1,
    thresholds: r.thresholds === 'reference' ? 'reference' : 'fixed',
    ...(r.value_types ? { valueTypes: JSON.parse(r.value_types) } : {}),
  };
}

/**
 * Creates the repository: writes through the engine's client, reads under the query limits.
 * `cap` (values kept per feature) is {@link BASELINE_CAP} unless a test sets a smaller one.
 */
export function createBaselinesRepo(engine: Engine, db: Db, cap = BASELINE_CAP): BaselinesRepo {
  const baselines = db.table('aiobs_drift_baselines');
  const values = db.table('aiobs_baseline_values');
  const features = db.table('aiobs_feature_values');
  const columns = `project_id, id, name, model, source, version, from_ms, to_ms, cap, created_at,
    deleted, is_default, thresholds, value_types`;
  const live = `SELECT ${columns} FROM ${baselines} FINAL WHERE project_id = {project:String}`;

  async function write(project: string, b: Baseline, deleted: boolean) {
    await engine.client.insert({
      table: baselines,
      values: [
        {
          project_id: project,
          id: b.id,
          name: b.name,
          model: b.model,
          source: b.source,
          version: b.version,
          from_ms: b.fromMs,
          to_ms: b.toMs,
          cap: b.cap,
          created_at: b.createdAt.replace('T', ' ').replace('Z', ''),
          deleted: deleted ? 1 : 0,
          is_default: b.isDefault ? 1 : 0,
          thresholds: b.thresholds,
          value_types: b.valueTypes ? JSON.stringify(b.valueTypes) : '',
        },
      ],
      format: 'JSONEachRow',
    });
  }

  return {
    cap,
    async create(project, name, model, from, settings = {}) {
      const b: Baseline = {
        id: randomUUID(),
        name,
        model,
        source: from.source,
        version: from.source === 'version' ? from.version : '',
        fromMs: from.source === 'range' ? from.fromMs : 0,
        toMs: from.source === 'range' ? from.toMs : 0,
        cap,
        createdAt: new Date().toISOString(),
        isDefault: false,
        thresholds: settings.thresholds ?? 'fixed',
      };
      const where =
        from.source === 'version'
          ? 'version = {version:String}'
          : 'time >= fromUnixTimestamp64Milli({fromMs:Int64}) AND time < fromUnixTimestamp64Milli({toMs:Int64})';
      // The copy first, the baseline row after: a baseline that is listed has its values.
      // Under the time and memory limits: the copy reads as much as any API query.
      await db.command(
        `INSERT INTO ${values} (project_id, baseline_id, kind, feature, is_numeric, num, cat)
          SELECT project_id, {id:String}, kind, feature, is_numeric, num, cat
          FROM ${features}
          WHERE project_id = {project:String} AND model = {model:String} AND ${where}
          ORDER BY cityHash64(prediction_id, time, num, cat)
          LIMIT {cap:UInt32} BY kind, feature, is_numeric`,
        {
          id: b.id,
          project,
          model,
          version: b.version,
          fromMs: b.fromMs,
          toMs: b.toMs,
          cap: b.cap,
        },
      );
      await write(project, b, false);
      if (settings.isDefault) await this.update(project, b.id, { isDefault: true });
      const n = await db.rows<{ n: string | number }>(
        `SELECT count() AS n FROM ${values} WHERE project_id = {project:String} AND baseline_id = {id:String}`,
        { project, id: b.id },
      );
      return { baseline: b, values: Number(n[0]?.n ?? 0) };
    },
    async createFromSample(project, name, model, sample, valueTypes, settings = {}) {
      const b: Baseline = {
        id: randomUUID(),
        name,
        model,
        source: 'sample',
        version: '',
        fromMs: 0,
        toMs: 0,
        cap,
        createdAt: new Date().toISOString(),
        isDefault: false,
        thresholds: settings.thresholds ?? 'fixed',
        valueTypes,
      };
      let n = 0;
      const block = new BaselineValuesBlock();
      const flush = async () => {
        if (block.rows === 0) return;
        await engine.insertNative(block.table, block.columnNames(), block.encode());
        block.reset();
      };
      for (const v of sample) {
        block.add(project, b.id, v);
        n++;
        if (block.rows >= 100_000) await flush();
      }
      await flush();
      // As for the other kinds: values first, the baseline row after.
      await write(project, b, false);
      if (settings.isDefault) await this.update(project, b.id, { isDefault: true });
      return { baseline: b, values: n };
    },
    async list(project) {
      const rows = await db.rows<BaselineRow>(`${live} AND deleted = 0 ORDER BY created_at, id`, {
        project,
      });
      return rows.map(toBaseline);
    },
    async update(project, id, settings) {
      const b = await this.get(project, id);
      if (!b) return undefined;
      if (settings.isDefault) {
        // One default per model: clear the others first, so a crash in between leaves none
        // rather than two (and two would still resolve to the newest, see defaults()).
        for (const other of await this.list(project))
          if (other.model === b.model && other.isDefault && other.id !== id)
            await write(project, { ...other, isDefault: false }, false);
      }
      const next: Baseline = {
        ...b,
        isDefault: settings.isDefault ?? b.isDefault,
        thresholds: settings.thresholds ?? b.thresholds,
      };
      await write(project, next, false);
      return next;
    },
    async defaults() {
      const rows = await db.rows<BaselineRow>(
        `SELECT ${columns} FROM ${baselines} FINAL WHERE deleted = 0 AND is_default = 1
         ORDER BY project_id, model, created_at DESC, id
         LIMIT 1 BY project_id, model`,
      );
      return rows.map((r) => ({ ...toBaseline(r), project: r.project_id }));
    },
    async get(project, id) {
      const rows = await db.rows<BaselineRow>(`${live} AND id = {id:String} AND deleted = 0`, {
        project,
        id,
      });
      return rows[0] ? toBaseline(rows[0]) : undefined;
    },
    async ofModel(project, model) {
      const rows = await db.rows<BaselineRow>(
        `${live} AND model = {model:String} AND deleted = 0
         ORDER BY is_default DESC, created_at DESC, id LIMIT 1`,
        { project, model },
      );
      return rows[0] ? toBaseline(rows[0]) : undefined;
    },
    async counts(project, id) {
      const rows = await db.rows<{ kind: string; feature: string; is_numeric: number; n: string }>(
        `SELECT kind, feature, is_numeric, count() AS n FROM ${values}
         WHERE project_id = {project:String} AND baseline_id = {id:String}
         GROUP BY kind, feature, is_numeric ORDER BY kind, feature, is_numeric`,
        { project, id },
      );
      return rows.map((r) => ({
        kind: r.kind,
        feature: r.feature,
        type: Number(r.is_numeric) === 1 ? 'numeric' : 'categorical',
        count: Number(r.n),
      }));
    },
    async remove(project, id) {
      const b = await this.get(project, id);
      if (!b) return false;
      await write(project, b, true);
      const onCluster = engine.cluster ? ` ON CLUSTER ${engine.cluster}` : '';
      await engine.client.command({
        query: `ALTER TABLE ${values}${onCluster} DELETE WHERE project_id = {project:String} AND baseline_id = {id:String}`,
        query_params: { project, id },
      });
      return true;
    },
  };
}
