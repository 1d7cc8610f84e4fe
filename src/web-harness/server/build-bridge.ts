import { build } from 'vite';
import path from 'node:path';

/** Bundles the harness's browser bridge into one classic script (the renderer bundle never contains it). */
export async function buildBridgeScript(projectRoot: string, outDir: string): Promise<string> {
  await build({
    configFile: false,
    logLevel: 'warn',
    root: projectRoot,
    build: {
      outDir,
      emptyOutDir: false,
      minify: true,
      lib: {
        entry: path.join(projectRoot, 'src/web-harness/browser/bridge.ts'),
        formats: ['iife'],
        name: 'tillHarnessBridge',
        fileName: () => 'bridge.js',
      },
    },
  });
  return path.join(outDir, 'bridge.js');
}
