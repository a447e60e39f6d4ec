import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { runCommand } from './run-command.js';

/** A graphics controller as `systeminformation.graphics()` lists it (from `lspci`). */
export interface GraphicsController {
  readonly vendor: string;
  readonly model: string;
  readonly busAddress?: string;
  readonly vramMiB?: number | null;
  readonly name?: string;
  readonly driverVersion?: string;
}

/** Outcome of {@link readGraphicsInventory}. */
export interface GraphicsInventory {
  readonly controllers: readonly GraphicsController[];
  /** Why the inventory is empty when it could not be read (timeout, error). */
  readonly error?: string;
}

/**
 * Lists graphics controllers with `systeminformation.graphics()`, once, at start. It runs
 * in a child process with a timeout: graphics() calls `nvidia-smi` synchronously without a
 * timeout, and a hung driver must not freeze the agent. Inside containers `lspci` often does
 * not list the GPU and graphics() returns nothing; nvidia-smi discovery covers that case.
 */
export async function readGraphicsInventory(
  timeoutMs: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<GraphicsInventory> {
  const siUrl = pathToFileURL(createRequire(import.meta.url).resolve('systeminformation')).href;
  const code = `const si = (await import(${JSON.stringify(siUrl)})).default;
const g = await si.graphics();
process.stdout.write(JSON.stringify(g.controllers));
process.exit(0);`;
  const r = await runCommand(process.execPath, ['--input-type=module', '-e', code], timeoutMs, env);
  if (r.timedOut)
    return {
      controllers: [],
      error: `systeminformation.graphics() timed out after ${timeoutMs} ms`,
    };
  if (r.code !== 0)
    return { controllers: [], error: r.stderr.trim().slice(-300) || `exit ${r.code}` };
  try {
    const raw = JSON.parse(r.stdout) as Record<string, unknown>[];
    return {
      controllers: raw.map((c) => ({
        vendor: String(c.vendor ?? ''),
        model: String(c.model ?? ''),
        busAddress: typeof c.busAddress === 'string' ? c.busAddress : undefined,
        vramMiB: typeof c.vram === 'number' ? c.vram : null,
        name: typeof c.name === 'string' ? c.name : undefined,
        driverVersion: typeof c.driverVersion === 'string' ? c.driverVersion : undefined,
      })),
    };
  } catch {
    return { controllers: [], error: 'unreadable output from systeminformation.graphics()' };
  }
}

/** True when a controller is an NVIDIA GPU (lspci says "NVIDIA Corporation"). */
export function isNvidia(c: GraphicsController): boolean {
  return /nvidia/i.test(c.vendor);
}
