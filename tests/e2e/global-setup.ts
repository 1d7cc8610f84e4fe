import { buildHarnessBridge, buildIfStale } from '../../scripts/lib/build';

/**
 * Builds the app before any worker starts (electron-vite: main, preload and the renderer the web harnesses serve;
 * the Electron project loads the same out/), unless out/ is current, and the harness's bridge script (specs that
 * serve the renderer from their own harness, such as journal-seal.spec.ts, read it from out/web-harness). Each
 * worker's harness then starts with --no-build, so two workers never build into out/ at once.
 */
export default async function globalSetup() {
  buildIfStale({ logLevel: 'warn' });
  await buildHarnessBridge();
}
