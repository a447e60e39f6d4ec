import type { Connection } from 'chdb/connection';

/**
 * Spreads the client's statements over several connections to one embedded engine: each
 * call goes to the connection with the fewest statements running. One chDB connection runs
 * one statement at a time, so on a single one every dashboard call, alert evaluation and
 * drift job queued behind whatever ran before it (a page's six parallel calls were answered
 * one after another). Connections to one engine run in parallel and share its data.
 *
 * The collector's statements keep no session state (no `SET`, `USE` or temporary tables:
 * the same code runs over HTTP against a server, where each request stands alone), so any
 * connection may take any statement. chDB's connection materialises a result before its
 * promise settles, so a connection is free again when the call settles.
 */
export function poolConnections<S>(connections: readonly Connection<S>[]): Connection<S> {
  if (connections.length === 0) throw new Error('poolConnections: no connection');
  const running = connections.map(() => 0);
  const run = async <T>(call: (c: Connection<S>) => Promise<T>): Promise<T> => {
    let best = 0;
    for (let i = 1; i < running.length; i++) if (running[i]! < running[best]!) best = i;
    running[best]!++;
    try {
      return await call(connections[best]!);
    } finally {
      running[best]!--;
    }
  };
  return {
    ping: (params) => run((c) => c.ping(params)),
    query: (params) => run((c) => c.query(params)),
    insert: (params) => run((c) => c.insert(params)),
    command: (params) => run((c) => c.command(params)),
    exec: (params) => run((c) => c.exec(params)),
    async close() {
      await Promise.all(connections.map((c) => c.close()));
    },
  };
}
