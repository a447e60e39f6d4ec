import { z } from 'zod';
import { durationSchema } from './duration.js';
import { FORMATS } from './formats.js';
import { type Matcher, matcherSchema } from './matchers.js';
import { MAX_TEMPLATE_CHARS, parseTemplate, TemplateError } from './template.js';

const HOUR = 3_600_000;
const LABEL = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HEADER = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;
/** Headers the sender sets itself; a channel may not replace them. */
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
]);

/** Keeps the duration text as written, after checking it. */
const duration = (maxMs: number, dflt: string) =>
  z
    .string()
    .default(dflt)
    .refine((t) => durationSchema(maxMs).safeParse(t).success, {
      message: `must be a duration such as "0s", "30s", "5m" or "4h" (at most ${maxMs / HOUR} h)`,
    });

/**
 * A channel as `POST`/`PUT /api/v1/channels` take it. `matchers` route alerts with matching
 * labels to the channel even when their rule does not name it; `groupBy` (default
 * `alertname`) and the three timings group alerts as Alertmanager's route does.
 */
export const channelSchema = z
  .object({
    name: z.string().min(1).max(256),
    type: z.literal('webhook'),
    url: z
      .string()
      .max(2048)
      .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), {
        message: 'must be an http or https URL',
      }),
    format: z.enum(FORMATS).default('alertmanager'),
    template: z.string().max(MAX_TEMPLATE_CHARS).optional(),
    headers: z
      .record(
        z
          .string()
          .regex(HEADER, 'must be an HTTP header name')
          .refine((h) => !RESERVED_HEADERS.has(h.toLowerCase()), {
            message: 'is set by the collector and cannot be replaced',
          }),
        z
          .string()
          .max(4096)
          .refine((v) => !/[\r\n]/.test(v), { message: 'must not contain line breaks' }),
      )
      .refine((h) => Object.keys(h).length <= 20, { message: 'at most 20 headers' })
      .optional(),
    matchers: z.array(matcherSchema).max(32).default([]),
    groupBy: z
      .array(z.string().regex(LABEL, 'must be a label name'))
      .max(16)
      .default(['alertname']),
    groupWait: duration(HOUR, '30s'),
    groupInterval: duration(24 * HOUR, '5m'),
    repeatInterval: duration(30 * 24 * HOUR, '4h'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.format === 'template') {
      if (c.template === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['template'],
          message: 'is required with format "template"',
        });
        return;
      }
      try {
        parseTemplate(c.template);
      } catch (err) {
        if (!(err instanceof TemplateError)) throw err;
        ctx.addIssue({ code: 'custom', path: ['template'], message: err.message });
      }
    } else if (c.template !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['template'],
        message: 'is only used with format "template"',
      });
  });

/** A channel's validated settings, as stored. */
export type ChannelSpec = Omit<z.output<typeof channelSchema>, 'matchers'> & {
  matchers: Matcher[];
};
