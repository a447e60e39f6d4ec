import { isRole, type Role } from '../auth/principal.js';
import type { Engine } from '../storage/engine.js';
import { chTime, fromChTime, nextVersion } from '../storage/rows.js';

/** One membership. */
export interface Member {
  projectId: string;
  userId: string;
  role: Role;
  createdAt: number;
}

interface MemberRow {
  project_id: string;
  user_id: string;
  role: string;
  deleted: number;
  created_at: string;
  version: string | number;
}

/**
 * Project memberships (`aiobs_project_members`): the latest row per (project, user) decides,
 * a row with deleted = 1 ends the membership.
 */
export function createMembersRepo(engine: Engine) {
  const { client, database: db } = engine;
  const live = (where: string) =>
    `SELECT * FROM (SELECT * FROM ${db}.aiobs_project_members WHERE ${where}
       ORDER BY version DESC LIMIT 1 BY project_id, user_id) WHERE deleted = 0`;

  async function rows(query: string, params: Record<string, unknown>): Promise<MemberRow[]> {
    const rs = await client.query({ query, query_params: params, format: 'JSONEachRow' });
    return rs.json<MemberRow>();
  }

  async function latestRow(projectId: string, userId: string): Promise<MemberRow | undefined> {
    const [row] = await rows(
      `SELECT * FROM ${db}.aiobs_project_members
       WHERE project_id = {project:String} AND user_id = {user:String}
       ORDER BY version DESC LIMIT 1`,
      { project: projectId, user: userId },
    );
    return row;
  }

  async function write(row: MemberRow): Promise<void> {
    await client.insert({
      table: `${db}.aiobs_project_members`,
      values: [row],
      format: 'JSONEachRow',
    });
  }

  return {
    /** The user's role per project. */
    async rolesOf(userId: string): Promise<Map<string, Role>> {
      const found = await rows(live('user_id = {user:String}'), { user: userId });
      return new Map(found.flatMap((r) => (isRole(r.role) ? [[r.project_id, r.role]] : [])));
    },

    /** The project's members, by when they joined. */
    async list(projectId: string): Promise<Member[]> {
      const found = await rows(`${live('project_id = {project:String}')} ORDER BY created_at`, {
        project: projectId,
      });
      return found.flatMap(toMember);
    },

    async get(projectId: string, userId: string): Promise<Member | undefined> {
      const row = await latestRow(projectId, userId);
      return row && Number(row.deleted) === 0 ? toMember(row)[0] : undefined;
    },

    /** Adds the user to the project, or changes their role. */
    async upsert(projectId: string, userId: string, role: Role): Promise<Member> {
      const prev = await latestRow(projectId, userId);
      const keep = prev && Number(prev.deleted) === 0;
      const row: MemberRow = {
        project_id: projectId,
        user_id: userId,
        role,
        deleted: 0,
        created_at: keep ? prev.created_at : chTime(Date.now()),
        version: nextVersion(Number(prev?.version ?? 0)),
      };
      await write(row);
      return toMember(row)[0]!;
    },

    /** Ends the membership; false when there was none. */
    async remove(projectId: string, userId: string): Promise<boolean> {
      const prev = await latestRow(projectId, userId);
      if (!prev || Number(prev.deleted) === 1) return false;
      await write({ ...prev, deleted: 1, version: nextVersion(Number(prev.version)) });
      return true;
    },
  };
}

/** The repository's interface. */
export type MembersRepo = ReturnType<typeof createMembersRepo>;

function toMember(r: MemberRow): Member[] {
  if (!isRole(r.role)) return [];
  return [
    {
      projectId: r.project_id,
      userId: r.user_id,
      role: r.role,
      createdAt: fromChTime(r.created_at),
    },
  ];
}
