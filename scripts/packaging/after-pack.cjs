// electron-builder's afterPack hook: flips every fuse from the policy (scripts/packaging/fuses.cjs).
//
// Not through electron-builder: it would flip its `electronFuses` *after* this hook (so electron-builder.yml sets
// none), and `packager.addElectronFuses` uses electron-builder 26's own @electron/fuses 1.x, which knows only 8
// fuses: with `strictlyRequireAllFuses` it refuses Electron's longer wire, without it the ninth fuse stays
// undecided. The project's @electron/fuses (2.x) flips the binary at the path electron-builder's would.
//
// On macOS the flip invalidates the binary's signature. With `resetAdHocDarwinSignature` @electron/fuses signs the
// app ad hoc again, so an unsigned build still launches on Apple silicon; a signed build is then signed properly by
// electron-builder, after this hook, over the same bytes. Nothing else in the bundle changes after the reset:
// electron-builder's own afterPack listeners (app-update.yml) run before user hooks.
const path = require('node:path');
const { flipFuses } = require('@electron/fuses');
const { fuseConfig } = require('./fuses.cjs');

const EXTENSION = { darwin: '.app', mas: '.app', win32: '.exe', linux: '' };

/** The file @electron/fuses flips (an .app bundle on macOS) and the configuration, for one packed app. */
function fuseJob(context) {
  const platform = context.electronPlatformName;
  const name = platform === 'linux' ? context.packager.executableName : context.packager.appInfo.productFilename;
  return {
    binary: path.join(context.appOutDir, `${name}${EXTENSION[platform]}`),
    config: fuseConfig({ testBuild: process.env.TILL_TEST_BUILD === '1', resetAdHocDarwinSignature: platform === 'darwin' || platform === 'mas' }),
  };
}

async function afterPack(context) {
  const { binary, config } = fuseJob(context);
  await flipFuses(binary, config);
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.fuseJob = fuseJob;
