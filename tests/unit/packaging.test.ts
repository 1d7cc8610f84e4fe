import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { DebugLogger } from 'builder-util';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { BuildConfigSchema } from '../../src/main/settings/build-config';
import { appModules, installOnlyExclusions } from '../../scripts/packaging/app-files';
import { binaryKind, readBinaryKind } from '../../scripts/packaging/binary-arch';
import { decidedFuses, fuseConfig, SHIPPED, TEST_BUILD } from '../../scripts/packaging/fuses.cjs';
import { macSigning, publishProblems, windowsSigning } from '../../scripts/packaging/signing';
import { packagedApp, startProblems } from '../../scripts/packaging/smoke';
import { baseConfig, loadVariant, LOGO_MIN_SIZE, mergedConfig, pngSize, publisherNames, ROOT, TARGETS, tillBuildFor, variantIds, VariantSchema } from '../../scripts/packaging/variant';

const require = createRequire(import.meta.url);
const afterPack = require('../../scripts/packaging/after-pack.cjs') as { fuseJob(context: unknown): { binary: string; config: unknown } };
const FUSE_NAMES = Object.keys(FuseV1Options).filter((k) => Number.isNaN(Number(k)));

/** Every signing variable combination the build machine may have. */
const SIGNING_ENVS: Record<string, Record<string, string>> = {
  unsigned: {},
  'Windows certificate': { WIN_CSC_LINK: '/secrets/reseller.pfx', WIN_CSC_KEY_PASSWORD: 'x' },
  'Azure Trusted Signing': { AZURE_TRUSTED_SIGNING_ENDPOINT: 'https://weu.codesigning.azure.net', AZURE_TRUSTED_SIGNING_PROFILE: 'p', AZURE_TRUSTED_SIGNING_ACCOUNT: 'a' },
  'Apple identity and notarisation': { CSC_NAME: 'Developer ID Application: Example Ltd (ABCDE12345)', APPLE_API_KEY: '/k.p8', APPLE_API_KEY_ID: 'K', APPLE_API_ISSUER: 'I' },
};

