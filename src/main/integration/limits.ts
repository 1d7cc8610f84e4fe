/**
 * What the EPOS API will hold at once, so a runaway EPOS loop or a hostile local program cannot exhaust the
 * companion. Every client is on 127.0.0.1 and shares one token, so "per client" caps are per payment followed.
 * docs/epos-integration.md ("Limits") lists the same numbers.
 */
export interface EposLimits {
  /** Open connections; past this a connection is answered 503 and closed. */
  connections: number;
  /** Time to send the request headers (slow-header connections are closed with 408). */
  headersTimeoutMs: number;
  /** Time to send the whole request, body included (408 past it). Long-poll waits are not counted. */
  requestTimeoutMs: number;
  /** Long-polls waiting on one payment at once (429 past it). */
  longPollsPerPayment: number;
  /** Long-polls waiting at once in total (503 past it). */
  longPolls: number;
  /** Requests carrying the valid token: a token bucket (429 past it). */
  rate: RateLimit;
  /** Requests without the valid token (health, the OpenAPI document, refused tokens): a separate, smaller bucket. */
  publicRate: RateLimit;
}

export interface RateLimit {
  perSecond: number;
  burst: number;
}

export const DEFAULT_EPOS_LIMITS: EposLimits = {
  connections: 32,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 15_000,
  longPollsPerPayment: 4,
  longPolls: 16,
  rate: { perSecond: 20, burst: 60 },
  publicRate: { perSecond: 5, burst: 20 },
};

/** A token bucket on an injected clock (tests use a still one). */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number,
  ) {
    this.tokens = limit.burst;
    this.at = now();
  }

  /** Takes one token; when there is none, the seconds until there will be (for Retry-After). */
  take(): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.now();
    this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.at) / 1000) * this.limit.perSecond);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - this.tokens) / this.limit.perSecond)) };
  }
}

/** Counts long-polls waiting per payment and in total. */
export class WaitCounter {
  private readonly perKey = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: Pick<EposLimits, 'longPolls' | 'longPollsPerPayment'>) {}

  /** A release function, or which cap was reached. */
  enter(key: string): { ok: true; release: () => void } | { ok: false; cap: 'payment' | 'total' } {
    const current = this.perKey.get(key) ?? 0;
    if (current >= this.limits.longPollsPerPayment) return { ok: false, cap: 'payment' };
    if (this.total >= this.limits.longPolls) return { ok: false, cap: 'total' };
    this.perKey.set(key, current + 1);
    this.total += 1;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.total -= 1;
        const left = (this.perKey.get(key) ?? 1) - 1;
        if (left > 0) this.perKey.set(key, left);
        else this.perKey.delete(key);
      },
    };
  }
}
