import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import path from 'node:path';

/** Where Dojo's OpenAPI files are: ../shared/dojo/openapi beside the repo, or DOJO_OPENAPI_DIR. */
export function openapiDir(): string | undefined {
  const dir = process.env['DOJO_OPENAPI_DIR'] ?? path.resolve(process.cwd(), '../shared/dojo/openapi');
  return fs.existsSync(path.join(dir, 'dojo-2026-02-27.json')) ? dir : undefined;
}

/** OpenAPI 3.0 `nullable` -> JSON Schema `anyOf [..., null]` (also where it sits beside a $ref or oneOf). */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'example' || key === 'examples' || key.startsWith('x-')) continue;
    out[key] = toJsonSchema(value);
  }
  // Spec pitfall: `allOf: [Base, { additionalProperties: false }]` with no properties in the second member
  // forbids every property (PagedPaymentIntent). The author meant "Base, closed"; Base is already closed.
  if (Array.isArray(out['allOf'])) {
    out['allOf'] = (out['allOf'] as Record<string, unknown>[]).map((member) =>
      member && member['additionalProperties'] === false && !member['properties'] && !member['$ref'] ? { type: 'object' } : member,
    );
  }
  if (out['nullable'] === true) {
    delete out['nullable'];
    return { anyOf: [out, { type: 'null' }] };
  }
  delete out['nullable'];
  return out;
}

const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** Our route templates -> the spec's path keys. */
export function specPath(template: string): string {
  return template
    .replace(/^\/terminals\/\{id\}/, '/terminals/{terminalId}')
    .replace(/^\/terminal-sessions\/\{id\}/, '/terminal-sessions/{terminalSessionId}')
    .replace(/^\/payment-intents\/\{id\}/, '/payment-intents/{paymentIntentId}');
}

export interface DojoSpec {
  version: string;
  validateResponse(method: string, template: string, status: number, body: unknown): string[];
  validateRequest(method: string, template: string, body: unknown): string[];
  declaredStatuses(method: string, template: string): string[];
}

export function loadDojoSpec(dir: string, version: string): DojoSpec {
  const raw = JSON.parse(fs.readFileSync(path.join(dir, `dojo-${version}.json`), 'utf8'));
  const doc = toJsonSchema(raw) as Record<string, Record<string, Record<string, Record<string, unknown>>>>;
  const id = `dojo-${version}`;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  for (const format of ['int32', 'int64', 'timespan', 'double', 'float']) ajv.addFormat(format, true);
  ajv.addSchema({ ...doc, $id: id } as object);
  const cache = new Map<string, ValidateFunction>();
  const validator = (pointer: string) => {
    let fn = cache.get(pointer);
    if (!fn) cache.set(pointer, (fn = ajv.compile({ $ref: `${id}#${pointer}` })));
    return fn;
  };
  const operation = (method: string, template: string) => {
    const op = doc['paths']?.[specPath(template)]?.[method.toLowerCase()];
    if (!op) throw new Error(`${method} ${template} is not in the ${version} spec`);
    return op as { responses: Record<string, { content?: Record<string, unknown> }>; requestBody?: { content?: Record<string, unknown> } };
  };
  const errorsOf = (fn: ValidateFunction, body: unknown) => (fn(body) ? [] : (fn.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`));

  return {
    version,
    declaredStatuses: (method, template) => Object.keys(operation(method, template).responses),
    validateResponse(method, template, status, body) {
      const op = operation(method, template);
      if (!op.responses[String(status)]) {
        // 500/502/503/504 are documented for every call in the spec's introduction, not per operation:
        // their bodies must match the error schema of the endpoint's family.
        if (status < 500) return [`status ${status} is not declared for ${method} ${template} in ${version}`];
        const family = template.startsWith('/terminals') ? 'Error' : template.startsWith('/terminal-sessions') ? 'ProblemDetailsTerminals' : 'ProblemDetails';
        return errorsOf(validator(`/components/schemas/${family}`), body);
      }
      if (!op.responses[String(status)]!.content) return [];
      const pointer = `/paths/${escape(specPath(template))}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
      return errorsOf(validator(pointer), body);
    },
    validateRequest(method, template, body) {
      const op = operation(method, template);
      if (!op.requestBody?.content) return body === undefined ? [] : ['the spec declares no request body'];
      const pointer = `/paths/${escape(specPath(template))}/${method.toLowerCase()}/requestBody/content/application~1json/schema`;
      return errorsOf(validator(pointer), body);
    },
  };
}
