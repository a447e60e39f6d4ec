// Validates the deployment files in deploy/: the Kubernetes DaemonSet (parsed, checked, and its
// container configuration run against a capture server) and the systemd unit example.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { renderEnv, renderUnit } from '@aiobs/agent/dist/install/systemd.js';
import { startAgent } from '@aiobs/agent/dist/test-support/agent-process.js';
import { startCaptureServer } from '@aiobs/agent/dist/test-support/capture-server.js';
import { fakeGpuEnv } from '@aiobs/agent/dist/test-support/fake-gpu.js';
import { decodeMetricsRequest } from '@aiobs/agent/dist/test-support/otlp-decode.js';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const DEPLOY = resolve(import.meta.dirname, '..', 'deploy');

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
}
interface Container {
  name: string;
  image: string;
  args: string[];
  env: EnvVar[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
}

function manifests() {
  const docs = parseAllDocuments(
    readFileSync(join(DEPLOY, 'kubernetes', 'aiobs-agent.yaml'), 'utf8'),
  );
  for (const d of docs) expect(d.errors).toEqual([]);
  return docs.map(
    (d) =>
      d.toJS() as {
        apiVersion: string;
        kind: string;
        metadata: { name: string; namespace?: string };
        spec: any;
      },
  );
}

describe('Kubernetes DaemonSet', () => {
  it('is a well-formed DaemonSet with the fields the agent needs', () => {
    const all = manifests();
    const ds = all.find((m) => m.kind === 'DaemonSet')!;
    expect(ds.apiVersion).toBe('apps/v1');
    expect(all.find((m) => m.kind === 'Namespace')?.metadata.name).toBe(ds.metadata.namespace);
    const labels = ds.spec.template.metadata.labels as Record<string, string>;
    for (const [k, v] of Object.entries(ds.spec.selector.matchLabels as Record<string, string>)) {
      expect(labels[k]).toBe(v);
    }
    const pod = ds.spec.template.spec;
    expect(pod.hostNetwork).toBe(true);
    expect(pod.hostPID).toBe(true);
    expect(pod.tolerations.some((t: { key?: string }) => t.key === 'nvidia.com/gpu')).toBe(true);
    const c = pod.containers[0] as Container;
    expect(c.image).toMatch(/^[\w./-]+:[\w.-]+$/);
    expect(c.args[0]).toBe('run');
    const env = Object.fromEntries(c.env.map((e) => [e.name, e]));
    expect(env.AIOBS_API_KEY?.valueFrom?.secretKeyRef).toEqual({
      name: 'aiobs-agent',
      key: 'api-key',
    });
    expect(env.AIOBS_HOST_NAME?.valueFrom?.fieldRef?.fieldPath).toBe('spec.nodeName');
    expect(env.AIOBS_COLLECTOR_URL?.value).toMatch(/^http:\/\/.+:4318$/);
    // The budget: well under 80 MB steady state, so a 160Mi limit leaves headroom.
    expect(c.resources.limits.memory).toBe('160Mi');
    const hostRootArg = c.args[c.args.indexOf('--host-root') + 1];
    const mounts = Object.fromEntries(c.volumeMounts.map((m) => [m.mountPath, m]));
    expect(mounts[hostRootArg!]?.readOnly).toBe(true);
    const bufferMount = mounts[env.AIOBS_AGENT_STATE_DIR!.value!]!;
    const bufferVolume = pod.volumes.find((v: { name: string }) => v.name === bufferMount.name);
    expect(bufferVolume.hostPath.path).toBe('/var/lib/aiobs-agent');
  });

  it("its container configuration runs: the agent reports under the node's name with the secret key", async () => {
    const c = manifests().find((m) => m.kind === 'DaemonSet')!.spec.template.spec
      .containers[0] as Container;
    const server = await startCaptureServer();
    const state = mkdtempSync(join(tmpdir(), 'aiobs-ds-'));
    try {
      // What the kubelet would resolve: the secret, the node name; the collector URL, host
      // root and state dir point at this test's stand-ins.
      const env: Record<string, string> = {};
      for (const e of c.env) {
        if (e.valueFrom?.secretKeyRef) env[e.name] = 'secret-from-k8s';
        else if (e.valueFrom?.fieldRef) env[e.name] = 'node-gpu-17';
        else env[e.name] = e.value ?? '';
      }
      env.AIOBS_COLLECTOR_URL = server.url;
      env.AIOBS_AGENT_INTERVAL = '300ms';
      env.AIOBS_AGENT_STATE_DIR = state;
      const args = c.args.map((a, i) => (c.args[i - 1] === '--host-root' ? '/' : a));
      const agent = startAgent(args, fakeGpuEnv('h200x8', { ...env, AIOBS_LOG_LEVEL: 'debug' }));
      await agent.waitForLog((l) => l.msg === 'export ok');
      expect(await agent.stop()).toBe(0);
      const req = server.requests[0]!;
      expect(req.headers.authorization).toBe('Bearer secret-from-k8s');
      expect(decodeMetricsRequest(req.body).resource['host.name']).toBe('node-gpu-17');
    } finally {
      await server.close();
      rmSync(state, { recursive: true, force: true });
    }
  });
});

describe('systemd files in deploy/', () => {
  it('the example unit is what `aiobs-agent install` renders', () => {
    const unit = readFileSync(join(DEPLOY, 'systemd', 'aiobs-agent.service'), 'utf8');
    expect(unit).toBe(
      renderUnit({
        nodePath: '/usr/bin/node',
        cliPath: '/usr/lib/node_modules/@aiobs/agent/dist/cli.js',
        envPath: '/etc/aiobs-agent/aiobs-agent.env',
      }),
    );
    const sections = new Map<string, Record<string, string>>();
    let current = '';
    for (const line of unit.split('\n')) {
      const sec = /^\[(\w+)\]$/.exec(line);
      if (sec?.[1]) {
        current = sec[1];
        sections.set(current, {});
      } else if (line.includes('=')) {
        const [k, ...v] = line.split('=');
        sections.get(current)![k!] = v.join('=');
      }
    }
    expect([...sections.keys()]).toEqual(['Unit', 'Service', 'Install']);
    expect(sections.get('Service')).toMatchObject({
      Type: 'simple',
      Restart: 'always',
      KillMode: 'mixed',
      StateDirectory: 'aiobs-agent',
      EnvironmentFile: '/etc/aiobs-agent/aiobs-agent.env',
    });
    expect(sections.get('Service')!.ExecStart).toMatch(/ run$/);
    expect(sections.get('Install')!.WantedBy).toBe('multi-user.target');
    const env = readFileSync(join(DEPLOY, 'systemd', 'aiobs-agent.env.example'), 'utf8');
    expect(env).toBe(
      renderEnv({
        collectorUrl: 'https://aiobs.example.com',
        apiKey: 'REPLACE_WITH_INGEST_KEY',
        interval: '10s',
      }),
    );
  });
});
