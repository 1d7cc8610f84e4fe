import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import openapi from '../../src/main/integration/epos-openapi.json';

// Every EPOS API answer a test checks is validated against the OpenAPI document the API serves.
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(openapi, 'epos');

const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** Throws unless `body` matches the document's schema for this route, method and status (shared responses followed). */
export function eposConforms(method: string, route: string, status: number, body: unknown): void {
  const operation = (openapi.paths as Record<string, Record<string, { responses: Record<string, { $ref?: string }> }>>)[route]?.[method.toLowerCase()];
  const response = operation?.responses[String(status)];
  if (!response) throw new Error(`no response ${status} for ${method} ${route} in the OpenAPI document`);
  const at = response.$ref ?? `#/paths/${escape(route)}/${method.toLowerCase()}/responses/${status}`;
  const validate = ajv.getSchema(`epos${at}/content/${status >= 400 ? 'application~1problem+json' : 'application~1json'}/schema`);
  if (!validate) throw new Error(`no schema for ${method} ${route} ${status}`);
  if (!validate(body)) throw new Error(`${method} ${route} ${status} does not match the OpenAPI document: ${ajv.errorsText(validate.errors)}`);
}
