import { Hono } from 'hono';
import { z } from 'zod';
import type { ProjectKey, ProjectKeyCreated, ProjectKeysResponse } from '../api/types.js';
import type { Authenticator } from '../auth/authenticator.js';
import { generateKey, generateKeyId, hashKey, keyPrefix } from '../auth/keys.js';
import { NotFoundError } from '../errors.js';
import { setAuditTarget } from '../middleware/audit.js';
import type { AppEnv } from '../middleware/auth.js';
import type { AuthRepo, KeyInfo } from '../storage/auth-repo.js';
import { actorOf } from './audit-repo.js';
import { isoOrNull, parseExpiry, readBody } from './body.js';
import { pathId, projectIn } from './scope-routes.js';

/** The kinds of key a project's owners manage here. */
type ProjectKeyKind = ProjectKey['kind'];

/** `POST /projects/:id/keys/:keyId/rotate` (201): the new key, and when the old one stops. */
export interface ProjectKeyRotated extends ProjectKeyCreated {
  rotatedFrom: { id: string; expiresAt: string };
}

/** Kinds managed per project (the admin token and personal tokens are not listed here). */
const KINDS: readonly ProjectKeyKind[] = ['ingest', 'read'];

/** Default overlap of a rotation: the old key keeps working a day. */
export const DEFAULT_OVERLAP_SECONDS = 86_400;
/** Longest overlap of a rotation: 30 days. */
export const MAX_OVERLAP_SECONDS = 30 * 86_400;

const expiry = z.union([z.string(), z.number()]).nullable().optional();
const CREATE_SHAPE = '{"kind": "ingest" | "read", "name", "expiresAt"?}';
const CreateKey = z.strictObject({
  kind: z.enum(['ingest', 'read']),
  name: z.string().trim().min(1).max(200),
  expiresAt: expiry,
});
const ROTATE_SHAPE = '{"overlapSeconds"?, "expiresAt"?}';
const RotateKey = z.strictObject({
  overlapSeconds: z.number().int().min(0).max(MAX_OVERLAP_SECONDS).optional(),
  expiresAt: expiry,
});

function view(k: KeyInfo): ProjectKey {
  return {
    id: k.id,
    prefix: k.prefix,
    kind: k.kind as ProjectKeyKind,
    name: k.name,
    createdAt: new Date(k.createdAt).toISOString(),
    expiresAt: isoOrNull(k.expiresAt),
    ...(k.createdBy ? { createdBy: k.createdBy } : {}),
  };
}

/**
 * `/api/v1/projects/:id/keys` (owners): ingest and read-only keys, shown once at creation and
 * listed by prefix; revocation; rotation with an overlap during which both keys work. A key is
 * reached only through its own project's path: any other is 404.
 */
export function keysRoutes(deps: {
  repo: AuthRepo;
  authenticator?: Pick<Authenticator, 'invalidate'>;
}) {
  const { repo } = deps;
  const app = new Hono<AppEnv>();

  /** Stores a new key and answers it, the one time it is shown. */
  async function issue(
    projectId: string,
    spec: { kind: ProjectKeyKind; name: string; expiresAt?: number; createdBy: string },
  ): Promise<ProjectKeyCreated> {
    const key = generateKey(spec.kind);
    const id = generateKeyId();
    await repo.insertKey({ ...spec, hash: hashKey(key), id, prefix: keyPrefix(key), projectId });
    const stored = await repo.getKey(id);
    return {
      id,
      prefix: keyPrefix(key),
      kind: spec.kind,
      name: spec.name,
      createdAt: new Date(stored?.createdAt ?? Date.now()).toISOString(),
      expiresAt: isoOrNull(spec.expiresAt),
      createdBy: spec.createdBy,
      key,
    };
  }

  /** The live project key `keyId` of `projectId`; 404 for another project's key or kind. */
  async function keyIn(projectId: string, keyId: string): Promise<KeyInfo> {
    const key = await repo.getKey(keyId);
    if (!key || key.projectId !== projectId || !KINDS.includes(key.kind as ProjectKeyKind))
      throw new NotFoundError(`no live key "${keyId}" in project "${projectId}"`);
    return key;
  }

  app.post('/', async function createKey(c) {
    const project = await projectIn(c, repo, 'owner');
    const body = await readBody(c, CreateKey, CREATE_SHAPE);
    const created = await issue(project.id, {
      kind: body.kind,
      name: body.name,
      expiresAt: parseExpiry(body.expiresAt),
      createdBy: actorOf(c.get('principal')),
    });
    setAuditTarget(c, created.id);
    return c.json(created, 201);
  });

  app.get('/', async function listKeys(c) {
    const project = await projectIn(c, repo, 'owner');
    const keys = await repo.listKeys({ projectId: project.id, kinds: KINDS });
    const out: ProjectKeysResponse = { keys: keys.map(view) };
    return c.json(out);
  });

  app.delete('/:keyId', async function revokeKey(c) {
    const project = await projectIn(c, repo, 'owner');
    const key = await keyIn(project.id, pathId(c, 'keyId'));
    await repo.revokeKeyById(key.id);
    deps.authenticator?.invalidate();
    return c.body(null, 204);
  });

  app.post('/:keyId/rotate', async function rotateKey(c) {
    const project = await projectIn(c, repo, 'owner');
    const old = await keyIn(project.id, pathId(c, 'keyId'));
    const body = await readBody(c, RotateKey, ROTATE_SHAPE, true);
    const overlapMs = (body.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS) * 1000;
    // Rotation never lengthens the old key's life past an expiry it already had.
    const oldExpiresAt = Math.min(Date.now() + overlapMs, old.expiresAt ?? Infinity);
    // The new key first: should the second write fail, the old key still works.
    const created = await issue(project.id, {
      kind: old.kind as ProjectKeyKind,
      name: old.name,
      expiresAt: parseExpiry(body.expiresAt),
      createdBy: actorOf(c.get('principal')),
    });
    await repo.setKeyExpiry(old.id, oldExpiresAt);
    // The old key is cached here without its new expiry until looked up again.
    deps.authenticator?.invalidate();
    const out: ProjectKeyRotated = {
      ...created,
      rotatedFrom: { id: old.id, expiresAt: new Date(oldExpiresAt).toISOString() },
    };
    return c.json(out, 201);
  });

  return app;
}
