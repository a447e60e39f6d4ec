import { randomFillSync, randomUUID } from 'node:crypto';

/** Ids made per refill: one native random fill and one string conversion per this many ids. */
const BATCH = 256;
const ID_CHARS = 36;
/** ASCII codes of the two hex digits of each byte value, high digit first. */
const HEX_HI = new Uint8Array(256);
const HEX_LO = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  HEX_HI[b] = '0123456789abcdef'.charCodeAt(b >> 4);
  HEX_LO[b] = '0123456789abcdef'.charCodeAt(b & 15);
}
/** Where the two hex digits of byte i of an id go in its 36 characters (dashes in between). */
const AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
let random: Buffer | undefined;
let ascii: Buffer | undefined;
let batch = '';
let next = BATCH;

/** BATCH version-4 UUIDs written as ASCII into one reused buffer, from one 4 KiB random fill. */
function refill(): string {
  if (random === undefined || ascii === undefined) {
    random = Buffer.alloc(16 * BATCH);
    // the dashes never move: written once
    ascii = Buffer.alloc(ID_CHARS * BATCH, '-');
  }
  const r = randomFillSync(random);
  const out = ascii;
  for (let id = 0; id < BATCH; id++) {
    const from = 16 * id;
    const to = ID_CHARS * id;
    r[from + 6] = ((r[from + 6] as number) & 0x0f) | 0x40; // version 4
    r[from + 8] = ((r[from + 8] as number) & 0x3f) | 0x80; // RFC 4122 variant
    for (let i = 0; i < 16; i++) {
      const v = r[from + i] as number;
      const w = to + (AT[i] as number);
      out[w] = HEX_HI[v] as number;
      out[w + 1] = HEX_LO[v] as number;
    }
  }
  return out.toString('latin1');
}

/**
 * A random version-4 UUID, as `crypto.randomUUID()` makes, cut from a batch of 256 made from
 * one cryptographic random fill. Prediction ids stay unguessable (an app may hand them to its
 * users, whose feedback is then attributed by id), while a call costs one substring instead of
 * the ~20 string concatenations `randomUUID()` does per id. An id shares its batch's 9 KiB
 * string (a V8 sliced string), so ids kept for long pin at most that per 256 ids. Falls back to
 * `randomUUID()` if a batch cannot be made.
 */
export function predictionId(): string {
  try {
    if (next >= BATCH) {
      batch = refill();
      next = 0;
    }
    const o = ID_CHARS * next++;
    return batch.substring(o, o + ID_CHARS);
  } catch {
    return randomUUID();
  }
}
