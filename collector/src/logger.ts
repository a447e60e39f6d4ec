import { pino } from 'pino';

/** The logger every part receives: JSON lines on stdout. */
export type Logger = pino.Logger;

/** Creates the process logger (JSON lines on stdout, `level` from config). */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'aiobs-collector' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
