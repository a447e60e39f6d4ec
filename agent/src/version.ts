import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The agent's version, from its package.json (one source of truth for logs and the scope). */
export const AGENT_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8'),
    ) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();

/** Instrumentation scope of the agent's metrics. */
export const AGENT_SCOPE = { name: '@aiobs/agent', version: AGENT_VERSION } as const;
