// The Electron fuse policy: the one place where fuses are decided. The afterPack hook flips them all from here
// (electron-builder.yml has no `electronFuses`), the packaged smoke test reads them back against it, and a test
// fails when @electron/fuses knows a fuse that is not decided here. CommonJS so electron-builder can load the hook
// that requires it without a TypeScript loader.
const { FuseV1Options, FuseVersion } = require('@electron/fuses');

/** What every shipped build gets, and why. */
const SHIPPED = {
  RunAsNode: false, // the signed binary is never a plain Node interpreter (ELECTRON_RUN_AS_NODE)
  EnableCookieEncryption: true, // one-way; OS-backed key
  EnableNodeOptionsEnvironmentVariable: false, // NODE_OPTIONS cannot inject code
  EnableNodeCliInspectArguments: false, // no --inspect debugger on a till
  EnableEmbeddedAsarIntegrityValidation: true, // app.asar is checked against the hash in the binary
  OnlyLoadAppFromAsar: true, // ...and nothing but app.asar is loaded
  LoadBrowserProcessSpecificV8Snapshot: false, // no separate browser snapshot is shipped
  GrantFileProtocolExtraPrivileges: false, // the UI comes from app://, file:// needs no privileges
  WasmTrapHandlers: true, // Electron's default; guards WebAssembly memory accesses
};

/** The test build (`--test-build`, never shipped) differs only in what Playwright's Electron launch needs. */
const TEST_BUILD = { EnableNodeCliInspectArguments: true };

const KNOWN = Object.keys(FuseV1Options).filter((key) => Number.isNaN(Number(key)));

/** Every fuse with its decided state; throws when @electron/fuses knows a fuse nobody decided. */
function decidedFuses(testBuild = false) {
  const undecided = KNOWN.filter((name) => !(name in SHIPPED));
  if (undecided.length) throw new Error(`Undecided Electron fuses: ${undecided.join(', ')}. Decide them in scripts/packaging/fuses.cjs.`);
  return { ...SHIPPED, ...(testBuild ? TEST_BUILD : {}) };
}

/**
 * The @electron/fuses configuration: every fuse set, and `strictlyRequireAllFuses` so that an Electron binary with
 * more fuses than we decided fails the build instead of keeping its defaults.
 */
function fuseConfig({ testBuild = false, resetAdHocDarwinSignature = false } = {}) {
  const wire = {};
  for (const [name, enabled] of Object.entries(decidedFuses(testBuild))) wire[FuseV1Options[name]] = enabled;
  return { version: FuseVersion.V1, strictlyRequireAllFuses: true, resetAdHocDarwinSignature, ...wire };
}

module.exports = { SHIPPED, TEST_BUILD, decidedFuses, fuseConfig };
