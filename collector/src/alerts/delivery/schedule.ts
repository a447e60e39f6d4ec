import { z } from 'zod';

/** Days of the week as maintenance windows write them. */
export const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Day = (typeof DAYS)[number];

/** A weekly window: on `days`, from `start` to `end` (local time in `timezone`). */
export interface Recurrence {
  days: Day[];
  start: string;
  end: string;
  timezone: string;
}

/** When a maintenance window mutes: once, or every week. */
export type Schedule =
  | { kind: 'once'; startsAt: string; endsAt: string }
  | ({ kind: 'weekly' } & Recurrence);

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function validZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** `recurrence` of a maintenance window as the API takes it. */
export const recurrenceSchema = z
  .object({
    days: z.array(z.enum(DAYS)).min(1).max(7),
    start: z.string().regex(HHMM, 'must be HH:MM (24 h)'),
    end: z.string().regex(HHMM, 'must be HH:MM (24 h)'),
    timezone: z
      .string()
      .max(64)
      .default('UTC')
      .refine(validZone, { message: 'must be an IANA time zone such as "UTC" or "Europe/Berlin"' }),
  })
  .strict()
  .refine((r) => r.start !== r.end, { message: 'start and end must differ', path: ['end'] });

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The weekday (0 = Sunday) and minute of the day of an instant in a time zone. */
export function localTime(atMs: number, timezone: string): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(atMs));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = DAYS.indexOf(get('weekday').toLowerCase().slice(0, 3) as Day);
  return { day, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

/**
 * Whether a schedule mutes at `atMs`. A weekly window whose `end` is before its `start`
 * runs past midnight into the next day (`sat 22:00–02:00` mutes Sunday's first two hours).
 */
export function isActive(s: Schedule, atMs: number): boolean {
  if (s.kind === 'once') return atMs >= Date.parse(s.startsAt) && atMs < Date.parse(s.endsAt);
  const { day, minute } = localTime(atMs, s.timezone);
  const start = minutes(s.start);
  const end = minutes(s.end);
  const on = (d: number) => s.days.includes(DAYS[(d + 7) % 7]!);
  if (start < end) return on(day) && minute >= start && minute < end;
  return (on(day) && minute >= start) || (on(day - 1) && minute < end);
}
