import { app, dialog, Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import type { Logger } from '../logging/logger';

/**
 * How the till app lives and dies: the fatal path, one instance per till, the menu, the quit policy and what
 * happens when the screen (the renderer) crashes, hangs or fails to load. Unit-tested with a fake electron.
 */

// ---------------------------------------------------------------------------------------------- fatal path

/** An error that already knows what to tell the cashier (a broken install, a journal on a network share…). */
export class StartupProblem extends Error {
  constructor(
    readonly cashierMessage: string,
    detail: string,
  ) {
    super(detail);
    this.name = 'StartupProblem';
  }
}

const GENERIC = {
  start: 'The app could not start because of an unexpected error.',
  running: 'The app stopped because of an unexpected error.',
};
const AFTERWARDS =
  'Payments already on this till are kept, and a payment that was in progress is checked with Dojo when the app starts again.\n\nStart the app again. If this happens again, contact your reseller and tell them when it happened (the details are in the app\'s log).';

/** The words the cashier sees: the error's own cashier message when it has one, never a stack trace. */
export function fatalMessage(error: unknown, during: 'start' | 'running'): string {
  const own = (error as { cashierMessage?: unknown } | null)?.cashierMessage;
  return typeof own === 'string' && own ? own : `${GENERIC[during]}\n\n${AFTERWARDS}`;
}

export interface FatalOptions {
  productName: () => string;
  /** A dialog for the cashier; the smoke test and the command line write to stderr instead. */
  interactive: boolean;
  /** The log, once it exists (the fatal path works before it does). */
  logger: () => Logger | undefined;
}

export type Fatal = (error: unknown, during: 'start' | 'running') => void;

/** Log, tell the cashier in their words, exit non-zero: the single-instance lock goes with the process. */
export function createFatal(options: FatalOptions): Fatal {
  let done = false;
  return (error, during) => {
    if (done) return;
    done = true;
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    try {
      const logger = options.logger();
      if (logger) logger.error('fatal error', { during, error: detail });
      else process.stderr.write(`fatal error (${during}): ${detail}\n`);
      const message = fatalMessage(error, during);
      if (options.interactive) dialog.showErrorBox(`${options.productName()} has to close`, message);
      else process.stderr.write(`${options.productName()}: ${message}\n`);
    } catch {
      // Nothing may stop the exit below.
    } finally {
      app.exit(1);
    }
  };
}

/** Electron's defaults show a stack-trace dialog and leave the process running (and holding the lock). */
export interface ErrorSource {
  on(event: 'uncaughtException' | 'unhandledRejection', listener: (error: unknown) => void): unknown;
}

export function installProcessHandlers(fatal: Fatal, target: ErrorSource = process): void {
  target.on('uncaughtException', (error) => fatal(error, 'running'));
  target.on('unhandledRejection', (reason) => fatal(reason, 'running'));
}

// ------------------------------------------------------------------------------------------ single instance

/** One companion per till (and per user-data folder). A second start brings the first one's window forward. */
export function claimSingleInstance(onSecondInstance: () => void): boolean {
  if (!app.requestSingleInstanceLock()) return false;
  app.on('second-instance', () => onSecondInstance());
  return true;
}

// ---------------------------------------------------------------------------------------------------- menu

/**
 * No menu on Windows and Linux: Electron's default one offers Reload (mid-payment), Close and Toggle Developer
 * Tools, each with a shortcut. macOS needs an app menu and the Edit roles for copy and paste to work.
 */
export function menuTemplate(platform: string, productName: string): MenuItemConstructorOptions[] | null {
  if (platform !== 'darwin') return null;
  return [
    {
      label: productName,
      submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }],
    },
    {
      label: 'Edit',
      submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
    },
  ];
}

export function installMenu(platform: string, productName: string): void {
  const template = menuTemplate(platform, productName);
  Menu.setApplicationMenu(template ? Menu.buildFromTemplate(template) : null);
}

// ---------------------------------------------------------------------------------------------- quit policy

export type Ask = (window: BrowserWindow | undefined, question: { message: string; detail: string; buttons: string[]; signal?: AbortSignal }) => Promise<number>;

/** A native question; the first button is the safe default (Enter and Escape both choose it). */
export const askWithDialog: Ask = async (window, question) => {
  const options = { type: 'warning' as const, buttons: question.buttons, defaultId: 0, cancelId: 0, noLink: true, message: question.message, detail: question.detail, ...(question.signal ? { signal: question.signal } : {}) };
  const result = window && !window.isDestroyed() ? await dialog.showMessageBox(window, options) : await dialog.showMessageBox(options);
  return result.response;
};

export const LEAVE_WORDS = {
  message: 'A payment is still running.',
  detail:
    'If the app closes now, the payment carries on at the terminal; the app checks it with Dojo when it opens again. While it is closed the EPOS cannot reach it.',
  buttons: ['Keep the app open', 'Close anyway'],
};

/**
 * Closing the window or quitting while a payment runs asks first (the question is asynchronous, so the EPOS API
 * and the payment keep going while it is open). Quitting closes the services (journal, EPOS API) before exit.
 */
export class QuitPolicy {
  private leaveConfirmed = false;
  private asking: Promise<boolean> | undefined;
  private shuttingDown = false;
  private closed = false;

