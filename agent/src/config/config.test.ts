import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { parseBytes, parseDuration, parseKeyValueList } from './parse-units.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'aiobs-cfg-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('parse units', () => {
  it('durations', () => {
    expect(parseDuration('10s')).toBe(10_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1m')).toBe(60_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('5')).toBe(5000);
    expect(parseDuration('5', 'ms')).toBe(5);
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration('soon')).toBeUndefined();
  });
  it('sizes and key=value lists', () => {
    expect(parseBytes('256MiB')).toBe(256 * 1024 * 1024);
    expect(parseBytes('500MB')).toBe(500_000_000);
    expect(parseBytes('64k')).toBe(65_536);
    expect(parseBytes('12')).toBe(12);
    expect(parseBytes('lots')).toBeUndefined();
    expect(parseKeyValueList('Authorization=Bearer%20abc, x-team = ml ,bad')).toEqual({
      Authorization: 'Bearer abc',
      'x-team': 'ml',
    });
  });
});

describe('loadConfig', () => {
  const base = { HOME: dir };

  it('defaults: local collector, 10 s, OS hostname, service aiobs-agent', () => {
    const c = loadConfig({ dataDir: dir }, base);
    expect(c.metricsUrl).toBe('http://127.0.0.1:4318/v1/metrics');
    expect(c.intervalMs).toBe(10_000);
    expect(c.resource['service.name']).toBe('aiobs-agent');
    expect(c.apiKeySource).toBe('none');
    expect(c.compression).toBe('none');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads the key from the local collector credentials.json', () => {
    writeFileSync(
      join(dir, 'credentials.json'),
      JSON.stringify({ project: 'default', apiKey: 'ingest-1', adminToken: 'admin-1' }),
    );
    const c = loadConfig({}, { ...base, AIOBS_DATA_DIR: dir });
    expect(c).toMatchObject({ apiKey: 'ingest-1', apiKeySource: 'credentials.json' });
    expect(loadConfig({ apiKey: 'flag-key', dataDir: dir }, base)).toMatchObject({
      apiKey: 'flag-key',
      apiKeySource: 'flag',
    });
    expect(loadConfig({ dataDir: dir }, { ...base, AIOBS_API_KEY: 'env-key' }).apiKey).toBe(
      'env-key',
    );
  });

  it('reads the key from --api-key-file or AIOBS_API_KEY_FILE, first line trimmed', () => {
    const file = join(dir, 'key');
    writeFileSync(file, '  file-key \nsecond line\n');
    expect(loadConfig({ apiKeyFile: file, dataDir: dir }, base)).toMatchObject({
      apiKey: 'file-key',
      apiKeySource: 'file',
    });
    expect(loadConfig({ dataDir: dir }, { ...base, AIOBS_API_KEY_FILE: file }).apiKey).toBe(
      'file-key',
    );
    // The flag beats the environment; an explicit key beats a key file in the environment.
    expect(
      loadConfig({ apiKeyFile: file, dataDir: dir }, { ...base, AIOBS_API_KEY: 'env' }).apiKey,
    ).toBe('file-key');
    expect(() => loadConfig({ apiKey: 'k', apiKeyFile: file, dataDir: dir }, base)).toThrow(
      /either --api-key or --api-key-file/,
    );
    expect(() => loadConfig({ apiKeyFile: join(dir, 'missing'), dataDir: dir }, base)).toThrow(
      /--api-key-file: cannot read/,
    );
    writeFileSync(file, '\n');
    expect(() => loadConfig({ apiKeyFile: file, dataDir: dir }, base)).toThrow(/holds no key/);
    writeFileSync(file, 'k'.repeat(5000));
    expect(() => loadConfig({ apiKeyFile: file, dataDir: dir }, base)).toThrow(/larger than 4096/);
  });

  it('flags beat AIOBS_* env, which beats standard OTEL_* env', () => {
    const env = {
      ...base,
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318/',
      OTEL_METRIC_EXPORT_INTERVAL: '30000',
      OTEL_SERVICE_NAME: 'gpu-fleet-agent',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,host.name=ignored',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=ml',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
      OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
    };
    const otel = loadConfig({ dataDir: dir }, env);
    expect(otel).toMatchObject({
      metricsUrl: 'http://otel:4318/v1/metrics',
      intervalMs: 30_000,
      compression: 'gzip',
      timeoutMs: 2500,
      headers: { 'x-tenant': 'ml' },
    });
    expect(otel.resource).toMatchObject({
      'service.name': 'gpu-fleet-agent',
      'deployment.environment': 'prod',
    });
    expect(otel.resource['host.name']).not.toBe('ignored');
    const aiobs = loadConfig(
      { dataDir: dir },
      { ...env, AIOBS_COLLECTOR_URL: 'http://c:1', AIOBS_AGENT_INTERVAL: '2s' },
    );
    expect(aiobs).toMatchObject({ metricsUrl: 'http://c:1/v1/metrics', intervalMs: 2000 });
    const flags = loadConfig(
      { collector: 'http://f:2', interval: '500ms', hostName: 'h1', dataDir: dir },
      env,
    );
    expect(flags).toMatchObject({
      metricsUrl: 'http://f:2/v1/metrics',
      intervalMs: 500,
      hostName: 'h1',
    });
    expect(flags.resource['host.name']).toBe('h1');
    expect(
      loadConfig(
        { dataDir: dir },
        { ...base, OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://m:3/custom' },
      ).metricsUrl,
    ).toBe('http://m:3/custom');
  });

  it('rejects what a user must fix', () => {
    expect(() => loadConfig({ interval: 'often', dataDir: dir }, base)).toThrow(ConfigError);
    expect(() => loadConfig({ interval: '10ms', dataDir: dir }, base)).toThrow(/intervalMs/);
    expect(() => loadConfig({ collector: 'ftp://x', dataDir: dir }, base)).toThrow(/metricsUrl/);
    expect(() => loadConfig({ bufferMaxBytes: 'huge', dataDir: dir }, base)).toThrow(/not a size/);
    expect(() => loadConfig({ compression: 'brotli', dataDir: dir }, base)).toThrow(/compression/);
  });

  it('switches GPU collection off by flag or env', () => {
    expect(loadConfig({ gpu: false, dataDir: dir }, base).gpu).toBe(false);
    expect(loadConfig({ dataDir: dir }, { ...base, AIOBS_AGENT_GPU: '0' }).gpu).toBe(false);
    expect(loadConfig({ dataDir: dir }, base).gpu).toBe(true);
  });
});
