// Development entry for the EPOS command line: `npm run cli -- pay --amount 12.50 --reference R1 --wait`.
// The packaged app runs the same code when started as `till-companion pay …`.
import packageJson from '../../../package.json';
import { loadBuildConfig } from '../settings/build-config';
import { runCliFromKeychain } from './cli';

void runCliFromKeychain(process.argv.slice(2), loadBuildConfig(packageJson).appId).then((code) => process.exit(code));