  constructor(
    private readonly options: {
      paymentsRunning: () => boolean;
      ask: Ask;
      shutdown: () => Promise<void>;
      logger: Logger;
    },
  ) {}

  install(): void {
    app.on('before-quit', (event) => this.beforeQuit(event));
  }

  guardWindow(window: BrowserWindow): void {
    window.on('close', (event) => {
      if (this.leaveConfirmed || !this.options.paymentsRunning()) return;
      event.preventDefault();
      void this.confirmLeave(window).then((leave) => {
        if (leave && !window.isDestroyed()) window.close();
      });
    });
  }

  private confirmLeave(window?: BrowserWindow): Promise<boolean> {
    this.asking ??= this.options.ask(window, LEAVE_WORDS).then(
      (answer) => {
        this.asking = undefined;
        if (answer === 1) this.leaveConfirmed = true;
        return answer === 1;
      },
      () => ((this.asking = undefined), false),
    );
    return this.asking;
  }

  private beforeQuit(event: { preventDefault(): void }): void {
    if (this.closed) return;
    event.preventDefault();
    if (this.shuttingDown) return;
    void (async () => {
      if (!this.leaveConfirmed && this.options.paymentsRunning() && !(await this.confirmLeave())) return;
      if (this.shuttingDown) return;
      this.shuttingDown = true;
      this.leaveConfirmed = true;
      await this.options.shutdown().catch((error: unknown) => this.options.logger.error('closing the services failed', { error: String(error) }));
      this.closed = true;
      app.quit();
    })();
  }
}

// ------------------------------------------------------------------------------------------ renderer health

export const SCREEN_WORDS = {
  failed: {
    message: 'The till screen could not be shown.',
    detail: 'Payments carry on in the background and nothing is lost. Try again; if it keeps failing, restart the app.',
    buttons: ['Try again', 'Quit the app'],
  },
  unresponsive: {
    message: 'The till screen is not responding.',
    detail: 'Payments carry on in the background and nothing is lost. Wait a moment, or reload the screen (the running payment comes back).',
    buttons: ['Keep waiting', 'Reload the screen'],
  },
};

/** Automatic reloads in a row before the cashier is asked (a crash loop must not spin silently). */
export const AUTO_RELOADS = 2;

/**
 * Never a white or invisible window: a crashed or killed renderer is reloaded (the payment state lives in main,
 * so the running payment comes back); a page that fails to load is retried; after AUTO_RELOADS failures in a
 * row the cashier is asked. A hung page gets the choice to wait or reload. A window that has not painted
 * after `showAfterMs` is shown anyway.
 */
export function watchRenderer(
  window: BrowserWindow,
  options: {
    load: () => void;
    ask: Ask;
    quit: () => void;
    broken: (error: Error) => void;
    logger: Logger;
    showAfterMs?: number;
    setTimer?: (fn: () => void, ms: number) => unknown;
  },
): void {
  const contents = window.webContents;
  const { logger } = options;
  let failures = 0;
  let asking = false;
  let recoveringFromHang = false;
  let unresponsive: AbortController | undefined;

  const show = () => {
    if (!window.isDestroyed() && !window.isVisible()) window.show();
  };
  (options.setTimer ?? setTimeout)(() => {
    if (!window.isDestroyed() && !window.isVisible()) {
      logger.warn('the till screen did not paint in time: showing the window anyway');
      show();
    }
  }, options.showAfterMs ?? 10_000);

  const failed = (what: string, detail: Record<string, unknown>) => {
    logger.error(what, detail);
    show();
    failures++;
    if (failures <= AUTO_RELOADS) return options.load();
    if (asking) return;
    asking = true;
    void options.ask(window, SCREEN_WORDS.failed).then((answer) => {
      asking = false;
      if (answer === 1) return options.quit();
      failures = 0;
      options.load();
    });
  };

  contents.on('did-finish-load', () => (failures = 0));
  contents.on('render-process-gone', (_event, details) => {
    if (window.isDestroyed() || details.reason === 'clean-exit') return;
    if (recoveringFromHang) {
      recoveringFromHang = false;
      return;
    }
    failed('the till screen crashed', { reason: details.reason, exitCode: details.exitCode });
  });
  contents.on('did-fail-load', (_event, errorCode, errorDescription, validatedURL, isMainFrame) => {
    // -3 (ERR_ABORTED) is a navigation replaced by another one, not a failure.
    if (!isMainFrame || errorCode === -3) return;
    failed('the till screen failed to load', { errorCode, errorDescription, url: validatedURL });
  });
  contents.on('preload-error', (_event, preloadPath, error) => {
    logger.error('the preload failed', { preloadPath, error: String(error) });
    options.broken(error);
  });
  window.on('unresponsive', () => {
    if (unresponsive) return;
    logger.warn('the till screen is not responding');
    show();
    unresponsive = new AbortController();
    void options.ask(window, { ...SCREEN_WORDS.unresponsive, signal: unresponsive.signal }).then(
      (answer) => {
        unresponsive = undefined;
        if (answer !== 1 || window.isDestroyed()) return;
        recoveringFromHang = true;
        contents.forcefullyCrashRenderer();
        options.load();
      },
      () => (unresponsive = undefined),
    );
  });
  window.on('responsive', () => {
    unresponsive?.abort();
    unresponsive = undefined;
  });
}
