// Development entry for the EPOS command line: `npm run cli -- pay --amount 12.50 --reference R1 --wait`.
// The packaged app runs the same code when started as `till-companion pay …`.
import packageJson from '../../../package.json';
import { KeytarSecretStore } from '../secrets/keytar-store';
import { SECRET_ACCOUNTS } from '../secrets/secret-store';
import { loadBuildConfig } from '../settings/build-config';
import { runCli } from './cli';

const store = new KeytarSecretStore(loadBuildConfig(packageJson).appId);
runCli(process.argv.slice(2), {
  fetch: globalThis.fetch,
  storedToken: () => store.get(SECRET_ACCOUNTS.eposToken),
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
}).then((code) => process.exit(code));
