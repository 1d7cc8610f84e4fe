import { describe, expect, it } from 'vitest';
import { createLogger, redact } from '../../src/main/logging/logger';

describe('log redaction', () => {
  it('removes Dojo keys, auth headers and full card numbers', () => {
    const line = redact('key sk_sandbox_abcDEF123456789 header {"Authorization":"Basic sk_prod_zzz999"} pan 4456530000001013 last4 1013');
    expect(line).not.toContain('sk_sandbox_abcDEF123456789');
    expect(line).not.toContain('sk_prod_zzz999');
    expect(line).not.toContain('4456530000001013');
    expect(line).toContain('last4 1013');
  });

  it('removes extra secrets the logger is told about (e.g. the EPOS token)', () => {
    const lines: string[] = [];
    const logger = createLogger((l) => lines.push(l), () => ['epos-token-XYZ-123456']);
    logger.info('request', { auth: 'Bearer epos-token-XYZ-123456' });
    expect(lines.join('\n')).not.toContain('epos-token-XYZ-123456');
  });
});
