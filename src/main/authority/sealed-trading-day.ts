import { AUDIT_ACTIONS } from '../../shared/audit';
import type { Logger } from '../logging/logger';
import type { SettingsStore } from '../settings/settings-store';
import type { AuditLog } from './audit';
import type { SecurityStore } from './security-store';

/**
 * The trading day start decides what "today" is for the daily caps on unlinked refunds, so it is the supervisor's
 * (services.ts guards the change). settings.json holds it for everything else and can be edited by hand; the
 * sealed supervisor settings hold the supervisor's value too, and at each start the file is made to agree with
 * them. A till that has no sealed value yet (first start of this version) seals the file's value as it is.
 */
export async function enforceSealedTradingDay(parts: { security: SecurityStore; settings: SettingsStore; audit: Pick<AuditLog, 'record'>; logger: Logger }): Promise<void> {
  const { security, settings, audit, logger } = parts;
  const state = await security.read();
  // Locked: no supervisor action (hence no unlinked refund) is possible until the reseller resets them.
  if (state.kind === 'locked' || !state.sealed) return;
  const inFile = settings.get().tradingDayStart;
  const sealed = state.block.tradingDayStart;
  try {
    if (sealed === undefined) {
      await sealTradingDay(security, inFile);
    } else if (sealed !== inFile) {
      settings.update((s) => ({ ...s, tradingDayStart: sealed }));
      audit.record({ action: AUDIT_ACTIONS.securityRefused, outcome: 'refused', actor: 'system', subject: 'settings.json', summary: `The trading day start in settings.json was changed outside the app (to ${inFile}): put back to the supervisor's ${sealed}`, detail: { found: inFile, restored: sealed } });
    }
  } catch (error) {
    logger.warn('the trading day start could not be checked against the supervisor settings', { error: String(error) });
  }
}

/**
 * Records the supervisor's trading day start in the sealed settings (before settings.json, in the guarded change),
 * and lets the daily caps count from the new start (see RefundPolicy.dayStartChanged).
 */
export async function sealTradingDay(security: SecurityStore, tradingDayStart: string): Promise<void> {
  await security.write(({ capDayStart: _restart, ...block }) => ({ ...block, tradingDayStart }));
}
