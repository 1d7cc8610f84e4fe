import type { Environment } from '../../shared/app-info';
import { requireEnvironment } from '../integration/environment-rule';

/**
 * The EPOS environment rule, as the exchange applies it to a request's `environment=` line: outside production a
 * request must name the till's environment (training or sandbox), so a training or sandbox result can never pass
 * for real money; in production it may be left out (or say production). A request naming another environment
 * than the till's is refused either way. The rule itself is the one every door shares
 * (src/main/integration/environment-rule.ts); this names the exchange's field.
 */
export function checkRequestEnvironment(named: Environment | undefined, till: Environment): void {
  requireEnvironment(till, named, { name: 'environment', say: (environment) => `the line environment=${environment}` });
}
