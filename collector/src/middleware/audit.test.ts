import { Hono } from 'hono';
import { describe, expect, test } from 'vitest';
import type { NewAuditEntry } from '../projects/audit-repo.js';
import { auditAction, auditWrites, routeParams, setAuditTarget } from './audit.js';
import type { AppEnv } from './auth.js';

describe('auditAction', () => {
  test.each([
    ['POST', '/api/v1/projects', 'projects.create'],
    ['POST', '/api/v1/projects/', 'projects.create'],
    ['POST', '/api/v1/projects/:id/keys', 'projects.keys.create'],
    ['DELETE', '/api/v1/projects/:id/keys/:keyId', 'projects.keys.delete'],
    ['POST', '/api/v1/projects/:id/keys/:keyId/rotate', 'projects.keys.rotate'],
    ['PATCH', '/api/v1/projects/:id/members/:userId', 'projects.members.update'],
    ['PUT', '/api/v1/alert-rules/:id', 'alert-rules.update'],
    ['POST', '/api/v1/channels/:id/test', 'channels.test'],
    ['PUT', '/api/v1/prices', 'prices.update'],
    ['delete', '/api/v1/silences/:id{[a-f0-9]+}', 'silences.delete'],
    ['PATCH', '/api/v1/drift/baselines/:id', 'drift.baselines.update'],
    // A nested collection (a plural noun) after a parameter is not an action.
    ['POST', '/api/v1/projects/:id/members', 'projects.members.create'],
    ['PUT', '/api/v1/drift/baselines/:id/settings', 'drift.baselines.settings.update'],
    ['POST', '/api/v1/alerts/:id/status', 'alerts.status'],
    ['POST', '/api/v1/x/:id/access', 'x.access'],
    // A literal after a literal is not a verb: the method still names the action.
    ['POST', '/api/v1/drift/baselines', 'drift.baselines.create'],
    ['POST', '/api/v1/users/*', 'users.create'],
  ])('%s %s is %s', (method, route, action) => {
    expect(auditAction(method, route)).toBe(action);
  });

  test('route parameters are named in path order, without patterns or ?', () => {
    expect(routeParams('/api/v1/projects/:id/keys/:keyId{[0-9a-f]+}/rotate')).toEqual([
      'id',
      'keyId',
    ]);
    expect(routeParams('/api/v1/x/:opt?')).toEqual(['opt']);
  });
});

/** An API like app.ts's: middleware on a sub-app mounted at /api/v1, routes on sub-sub-apps. */
function appWith(record: (e: NewAuditEntry) => Promise<void>, onFailure?: (e: unknown) => void) {
  const api = new Hono<AppEnv>();
  api.use('*', async (c, next) => {
    c.set('principal', { kind: 'user', projectId: 'default', userId: 'u1', keyId: 'k9' });
    if (c.req.query('project')) c.set('project', c.req.query('project'));
    await next();
  });
  api.use('*', auditWrites({ record }, { onFailure }));
  const keys = new Hono<AppEnv>();
  keys.post('/', (c) => {
    setAuditTarget(c, 'new-key');
    return c.json({ key: 'aiobs_rk_secret' }, 201);
  });
  keys.delete('/:keyId', (c) => c.body(null, 204));
  keys.post('/:keyId/rotate', (c) => c.json({}, 201));
  const projects = new Hono<AppEnv>();
  projects.route('/:id/keys', keys);
  projects.get('/:id', (c) => c.json({}));
  projects.post('/fail', (c) => c.json({ error: {} }, 409));
  api.route('/projects', projects);
  api.post('/query', (c) => c.json({ rows: [] }));
  api.post('/channels', (c) => c.json({ id: 'ch1', secret: 'whsec_x' }, 201));
  api.post('/channels/:id/test', (c) => c.json({ id: 'attempt-1' }, 200));
  const app = new Hono<AppEnv>();
  app.route('/api/v1', api);
  return app;
}

describe('auditWrites', () => {
  test('records successful writes with action, target and details from the matched route', async () => {
    const got: NewAuditEntry[] = [];
    const app = appWith(async (e) => {
      got.push(e);
    });
    const post = (path: string, method = 'POST') => app.request(path, { method, body: '{}' });
    expect((await post('/api/v1/projects/p1/keys?project=p1')).status).toBe(201);
    expect((await post('/api/v1/projects/p1/keys/abc?project=p1', 'DELETE')).status).toBe(204);
    expect((await post('/api/v1/projects/p1/keys/abc/rotate')).status).toBe(201);
    // Not recorded: a read, a refused write, a POST that only reads, an unknown route.
    expect((await app.request('/api/v1/projects/p1')).status).toBe(200);
    expect((await post('/api/v1/projects/fail')).status).toBe(409);
    expect((await post('/api/v1/query')).status).toBe(200);
    expect((await post('/api/v1/nowhere')).status).toBe(404);
    // A create names what it made by the id of its answer, which still reaches the client.
    const made = await post('/api/v1/channels');
    expect(await made.json()).toEqual({ id: 'ch1', secret: 'whsec_x' });
    // Only a 201's id: an action on an item keeps the item's id.
    expect((await post('/api/v1/channels/ch1/test')).status).toBe(200);
    expect(got.map((e) => [e.projectId, e.action, e.target])).toEqual([
      ['p1', 'projects.keys.create', 'new-key'],
      ['p1', 'projects.keys.delete', 'abc'],
      ['', 'projects.keys.rotate', 'abc'],
      ['', 'channels.create', 'ch1'],
      ['', 'channels.test', 'ch1'],
    ]);
    expect(got[0]!.actor).toBe('user:u1');
    expect(got[0]!.details).toEqual({
      method: 'POST',
      path: '/api/v1/projects/p1/keys',
      status: 201,
      keyId: 'k9',
    });
    // The response body (the key shown once) never reaches the log.
    expect(JSON.stringify(got)).not.toContain('aiobs_rk_secret');
    expect(JSON.stringify(got)).not.toContain('whsec_x');
  });

  test('a failed record is reported and never fails the request', async () => {
    const failures: unknown[] = [];
    const app = appWith(
      () => Promise.reject(new Error('engine down')),
      (err) => failures.push(err),
    );
    const res = await app.request('/api/v1/projects/p1/keys', { method: 'POST', body: '{}' });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ key: 'aiobs_rk_secret' });
    expect(failures).toHaveLength(1);
  });
});
