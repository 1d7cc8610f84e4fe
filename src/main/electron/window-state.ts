import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomicSync } from '../files/atomic-write';

/**
 * Where the till window was, remembered across restarts: the normal window (position, size, maximised) and
 * the compact one beside the EPOS (its own position and size). A few lines instead of electron-window-state,
 * because the compact window needs its own bounds and both must be checked against today's screens.
 */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}
const RectSchema = z.object({ x: z.number().int(), y: z.number().int(), width: z.number().int().positive(), height: z.number().int().positive() });
const WindowStateSchema = z.object({
  normal: RectSchema.optional(),
  maximized: z.boolean().default(false),
  compact: RectSchema.optional(),
});
export type WindowState = z.infer<typeof WindowStateSchema>;

/** Fits a 1024×768 and a 1366×768 till screen (the work area, after the taskbar, decides). */
export const NORMAL_SIZE = { width: 1100, height: 760 };
/** The compact window beside the EPOS: amount, status, prompt and what the cashier must act on. */
export const COMPACT_SIZE = { width: 420, height: 600 };
export const MIN_SIZE = { width: 360, height: 480 };

export function loadWindowState(file: string): WindowState {
  try {
    const parsed = WindowStateSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : { maximized: false };
  } catch {
    return { maximized: false };
  }
}

export function saveWindowState(file: string, state: WindowState): void {
  writeFileAtomicSync(file, `${JSON.stringify(state)}\n`);
}

export const windowStateFile = (userData: string) => path.join(userData, 'window-state.json');

const overlap = (a: Rect, b: Rect) => Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));

function fit(size: { width: number; height: number }, area: Rect) {
  return { width: Math.max(Math.min(size.width, area.width), Math.min(MIN_SIZE.width, area.width)), height: Math.max(Math.min(size.height, area.height), Math.min(MIN_SIZE.height, area.height)) };
}

/**
 * The bounds to open with, decided before the window is shown (so it never jumps): the remembered ones when a
 * good part of the window is on a screen that exists today (clamped to that screen's work area), else the
 * default size on the primary screen — centred for the normal window, at the right edge for the compact one.
 */
export function initialBounds(state: WindowState, compact: boolean, workAreas: { primary: Rect; all: readonly Rect[] }): Rect {
  const saved = compact ? state.compact : state.normal;
  if (saved) {
    const best = [...workAreas.all].sort((a, b) => overlap(saved, b) - overlap(saved, a))[0];
    // At least a quarter of the window (and enough to grab) must be visible on a real screen.
    if (best && overlap(saved, best) >= Math.max(saved.width * saved.height * 0.25, 100 * 40)) {
      const size = fit(saved, best);
      return {
        x: Math.min(Math.max(saved.x, best.x), best.x + best.width - size.width),
        y: Math.min(Math.max(saved.y, best.y), best.y + best.height - size.height),
        ...size,
      };
    }
  }
  const area = workAreas.primary;
  const size = fit(compact ? COMPACT_SIZE : NORMAL_SIZE, area);
  if (compact) return { x: area.x + area.width - size.width, y: area.y + Math.round((area.height - size.height) / 2), ...size };
  return { x: area.x + Math.round((area.width - size.width) / 2), y: area.y + Math.round((area.height - size.height) / 2), ...size };
}
