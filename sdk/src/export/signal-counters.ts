import type { SignalStats } from '../types.js';

/** Exported and dropped counts of one signal; plain numbers, so counting costs nothing. */
export class SignalCounters {
  exported = 0;
  droppedQueueFull = 0;
  droppedExportFailed = 0;
  /** Reads the current queue length (0 for signals without a queue). */
  queued: () => number = () => 0;

  snapshot(): SignalStats {
    return {
      exported: this.exported,
      droppedQueueFull: this.droppedQueueFull,
      droppedExportFailed: this.droppedExportFailed,
      queued: this.queued(),
    };
  }
}
