/** A bare Dojo HTTP call for simulator tests (the app's own client lives in src/main/dojo). */
export interface DojoCall {
  method?: string;
  path: string;
  body?: unknown;
  version?: string | null;
  key?: string | null;
  headers?: Record<string, string | null>;
  partnerHeaders?: boolean;
}

export async function dojo(base: string, call: DojoCall): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const key = call.key === undefined ? 'sk_sandbox_contract_tests' : call.key;
  if (key !== null) headers['authorization'] = `Basic ${key}`;
  const version = call.version === undefined ? '2026-02-27' : call.version;
  if (version !== null) headers['version'] = version;
  if (call.partnerHeaders !== false) {
    headers['software-house-id'] = 'softwareHouse1';
    headers['reseller-id'] = 'reseller1';
  }
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  for (const [name, value] of Object.entries(call.headers ?? {})) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  const response = await fetch(`${base}${call.path}`, {
    method: call.method ?? 'GET',
    headers,
    ...(call.body !== undefined ? { body: typeof call.body === 'string' ? call.body : JSON.stringify(call.body) } : {}),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // leave the raw text: malformed-body faults are tested on it
  }
  return { status: response.status, body };
}
