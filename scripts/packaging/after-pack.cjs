// electron-builder afterPack hook: flips the fuses electron-builder's `electronFuses` cannot express, and
// refuses to build when @electron/fuses knows a fuse that scripts/packaging/fuses.json does not decide.
const path = require('node:path');
const { flipFuses, FuseV1Options, FuseVersion } = require('@electron/fuses');
const policy = require('./fuses.json');

/** The fuses electron-builder.yml sets through electronFuses (electron-builder's FuseOptionsV1). */
const SET_BY_BUILDER = [
  'RunAsNode',
  'EnableCookieEncryption',
  'EnableNodeOptionsEnvironmentVariable',
  'EnableNodeCliInspectArguments',
  'EnableEmbeddedAsarIntegrityValidation',
  'OnlyLoadAppFromAsar',
  'LoadBrowserProcessSpecificV8Snapshot',
  'GrantFileProtocolExtraPrivileges',
];

function decidedFuses(testBuild) {
  const decided = { ...policy.shipped, ...(testBuild ? policy.testBuild : {}) };
  const known = Object.keys(FuseV1Options).filter((key) => Number.isNaN(Number(key)));
  const undecided = known.filter((name) => !(name in decided));
  if (undecided.length) throw new Error(`Undecided Electron fuses: ${undecided.join(', ')}. Decide them in scripts/packaging/fuses.json.`);
  return decided;
}

function electronBinary(context) {
  const name = context.packager.appInfo.productFilename;
  if (context.electronPlatformName === 'darwin') return path.join(context.appOutDir, `${name}.app`);
  if (context.electronPlatformName === 'win32') return path.join(context.appOutDir, `${name}.exe`);
  return path.join(context.appOutDir, context.packager.executableName);
}

async function afterPack(context) {
  const decided = decidedFuses(process.env.TILL_TEST_BUILD === '1');
  const extra = {};
  for (const [name, value] of Object.entries(decided)) if (!SET_BY_BUILDER.includes(name)) extra[FuseV1Options[name]] = value;
  if (Object.keys(extra).length === 0) return;
  await flipFuses(electronBinary(context), {
    version: FuseVersion.V1,
    resetAdHocDarwinSignature: context.electronPlatformName === 'darwin' && !process.env.APPLE_TEAM_ID,
    ...extra,
  });
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.decidedFuses = decidedFuses;
module.exports.SET_BY_BUILDER = SET_BY_BUILDER;
