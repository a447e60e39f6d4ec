/** The numbers one progress line shows. */
export interface ProgressSnapshot {
  elapsedMs: number;
  totalMs: number;
  sent: number;
  failed: number;
  feedback: number;
  cacheLookups: number;
  cacheHits: number;
  queueDepth: number;
  drifted: boolean;
  spansExported: number;
  dropped: number;
}

function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** One line of progress, e.g. `[demo 1:05/10:00] 1302 req (20.0/s) · errors 1.9% · …`. */
export function formatProgress(p: ProgressSnapshot): string {
  const rate = p.elapsedMs > 0 ? (p.sent / p.elapsedMs) * 1000 : 0;
  const errPct = p.sent > 0 ? (p.failed / p.sent) * 100 : 0;
  const hitPct = p.cacheLookups > 0 ? (p.cacheHits / p.cacheLookups) * 100 : 0;
  return (
    `[demo ${clock(p.elapsedMs)}/${clock(p.totalMs)}] ${p.sent} req (${rate.toFixed(1)}/s)` +
    ` · errors ${errPct.toFixed(1)}% · cache hits ${hitPct.toFixed(0)}% · queue ${p.queueDepth}` +
    ` · feedback ${p.feedback} · drift ${p.drifted ? 'ON' : 'off'}` +
    ` · spans sent ${p.spansExported}${p.dropped > 0 ? ` · DROPPED ${p.dropped} (collector unreachable?)` : ''}`
  );
}