describe('reseller variants', () => {
  it('has a default variant for sandbox use, and every variant is valid', () => {
    expect(variantIds()).toContain('default');
    for (const id of variantIds()) expect(loadVariant(id).id).toBe(id);
    expect(loadVariant('default').allowedEnvironments).toEqual(['sandbox']);
  });

  it.each([
    ['production without partner ids', { allowedEnvironments: ['production'] }],
    ['updates on without a feed', { updates: { enabled: true, url: null } }],
    ['an http update feed', { updates: { enabled: true, url: 'http://updates.example' } }],
    ['updates on without the publisher updates must be signed by', { updates: { enabled: true, url: 'https://updates.example' } }],
    ['a publisher given by common name only', { updates: { enabled: true, url: 'https://updates.example' }, publisherName: 'Example Ltd' }],
    ['a bad brand colour', { brandColour: 'teal' }],
    ['an unknown field', { secretKey: 'sk_prod_x' }],
    ['an id with capitals', { id: 'Acme' }],
    ['a bad MSI upgrade code', { msiUpgradeCode: '1234' }],
  ])('refuses %s', (_name, change) => {
    const base = JSON.parse(fs.readFileSync('resellers/default/variant.json', 'utf8'));
    expect(VariantSchema.safeParse({ ...base, ...change }).success).toBe(false);
  });

  it('carries the supervisor settings a reseller may choose (PIN length, matched-refund threshold) into the build, within the app\'s bounds', () => {
    const base = JSON.parse(fs.readFileSync('resellers/default/variant.json', 'utf8'));
    const variant = VariantSchema.parse({ ...base, minPinLength: 4, matchedRefundPinThreshold: { GBP: 2_500, EUR: 3_000 } });
    expect(tillBuildFor(variant, 'nsis', 'com.tillcompanion.app')).toMatchObject({ minPinLength: 4, matchedRefundPinThreshold: { GBP: 2_500, EUR: 3_000 } });
    expect(tillBuildFor(VariantSchema.parse(base), 'nsis', 'com.tillcompanion.app')).toMatchObject({ minPinLength: 6, matchedRefundPinThreshold: { GBP: 5_000, EUR: 5_000 } });
    expect(() => tillBuildFor(VariantSchema.parse({ ...base, minPinLength: 3 }), 'nsis', 'com.tillcompanion.app')).toThrow();
  });

  it('takes the publisher as a full subject, or several while moving to a new certificate', () => {
    const base = JSON.parse(fs.readFileSync('resellers/example-reseller/variant.json', 'utf8'));
    const two = ['CN=Example Ltd, O=Example Ltd, C=GB', 'CN=Example Retail Ltd, O=Example Retail Ltd, C=GB'];
    expect(publisherNames(VariantSchema.parse({ ...base, publisherName: two }))).toEqual(two);
    expect(publisherNames(loadVariant('example-reseller'))).toEqual(['CN=Example Reseller Ltd, O=Example Reseller Ltd, L=Leeds, C=GB']);
  });

  it('the logo must be a square PNG large enough for the app icon', () => {
    expect(pngSize('resellers/example-reseller/logo.png')).toEqual({ width: 1024, height: 1024 });
    const id = `tmp-logo-${process.pid}`;
    const dir = path.join(ROOT, 'resellers', id);
    fs.mkdirSync(dir);
    try {
      const variant = { ...JSON.parse(fs.readFileSync('resellers/default/variant.json', 'utf8')), id, logo: 'logo.png' };
      fs.writeFileSync(path.join(dir, 'variant.json'), JSON.stringify(variant));
      // A 256×256 PNG header (the old example logo's size).
      const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.from('IHDR'), Buffer.from([0, 0, 1, 0, 0, 0, 1, 0, 8, 6, 0, 0, 0])]);
      fs.writeFileSync(path.join(dir, 'logo.png'), png);
      expect(() => loadVariant(id)).toThrow(`256×256: the app icon must be square, at least ${LOGO_MIN_SIZE}×${LOGO_MIN_SIZE}`);
      fs.writeFileSync(path.join(dir, 'logo.png'), 'not a png');
      expect(() => loadVariant(id)).toThrow('is not a PNG file');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('merged electron-builder configuration', () => {
  const cases = variantIds().flatMap((id) => TARGETS.flatMap((target) => Object.keys(SIGNING_ENVS).map((signing) => [id, target, signing] as const)));

  it.each(cases)("%s / %s / %s passes electron-builder's own validation and carries the build config into the asar", async (id, target, signing) => {
    // Signing names its publisher (Azure requires it): a variant without one gets it added, as a reseller would.
    const loaded = loadVariant(id);
    const variant = signing === 'Azure Trusted Signing' && !loaded.publisherName ? { ...loaded, publisherName: 'CN=Reseller Ltd, O=Reseller Ltd, C=GB' } : loaded;
    const config = mergedConfig(variant, target, { env: SIGNING_ENVS[signing] });
    await expect(validateConfiguration(config as never, new DebugLogger(false))).resolves.toBeUndefined();
    const tillBuild = BuildConfigSchema.parse(config['extraMetadata'].tillBuild);
    expect(tillBuild).toMatchObject({ variantId: id, productName: variant.productName, installer: target, allowedEnvironments: variant.allowedEnvironments });
    expect(config['productName']).toBe(variant.productName);
    expect(config['appId']).toBe(variant.appIdPolicy === 'own' ? `com.tillcompanion.${id}` : baseConfig()['appId']);
    expect(config['directories'].output).toBe(`dist/${id}`);
    expect(config['msi'].upgradeCode).toBe(variant.msiUpgradeCode);
    expect(config['win'].verifyUpdateCodeSignature).toBe(true);
    if (target === 'msi') {
      expect(tillBuild.updates.enabled).toBe(false);
      expect(config['publish']).toBeNull();
      expect(config['win'].target).toEqual([{ target: 'msi', arch: ['x64'] }]);
    }
    if (tillBuild.updates.enabled) expect(config['publish']).toEqual({ provider: 'generic', url: variant.updates.url, channel: 'latest', publisherName: publisherNames(variant) });
    expect(config['mac'].notarize).toBe(signing === 'Apple identity and notarisation');
    if (signing === 'Azure Trusted Signing') expect(config['win'].azureSignOptions).toMatchObject({ endpoint: 'https://weu.codesigning.azure.net', publisherName: publisherNames(variant)[0] });
  });

  it('signing with Azure needs the publisher in the variant and all three variables', () => {
    const azure = SIGNING_ENVS['Azure Trusted Signing']!;
    expect(() => mergedConfig(loadVariant('default'), 'nsis', { env: azure })).toThrow('needs publisherName');
    expect(() => mergedConfig(loadVariant('example-reseller'), 'nsis', { env: { ...azure, AZURE_TRUSTED_SIGNING_ACCOUNT: '' } })).toThrow('AZURE_TRUSTED_SIGNING_ACCOUNT missing');
    expect(mergedConfig(loadVariant('example-reseller'), 'nsis', { env: azure })['win'].azureSignOptions.publisherName).toBe('CN=Example Reseller Ltd, O=Example Reseller Ltd, L=Leeds, C=GB');
  });

  it('a published build forces code signing in electron-builder too', () => {
    expect(mergedConfig(loadVariant('example-reseller'), 'nsis', { env: {}, publish: true })['forceCodeSigning']).toBe(true);
    expect(mergedConfig(loadVariant('example-reseller'), 'nsis', { env: {} })['forceCodeSigning']).toBeUndefined();
  });

  it("the variant's logo is the app and installer icon; without one the project icon is", () => {
    const branded = mergedConfig(loadVariant('example-reseller'), 'nsis', { env: {} });
    expect([branded['win'].icon, branded['mac'].icon]).toEqual(['resellers/example-reseller/logo.png', 'resellers/example-reseller/logo.png']);
    expect(branded['extraResources']).toBeUndefined(); // nothing copied that the app never reads
    const plain = mergedConfig(loadVariant('default'), 'mac', { env: {} });
    expect([plain['win'].icon, plain['mac'].icon]).toEqual(['build/icon.png', 'build/icon.png']);
  });

  it('the NSIS installer is per-user (silent updates, no UAC) and the MSI per-machine', () => {
    const config = baseConfig();
    expect(config['nsis']).toMatchObject({ oneClick: true, perMachine: false, deleteAppDataOnUninstall: false });
    expect(config['msi']).toMatchObject({ perMachine: true });
    expect(config['mac']).toMatchObject({ hardenedRuntime: true, entitlements: 'build/entitlements.mac.plist' });
    expect(fs.existsSync('build/icon.png') && fs.existsSync('build/entitlements.mac.plist')).toBe(true);
  });

  it('no secret is in the config files', () => {
    const text = fs.readFileSync('electron-builder.yml', 'utf8') + variantIds().map((id) => fs.readFileSync(`resellers/${id}/variant.json`, 'utf8')).join('');
    expect(text).not.toMatch(/CSC_KEY_PASSWORD\s*[:=]|password\s*:|sk_(sandbox|prod)_|BEGIN (RSA )?PRIVATE KEY/i);
  });
});

describe('publishing only signed builds', () => {
  const production = { updatesEnabled: true, production: true, testBuild: false };

  it.each([
    ['nsis', 'unsigned', 'Refusing to publish an unsigned Windows build of a production variant'],
    ['mac', 'unsigned', 'Refusing to publish an unsigned macOS build of a production variant'],
    ['mac', 'Windows certificate', 'Refusing to publish an unsigned macOS build'],
    ['nsis', 'Apple identity and notarisation', 'Refusing to publish an unsigned Windows build'],
  ] as const)('refuses %s when the machine has %s signing', (target, signing, message) => {
    expect(publishProblems({ ...production, target, env: SIGNING_ENVS[signing]! }).join('\n')).toContain(message);
  });

  it('publishes signed builds, and never a test build, an MSI or a variant without a feed', () => {
    expect(publishProblems({ ...production, target: 'nsis', env: SIGNING_ENVS['Windows certificate']! })).toEqual([]);
    expect(publishProblems({ ...production, target: 'nsis', env: SIGNING_ENVS['Azure Trusted Signing']! })).toEqual([]);
    expect(publishProblems({ ...production, target: 'mac', env: SIGNING_ENVS['Apple identity and notarisation']! })).toEqual([]);
    const signedMac = { ...SIGNING_ENVS['Apple identity and notarisation']!, APPLE_API_KEY: '' };
    expect(publishProblems({ ...production, target: 'mac', env: signedMac }).join()).toContain('will not be notarised');
    expect(publishProblems({ ...production, testBuild: true, target: 'nsis', env: SIGNING_ENVS['Windows certificate']! }).join()).toContain('never published');
    expect(publishProblems({ ...production, updatesEnabled: false, target: 'msi', env: SIGNING_ENVS['Windows certificate']! }).join()).toContain('MSI builds are rolled out');
  });

  it('reads what the environment provides', () => {
    expect(windowsSigning({})).toEqual({ method: null, missing: [] });
    expect(windowsSigning({ CSC_LINK: 'x' }).method).toBe('certificate');
    expect(windowsSigning({ AZURE_TRUSTED_SIGNING_ENDPOINT: 'e' })).toEqual({ method: 'azure-trusted-signing', missing: ['AZURE_TRUSTED_SIGNING_PROFILE', 'AZURE_TRUSTED_SIGNING_ACCOUNT'] });
    expect(macSigning({ CSC_NAME: 'Developer ID Application: Example Ltd (ABCDE12345)' })).toEqual({ identity: true, notarise: false });
    expect(macSigning({ APPLE_ID: 'a', APPLE_APP_SPECIFIC_PASSWORD: 'b', APPLE_TEAM_ID: 'c' }).notarise).toBe(true);
  });
});

describe('Electron fuses: one policy', () => {
  it('every fuse @electron/fuses knows is decided (and nothing else)', () => {
    expect(Object.keys(SHIPPED).sort()).toEqual([...FUSE_NAMES].sort());
    expect(Object.keys(decidedFuses()).sort()).toEqual([...FUSE_NAMES].sort());
  });

  it('the shipped decisions are the security policy, and the test flavour differs only in --inspect', () => {
    expect(SHIPPED).toMatchObject({
      RunAsNode: false,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      GrantFileProtocolExtraPrivileges: false,
    });
    expect(TEST_BUILD).toEqual({ EnableNodeCliInspectArguments: true });
    const differences = FUSE_NAMES.filter((name) => decidedFuses(true)[name] !== decidedFuses(false)[name]);
    expect(differences).toEqual(['EnableNodeCliInspectArguments']);
  });

  it('no other file decides a fuse: electron-builder.yml sets none, and no script or source names one', () => {
    expect(baseConfig()['electronFuses']).toBeUndefined();
    const names = new RegExp(`\\b(${FUSE_NAMES.map((n) => `${n}|${n[0]!.toLowerCase()}${n.slice(1)}`).join('|')})\\b`);
    const files = [
      'electron-builder.yml',
      ...['scripts', 'src', 'resellers'].flatMap((dir) =>
        fs
          .readdirSync(dir, { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile() && /\.(ts|tsx|cjs|js|json|yml)$/.test(e.name))
          .map((e) => path.join(e.parentPath, e.name)),
      ),
    ].filter((f) => !f.startsWith(path.join('scripts', 'packaging', 'fuses.')));
    expect(files.filter((f) => names.test(fs.readFileSync(f, 'utf8')))).toEqual([]);
  });

  it('the config for @electron/fuses sets every fuse and strictly requires all of them', () => {
    const config = fuseConfig();
    expect(config).toMatchObject({ version: FuseVersion.V1, strictlyRequireAllFuses: true, resetAdHocDarwinSignature: false });
    for (const name of FUSE_NAMES) expect(config[FuseV1Options[name as keyof typeof FuseV1Options]], name).toBe(decidedFuses()[name]);
  });

  it.each([
    ['darwin', 'Till Companion.app', true],
    ['win32', 'Till Companion.exe', false],
    ['linux', 'till-companion', false],
  ])('afterPack flips every fuse of the packed %s binary (%s; ad-hoc signature reset: %s)', (platform, file, reset) => {
    const context = { electronPlatformName: platform, appOutDir: '/out', packager: { executableName: 'till-companion', appInfo: { productFilename: 'Till Companion' } } };
    expect(afterPack.fuseJob(context)).toEqual({ binary: path.join('/out', file), config: fuseConfig({ resetAdHocDarwinSignature: reset }) });
  });

  it('afterPack builds the test flavour only when dist asks for it', () => {
    const context = { electronPlatformName: 'win32', appOutDir: '/out', packager: { appInfo: { productFilename: 'Till Companion' } } };
    process.env['TILL_TEST_BUILD'] = '1';
    try {
      expect(afterPack.fuseJob(context).config).toEqual(fuseConfig({ testBuild: true }));
    } finally {
      delete process.env['TILL_TEST_BUILD'];
    }
    expect(afterPack.fuseJob(context).config).toEqual(fuseConfig());
  });
});

describe('what goes into app.asar', () => {
  it('react, react-dom and zustand are bundled by Vite, so they are development dependencies', () => {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
    for (const name of ['react', 'react-dom', 'zustand']) {
      expect(pkg.dependencies[name], name).toBeUndefined();
      expect(pkg.devDependencies[name], name).toBeDefined();
    }
  });

  it("keytar's install-time tools are not run-time packages and are excluded from the file set", () => {
    const { runtime, installOnly } = appModules(ROOT);
    expect([...runtime]).toEqual(expect.arrayContaining(['keytar', 'zod', 'electron-log', 'electron-updater', 'yazl', 'builder-util-runtime']));
    for (const name of ['prebuild-install', 'node-addon-api', 'tar-fs', 'simple-get', 'node-abi', 'react', 'zustand']) expect(runtime.has(name), name).toBe(false);
    expect([...installOnly]).toEqual(expect.arrayContaining(['prebuild-install', 'node-addon-api', 'tar-fs', 'tar-stream', 'simple-get', 'rc', 'node-abi']));
    expect(installOnly.has('semver')).toBe(false); // electron-updater loads it at run time
    expect(mergedConfig(loadVariant('default'), 'nsis', { env: {} })['files']).toEqual([...baseConfig()['files'], ...installOnlyExclusions(ROOT)]);
  });
});

describe('native binary architecture', () => {
  const pe = (machine: number) => {
    const b = Buffer.alloc(0x100);
    b.write('MZ', 0, 'latin1');
    b.writeUInt32LE(0x80, 0x3c);
    b.write('PE\0\0', 0x80, 'latin1');
    b.writeUInt16LE(machine, 0x84);
    return b;
  };
  const machO = (cpu: number) => Buffer.from([0xcf, 0xfa, 0xed, 0xfe, cpu & 0xff, 0, 0, 1]);

  it('reads Windows, macOS (thin and universal) and Linux headers', () => {
    expect(binaryKind(pe(0x8664))).toEqual({ format: 'pe', arches: ['x64'] });
    expect(binaryKind(pe(0xaa64))).toEqual({ format: 'pe', arches: ['arm64'] });
    expect(binaryKind(machO(0x0c))).toEqual({ format: 'macho', arches: ['arm64'] });
    expect(binaryKind(machO(0x07))).toEqual({ format: 'macho', arches: ['x64'] });
    const fat = Buffer.alloc(48);
    fat.writeUInt32BE(0xcafebabe, 0);
    fat.writeUInt32BE(2, 4);
    fat.writeUInt32BE(0x01000007, 8);
    fat.writeUInt32BE(0x0100000c, 28);
    expect(binaryKind(fat)).toEqual({ format: 'macho', arches: ['x64', 'arm64'] });
    expect(binaryKind(Buffer.from('{"not":"a binary"}'))).toBeUndefined();
  });

  it("reads this machine's own keytar build", () => {
    const expected = { x64: 'x64', arm64: 'arm64' }[process.arch as 'x64'];
    const formats = { linux: 'elf', darwin: 'macho', win32: 'pe' } as const;
    expect(readBinaryKind('node_modules/keytar/build/Release/keytar.node')).toEqual({ format: formats[process.platform as 'linux'], arches: [expected] });
    const stray = path.join(os.tmpdir(), `till-not-native-${process.pid}`);
    fs.writeFileSync(stray, 'text');
    expect(readBinaryKind(stray)).toBeUndefined();
    fs.rmSync(stray);
  });
});

describe('the packaged smoke test starts the app where CI built it for', () => {
  const elsewhere = packagedApp('/dist/x', 'Till Companion', process.platform === 'win32' ? 'darwin' : 'win32', 'x64');
  const here = { ...elsewhere, platform: process.platform as 'win32', arch: process.arch as 'x64' };
  const started: string[] = [];
  const run = (app: { binary: string }) => (started.push(app.binary), []);

  it('an app this machine can run is started', () => {
    expect(startProblems(here, 'default', false, run)).toEqual([]);
    expect(started).toEqual([here.binary]);
  });

  it('one it cannot run is skipped locally, but is a failure where the workflow requires the start (never a green run that started nothing)', () => {
    expect(startProblems(elsewhere, 'default', false, run)).toEqual([]);
    expect(startProblems(elsewhere, 'default', true, run)).toEqual([expect.stringContaining('not started')]);
    expect(started).toEqual([here.binary]);
  });
});
