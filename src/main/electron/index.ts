// The main-process entry (out/main/index.js): it only dispatches; see entry.ts for the order of things.
import { launch } from './entry';

launch({ argv: process.argv, platform: process.platform, env: process.env, defaultApp: process.defaultApp === true, bundleDir: __dirname });
