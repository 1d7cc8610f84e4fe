import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import openapi from '../../src/main/integration/epos-openapi.json';

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(openapi, 'epos');

/** Throws unless `body` is what the EPOS API's OpenAPI document declares for this route and status. */
export function conformsToEposApi(method: string, route: string, status: number, body: unknown): void {
  const pointer = `#/paths/${route.replace(/~/g, '~0').replace(/\//g, '~1')}/${method.toLowerCase()}/responses/${status}/content/${status >= 400 ? 'application~1problem+json' : 'application~1json'}/schema`;
  const validate = ajv.getSchema(`epos${pointer}`);
  if (!validate) throw new Error(`no schema for ${method} ${route} ${status}`);
  if (!validate(body)) throw new Error(`${method} ${route} ${status} does not match the OpenAPI document: ${ajv.errorsText(validate.errors)}`);
}
