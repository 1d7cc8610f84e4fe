// electron-builder's afterPack hook: flips every fuse from the policy (scripts/packaging/fuses.cjs) through
// electron-builder's own `packager.addElectronFuses`. electron-builder would flip its `electronFuses` *after* this
// hook, so electron-builder.yml sets none: this is the last change to the binary before signing.
//
// On macOS the flip invalidates the binary's signature. With `resetAdHocDarwinSignature` @electron/fuses signs the
// app ad hoc again, so an unsigned build still launches on Apple silicon; a signed build is then signed properly
// by electron-builder, after this hook, over the same bytes. The reset runs after everything else is in the
// bundle: electron-builder's own afterPack listeners (app-update.yml) run before user hooks.
const { fuseConfig } = require('./fuses.cjs');

async function afterPack(context) {
  const darwin = context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas';
  const config = fuseConfig({ testBuild: process.env.TILL_TEST_BUILD === '1', resetAdHocDarwinSignature: darwin });
  await context.packager.addElectronFuses(context, config);
}

module.exports = afterPack;
module.exports.default = afterPack;
