/**
 * The collector image and the Kubernetes manifests, checked without a Docker engine or a
 * cluster: every path the Dockerfile copies exists (in the repo, or as what the build
 * produces), and the manifests fit together and with the collector (readiness on the health
 * route, the HPA's metric is one /metrics serves, the cluster name the collectors use is the
 * ClickHouseInstallation's).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';

const ROOT = resolve(import.meta.dirname, '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
// Parsed YAML: its shape is what the tests check.
type Doc = any;
const docs = (p: string): Doc[] => parseAllDocuments(read(p)).map((d) => d.toJS());

/** `COPY [--from=x] src... dest` lines of a Dockerfile, continuation lines joined. */
function copies(dockerfile: string): { from?: string; sources: string[] }[] {
  const lines = dockerfile.replace(/\\\n/g, ' ').split('\n');
  return lines
    .filter((l) => /^COPY\s/i.test(l.trim()))
    .map((l) => {
      const words = l.trim().split(/\s+/).slice(1);
      const from = words.find((w) => w.startsWith('--from='))?.slice(7);
      const args = words.filter((w) => !w.startsWith('--'));
      return { from, sources: args.slice(0, -1) };
    });
}

describe('deploy/docker/collector.Dockerfile', () => {
  const file = read('deploy/docker/collector.Dockerfile');

  test('every path it copies exists (the build stage copies the repo at /src)', () => {
    const all = copies(file);
    expect(all.length).toBeGreaterThan(3);
    for (const { from, sources } of all) {
      for (const src of sources) {
        // The build stage is the repo at /src plus its build outputs (dist/, which this
        // suite's build has produced here too).
        const path = from === 'build' ? src.replace(/^\/src\/?/, '') : src;
        expect(existsSync(join(ROOT, path)), `${from ?? 'context'}:${src}`).toBe(true);
      }
    }
  });

  test('the collector entry point and its migrations are in what is copied', () => {
    expect(file).toMatch(
      /ENTRYPOINT \["node", "\/opt\/aiobs\/collector\/bin\/aiobs-collector\.js"\]/,
    );
    expect(existsSync(join(ROOT, 'collector/bin/aiobs-collector.js'))).toBe(true);
    // The build copies every migration folder into dist/ (collector/package.json build).
    for (const folder of ['storage', 'models', 'drift', 'alerts', 'observability'])
      expect(existsSync(join(ROOT, `collector/dist/${folder}/migrations`)), folder).toBe(true);
  });
});

describe('deploy/kubernetes', () => {
  const collector = docs('deploy/kubernetes/aiobs-collector.yaml');
  const byKind = (kind: string) => collector.find((d) => d.kind === kind);
  const deployment = byKind('Deployment');
  const container = deployment.spec.template.spec.containers[0];
  const env = Object.fromEntries(
    container.env.map((e: { name: string; value?: string }) => [e.name, e.value]),
  );

  test('collector Deployment: readiness on /api/v1/health, selector matches its pods', () => {
    expect(container.readinessProbe.httpGet.path).toBe('/api/v1/health');
    expect(deployment.spec.template.metadata.labels).toMatchObject(
      deployment.spec.selector.matchLabels,
    );
    const ports = container.ports.map((p: { name: string }) => p.name);
    expect(ports).toContain(container.readinessProbe.httpGet.port);
    expect(env.CLICKHOUSE_URL).toMatch(/^http:\/\//);
  });

  test('the HPA scales the Deployment on a metric /metrics serves', () => {
    const hpa = byKind('HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toMatchObject({
      kind: 'Deployment',
      name: deployment.metadata.name,
    });
    const pods = hpa.spec.metrics.find((m: { type: string }) => m.type === 'Pods');
    const name = pods.pods.metric.name;
    expect(name).toBe('aiobs_ingest_pending_bytes');
    expect(read('collector/src/observability/metrics.ts')).toContain(`'${name}'`);
  });

  test('the Service selects the collector pods', () => {
    expect(byKind('Service').spec.selector).toEqual(deployment.spec.selector.matchLabels);
  });

  test('ClickHouseInstallation: the cluster the collectors name, and a Keeper', () => {
    const [chi] = docs('deploy/kubernetes/clickhouse-installation.yaml');
    expect(chi.apiVersion).toBe('clickhouse.altinity.com/v1');
    expect(chi.kind).toBe('ClickHouseInstallation');
    const clusters = chi.spec.configuration.clusters.map((c: { name: string }) => c.name);
    expect(clusters).toContain(env.CLICKHOUSE_CLUSTER);
    expect(chi.spec.configuration.zookeeper.nodes.length).toBeGreaterThan(0);
    // The collectors reach it through the operator's service named after the installation.
    expect(env.CLICKHOUSE_URL).toContain(`clickhouse-${chi.metadata.name}.`);
  });

  test('the agent DaemonSet is there', () => {
    expect(docs('deploy/kubernetes/aiobs-agent.yaml').some((d) => d?.kind === 'DaemonSet')).toBe(
      true,
    );
  });
});
