import { randomUUID } from 'node:crypto';
import type { Db } from '../storage/db.js';
import type { Engine } from '../storage/engine.js';
import type { RuleSpec } from './rule-schema.js';
import { rowVersion } from './version.js';

/** A stored rule: its validated body plus identity and times (Unix ms). */
export interface StoredRule<S = unknown> {
  id: string;
  project: string;
  spec: RuleSpec<S>;
  createdAtMs: number;
  updatedAtMs: number;
}

/** Rules of every project (migration 0040). */
export interface RulesRepo<S = unknown> {
  create(project: string, spec: RuleSpec<S>): Promise<StoredRule<S>>;
  get(project: string, id: string): Promise<StoredRule<S> | undefined>;
  list(project: string): Promise<StoredRule<S>[]>;
  /** Replaces a rule's body; undefined when there is no such rule. */
  update(project: string, id: string, spec: RuleSpec<S>): Promise<StoredRule<S> | undefined>;
  /** False when there was no such rule. */
  remove(project: string, id: string): Promise<boolean>;
  /** Enabled rules of all projects, for the evaluator. */
  listEnabled(): Promise<StoredRule<S>[]>;
}

interface RuleRow {
  project_id: string;
  id: string;
  spec: string;
  created_at_ms: string | number;
  updated_at_ms: string | number;
}

function toRule<S>(r: RuleRow): StoredRule<S> {
  return {
    id: r.id,
    project: r.project_id,
    spec: JSON.parse(r.spec) as RuleSpec<S>,
    createdAtMs: Number(r.created_at_ms),
    updatedAtMs: Number(r.updated_at_ms),
  };
}

/** Creates the repository; `now` is the clock (tests pass their own). */
export function createRulesRepo<S = unknown>(
  engine: Engine,
  db: Db,
  now: () => number = Date.now,
): RulesRepo<S> {
  const table = db.table('aiobs_alert_rules');
  // The latest row of each rule, then the live ones (a delete is the latest row).
  const latest = (
    where: string,
  ) => `SELECT project_id, id, spec, created_at_ms, updated_at_ms FROM (
      SELECT project_id, id, spec, created_at_ms, updated_at_ms, enabled, deleted FROM ${table}
      WHERE ${where}
      ORDER BY project_id, id, version DESC
      LIMIT 1 BY project_id, id
    ) WHERE deleted = 0`;

  async function write(rule: StoredRule<S>, deleted: boolean): Promise<void> {
    await engine.client.insert({
      table,
      values: [
        {
          project_id: rule.project,
          id: rule.id,
          name: rule.spec.name,
          enabled: rule.spec.enabled ? 1 : 0,
          spec: JSON.stringify(rule.spec),
          created_at_ms: rule.createdAtMs,
          updated_at_ms: rule.updatedAtMs,
          deleted: deleted ? 1 : 0,
          version: rowVersion(now()),
        },
      ],
      format: 'JSONEachRow',
    });
  }

  const repo: RulesRepo<S> = {
    async create(project, spec) {
      const t = now();
      const rule = { id: randomUUID(), project, spec, createdAtMs: t, updatedAtMs: t };
      await write(rule, false);
      return rule;
    },
    async get(project, id) {
      const rows = await db.rows<RuleRow>(
        latest('project_id = {project:String} AND id = {id:String}'),
        { project, id },
      );
      return rows[0] ? toRule<S>(rows[0]) : undefined;
    },
    async list(project) {
      const rows = await db.rows<RuleRow>(
        `${latest('project_id = {project:String}')} ORDER BY created_at_ms, id`,
        { project },
      );
      return rows.map((r) => toRule<S>(r));
    },
    async update(project, id, spec) {
      const old = await repo.get(project, id);
      if (!old) return undefined;
      const rule = { ...old, spec, updatedAtMs: Math.max(now(), old.updatedAtMs) };
      await write(rule, false);
      return rule;
    },
    async remove(project, id) {
      const old = await repo.get(project, id);
      if (!old) return false;
      await write({ ...old, updatedAtMs: now() }, true);
      return true;
    },
    async listEnabled() {
      const rows = await db.rows<RuleRow>(`${latest('1')} AND enabled = 1 ORDER BY project_id, id`);
      return rows.map((r) => toRule<S>(r));
    },
  };
  return repo;
}
