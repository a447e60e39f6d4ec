import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';

describe('--grpc-port / AIOBS_GRPC_PORT', () => {
  test('defaults to the OTLP/gRPC port 4317; 0 picks a free port; off disables', () => {
    expect(loadConfig({}, {}).grpcPort).toBe(4317);
    expect(loadConfig({ grpcPort: '0' }, {}).grpcPort).toBe(0);
    expect(loadConfig({ grpcPort: '14317' }, {}).grpcPort).toBe(14317);
    expect(loadConfig({ grpcPort: 'off' }, {}).grpcPort).toBe('off');
    expect(loadConfig({}, { AIOBS_GRPC_PORT: 'off' }).grpcPort).toBe('off');
    expect(loadConfig({ grpcPort: '0' }, { AIOBS_GRPC_PORT: 'off' }).grpcPort).toBe(0);
  });

  test('anything else names the flag and variable', () => {
    for (const bad of ['-1', '65536', 'on', '43.5'])
      expect(() => loadConfig({ grpcPort: bad }, {}), bad).toThrow(
        /--grpc-port \(AIOBS_GRPC_PORT\): must be a port \(0-65535\) or off/,
      );
    expect(() => loadConfig({ grpcPort: 'x' }, {})).toThrow(ConfigError);
  });
});
