import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { flipFuses, FuseState, FuseV1Options, FuseVersion, getCurrentFuseWire } from '@electron/fuses';
import { fuseMismatches } from '../../scripts/packaging/smoke';
import { DebugLogger } from 'builder-util';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { BuildConfigSchema } from '../../src/main/settings/build-config';
import fuses from '../../scripts/packaging/fuses.json';
import { baseConfig, loadVariant, mergedConfig, TARGETS, variantIds, VariantSchema } from '../../scripts/packaging/variant';

const afterPack = require('../../scripts/packaging/after-pack.cjs');
const FUSE_NAMES = Object.keys(FuseV1Options).filter((k) => Number.isNaN(Number(k)));
const builderKey = (name: string) => name[0]!.toLowerCase() + name.slice(1);

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
    ['a bad brand colour', { brandColour: 'teal' }],
    ['an unknown field', { secretKey: 'sk_prod_x' }],
    ['an id with capitals', { id: 'Acme' }],
    ['a bad MSI upgrade code', { msiUpgradeCode: '1234' }],
  ])('refuses %s', (_name, change) => {
    const base = JSON.parse(fs.readFileSync('resellers/default/variant.json', 'utf8'));
    expect(VariantSchema.safeParse({ ...base, ...change }).success).toBe(false);
  });
});

describe('merged electron-builder configuration', () => {
  const cases = variantIds().flatMap((id) => TARGETS.map((target) => [id, target] as const));

  it.each(cases)('%s / %s passes electron-builder\'s own validation and carries the build config into the asar', async (id, target) => {
    const variant = loadVariant(id);
    const config = mergedConfig(variant, target, { env: {} });
    await expect(validateConfiguration(config as never, new DebugLogger(false))).resolves.toBeUndefined();
    const tillBuild = BuildConfigSchema.parse(config['extraMetadata'].tillBuild);
    expect(tillBuild).toMatchObject({ variantId: id, productName: variant.productName, installer: target, allowedEnvironments: variant.allowedEnvironments });
    expect(config['productName']).toBe(variant.productName);
    expect(config['appId']).toBe(variant.appIdPolicy === 'own' ? `com.tillcompanion.${id}` : baseConfig()['appId']);
    expect(config['directories'].output).toBe(`dist/${id}`);
    expect(config['msi'].upgradeCode).toBe(variant.msiUpgradeCode);
    if (target === 'msi') {
      expect(tillBuild.updates.enabled).toBe(false);
      expect(config['publish']).toBeNull();
      expect(config['win'].target).toEqual([{ target: 'msi', arch: ['x64'] }]);
    }
    if (tillBuild.updates.enabled) expect(config['publish']).toEqual({ provider: 'generic', url: variant.updates.url, channel: 'latest' });
    expect(config['mac'].notarize).toBe(false);
  });

  it('the NSIS installer is per-user (silent updates, no UAC) and the MSI per-machine', () => {
    const config = baseConfig();
    expect(config['nsis']).toMatchObject({ oneClick: true, perMachine: false, deleteAppDataOnUninstall: false });
    expect(config['msi']).toMatchObject({ perMachine: true });
    expect(config['mac']).toMatchObject({ hardenedRuntime: true, entitlements: 'build/entitlements.mac.plist' });
    expect(fs.existsSync('build/icon.png') && fs.existsSync('build/entitlements.mac.plist')).toBe(true);
  });

  it('signing and notarisation come only from the environment; no secret is in the config files', () => {
    const signed = mergedConfig(loadVariant('default'), 'mac', { env: { APPLE_API_KEY: '/keys/AuthKey.p8', AZURE_TRUSTED_SIGNING_ENDPOINT: 'https://weu.codesigning.azure.net', AZURE_TRUSTED_SIGNING_PROFILE: 'p', AZURE_TRUSTED_SIGNING_ACCOUNT: 'a' } });
    expect(signed['mac'].notarize).toBe(true);
    expect(signed['win'].azureSignOptions.endpoint).toBe('https://weu.codesigning.azure.net');
    const text = fs.readFileSync('electron-builder.yml', 'utf8') + variantIds().map((id) => fs.readFileSync(`resellers/${id}/variant.json`, 'utf8')).join('');
    expect(text).not.toMatch(/CSC_KEY_PASSWORD\s*[:=]|password\s*:|sk_(sandbox|prod)_|BEGIN (RSA )?PRIVATE KEY/i);
  });
});

