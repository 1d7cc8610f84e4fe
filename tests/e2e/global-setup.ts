import { buildIfStale } from '../../scripts/lib/build';

/**
 * Builds the app before any worker starts (electron-vite: main, preload and the renderer the web harnesses serve;
 * the Electron project loads the same out/), unless out/ is current. Each worker's harness then starts with
 * --no-build, so two workers never build into out/ at once.
 */
export default function globalSetup() {
  buildIfStale({ logLevel: 'warn' });
}
