import { z } from 'zod';

/**
 * Faults the simulator can inject into Dojo calls, each for the next `count` matching requests:
 * - status: answer 401/500/502/503 without doing anything;
 * - drop: do the work, then close the connection without an answer (the change was made);
 * - hang: never answer (the work is not done unless `apply` is set), until the client gives up;
 * - malformed: do the work, then answer 200 with a body that is not JSON.
 */
export const FaultRuleSchema = z.object({
  kind: z.enum(['status', 'drop', 'hang', 'malformed']),
  count: z.number().int().min(1).default(1),
  /** 401: Dojo refuses the key for that call; 500/502/503: Dojo or its gateway failed. */
  status: z.union([z.literal(401), z.literal(500), z.literal(502), z.literal(503)]).default(503),
  /** Only requests with this method (any when absent). */
  method: z.enum(['GET', 'POST', 'PUT', 'DELETE']).optional(),
  /** Only requests whose path matches this template, e.g. "/payment-intents" or "/terminal-sessions/{id}". */
  path: z.string().optional(),
  apply: z.boolean().default(false),
});
export type FaultRule = z.infer<typeof FaultRuleSchema>;
export type FaultInput = z.input<typeof FaultRuleSchema>;

export const LatencySchema = z.object({ fixedMs: z.number().min(0).max(120_000).default(0), jitterMs: z.number().min(0).max(120_000).default(0) });
export type Latency = z.infer<typeof LatencySchema>;

export class Faults {
  private rules: FaultRule[] = [];
  latency: Latency = { fixedMs: 0, jitterMs: 0 };

  add(input: FaultInput): FaultRule {
    const rule = FaultRuleSchema.parse(input);
    this.rules.push(rule);
    return rule;
  }

  clear(): void {
    this.rules = [];
    this.latency = { fixedMs: 0, jitterMs: 0 };
  }

  pending(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** The fault for this request, if any; each use spends one of its count. */
  take(method: string, template: string): FaultRule | undefined {
    const rule = this.rules.find((r) => (!r.method || r.method === method) && (!r.path || r.path === template));
    if (!rule) return undefined;
    rule.count -= 1;
    if (rule.count <= 0) this.rules.splice(this.rules.indexOf(rule), 1);
    return rule;
  }

  delayMs(): number {
    return this.latency.fixedMs + Math.random() * this.latency.jitterMs;
  }
}
