// Development entry for the EPOS command line: `npm run cli -- pay --amount 12.50 --reference R1 --wait`.
// The packaged app runs the same code when started as `till-companion pay …`.
import packageJson from '../../../package.json';
import { runName } from '../electron/paths';
import { loadBuildConfig } from '../settings/build-config';
import { runCliFromKeychain } from './cli';

// From source: the token of the app run from source (`npm start`), in its own keychain service.
void runCliFromKeychain(process.argv.slice(2), runName(loadBuildConfig(packageJson).appId, true)).then((code) => process.exit(code));
