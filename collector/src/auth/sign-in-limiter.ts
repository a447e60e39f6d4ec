import { RateLimitError } from '../errors.js';
import { KeyedBuckets } from './token-bucket.js';

/** Options of {@link SignInLimiter}. */
export interface SignInLimiterOptions {
  /** Failed sign-ins per second one client address regains (0: no per-address limit). */
  readonly addressRate: number;
  /** Failed sign-ins one client address may make in a row. */
  readonly addressBurst: number;
  /** Failed sign-ins per second one email regains (default one a minute). */
  readonly emailRate?: number;
  /** Failed sign-ins for one email in a row before 429 (default 5). */
  readonly emailBurst?: number;
  /** Addresses and emails remembered (least recently used dropped). */
  readonly maxKeys?: number;
  readonly now?: () => number;
}

/**
 * Password guessing limits: per client address (one source trying many accounts) and per
 * email (many sources trying one account). Each attempt takes a token from both before the
 * password is checked; a successful sign-in gives them back, so only failures count. Past
 * either limit the answer is 429 with `Retry-After`, the same whether the email exists or not.
 */
export class SignInLimiter {
  private readonly addresses: KeyedBuckets | undefined;
  private readonly emails: KeyedBuckets;

  constructor(options: SignInLimiterOptions) {
    const now = options.now ?? Date.now;
    const maxKeys = options.maxKeys ?? 10_000;
    if (options.addressRate > 0)
      this.addresses = new KeyedBuckets(
        { ratePerSecond: options.addressRate, burst: options.addressBurst, maxKeys },
        now,
      );
    this.emails = new KeyedBuckets(
      { ratePerSecond: options.emailRate ?? 1 / 60, burst: options.emailBurst ?? 5, maxKeys },
      now,
    );
  }

  /**
   * Counts an attempt for `address` and `email` (normalized by the caller).
   *
   * @throws RateLimitError (429) when either is out of attempts; nothing is counted then
   */
  attempt(address: string, email: string): void {
    const addressWait = this.addresses?.take(address) ?? 0;
    if (addressWait > 0)
      throw new RateLimitError('too many failed sign-ins from this address', seconds(addressWait));
    const emailWait = this.emails.take(email);
    if (emailWait > 0) {
      this.addresses?.refund(address);
      throw new RateLimitError('too many failed sign-ins for this email', seconds(emailWait));
    }
  }

  /** The attempt succeeded: it does not count against either limit. */
  succeeded(address: string, email: string): void {
    this.addresses?.refund(address);
    this.emails.refund(email);
  }
}

/** Whole seconds for `Retry-After`, at least 1. */
function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
