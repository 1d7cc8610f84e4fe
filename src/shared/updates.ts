import { z } from 'zod';

export const UpdateStatusSchema = z.object({
  state: z.enum(['disabled', 'idle', 'checking', 'up-to-date', 'downloading', 'ready', 'error']),
  reason: z.string().optional(),
  version: z.string().optional(),
  percent: z.number().optional(),
  lastCheckedAt: z.string().optional(),
  /** The cashier asked to install: it happens when the running payment has finished. */
  installWhenIdle: z.boolean().optional(),
});
export type UpdateStatus = z.infer<typeof UpdateStatusSchema>;