describe('Electron fuses', () => {
  it('every fuse @electron/fuses knows is decided in the policy (and nothing else)', () => {
    expect(Object.keys(fuses.shipped).sort()).toEqual([...FUSE_NAMES].sort());
  });

  it('the shipped decisions are the security policy', () => {
    expect(fuses.shipped).toMatchObject({
      RunAsNode: false,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      GrantFileProtocolExtraPrivileges: false,
    });
  });

  it('electron-builder.yml sets each fuse electron-builder knows exactly as the policy says; afterPack sets the rest', () => {
    const yml = baseConfig()['electronFuses'];
    for (const name of afterPack.SET_BY_BUILDER) expect(yml[builderKey(name)], name).toBe(fuses.shipped[name as keyof typeof fuses.shipped]);
    const scheme = JSON.parse(fs.readFileSync('node_modules/app-builder-lib/scheme.json', 'utf8'));
    const builderKnows = Object.keys(scheme.definitions.FuseOptionsV1.properties).filter((k) => k !== 'resetAdHocDarwinSignature');
    expect(builderKnows.sort()).toEqual(afterPack.SET_BY_BUILDER.map(builderKey).sort());
  });

  it('the test build flavour re-enables only what Playwright needs (--inspect)', () => {
    expect(fuses.testBuild).toEqual({ EnableNodeCliInspectArguments: true });
    const test = mergedConfig(loadVariant('default'), 'nsis', { testBuild: true, env: {} });
    const shipped = mergedConfig(loadVariant('default'), 'nsis', { env: {} });
    const differences = Object.keys(shipped['electronFuses']).filter((k) => shipped['electronFuses'][k] !== test['electronFuses'][k]);
    expect(differences).toEqual(['enableNodeCliInspectArguments']);
  });

  it('afterPack flips the remaining fuses on the packed binary and refuses undecided ones', async () => {
    // A stand-in Electron binary: the fuse sentinel, version 1, and one state byte per known fuse.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-fuses-'));
    const binary = path.join(dir, 'till-companion');
    const states = Buffer.from(FUSE_NAMES.map(() => '1').join(''), 'ascii');
    fs.writeFileSync(binary, Buffer.concat([Buffer.from('padding'), Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'), Buffer.from([1, states.length]), states, Buffer.from('tail')]));
    await afterPack({ appOutDir: dir, electronPlatformName: 'linux', packager: { executableName: 'till-companion', appInfo: { productFilename: 'Till Companion' } } });
    const wire = await getCurrentFuseWire(binary);
    expect(wire[FuseV1Options.WasmTrapHandlers]).toBe(FuseState.ENABLE);
    // The smoke test's fuse reading sees the stand-in's "all on" wire as breaking the shipped policy…
    expect(await fuseMismatches(binary)).toEqual(expect.arrayContaining(['RunAsNode: expected off, found on', 'GrantFileProtocolExtraPrivileges: expected off, found on']));
    // …and a wire flipped to the policy as matching it.
    await flipFuses(binary, { version: FuseVersion.V1, ...Object.fromEntries(Object.entries(fuses.shipped).map(([n, v]) => [FuseV1Options[n as keyof typeof FuseV1Options], v])) });
    expect(await fuseMismatches(binary)).toEqual([]);
    expect(await fuseMismatches(binary, true)).toEqual(['EnableNodeCliInspectArguments: expected on, found off']);
    expect(() => afterPack.decidedFuses(false)).not.toThrow();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
