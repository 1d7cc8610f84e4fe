import { z } from 'zod';

/**
 * Where Dojo's documentation allows more than one behaviour (docs/dojo-api.md §13), the simulator can play each
 * reading, so the engine is tested under all of them (Rule 6). Defaults are the simplest reading.
 */
export const ReadingsSchema = z
  .object({
    /** A3: when a session appears in its intent's `terminalSessionHistory`: at creation, or only once it has ended. */
    sessionHistory: z.enum(['atCreation', 'whenFinal']).default('atCreation'),
    /** A5: how long (Dojo ms) after the session the intent shows the result (capture, tips, refund, reversal). */
    intentLagMs: z.number().int().min(0).max(600_000).default(0),
    /** A4: DELETE on a Created intent whose sale session is running: refused, or accepted (and the session runs on). */
    deleteWhileSessionRuns: z.enum(['refused', 'accepted']).default('refused'),
    /** A6: whether the intent's `totalAmount` includes cashback (paid out in cash) as well as gratuity, or not. */
    totalAmount: z.enum(['withCashback', 'withoutCashback']).default('withCashback'),
    /**
     * A rejected signature: the session says "reversed" at once; how long (Dojo ms, on top of intentLagMs) before
     * the intent shows it, and whether the reversal happens at all (`notReversed`: the intent ends Captured).
     */
    reversalLagMs: z.number().int().min(0).max(600_000).default(0),
    rejectedSignature: z.enum(['reversed', 'notReversed']).default('reversed'),
  })
  .strict();
export type Readings = z.infer<typeof ReadingsSchema>;
export type ReadingsInput = z.input<typeof ReadingsSchema>;

export const DEFAULT_READINGS: Readings = ReadingsSchema.parse({});
