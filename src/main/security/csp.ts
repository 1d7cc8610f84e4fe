/**
 * Content-Security-Policy for the renderer. In production the page may load only its own files and may not
 * talk to any network: every Dojo call happens in main. The web harness (dev/test only) needs `connect-src
 * 'self'` for its loopback bridge, and the Vite dev server needs inline scripts and a websocket for HMR.
 */
export type CspMode = 'production' | 'web-harness' | 'vite-dev';

export function contentSecurityPolicy(mode: CspMode = 'production'): string {
  const directives: Record<string, string> = {
    'default-src': "'none'",
    'script-src': mode === 'vite-dev' ? "'self' 'unsafe-inline'" : "'self'",
    'style-src': "'self'",
    'img-src': "'self' data:",
    'font-src': "'self'",
    'connect-src': mode === 'production' ? "'none'" : mode === 'web-harness' ? "'self'" : "'self' ws: http://localhost:*",
    'object-src': "'none'",
    'base-uri': "'none'",
    'form-action': "'none'",
    'frame-ancestors': "'none'",
  };
  return Object.entries(directives)
    .map(([name, value]) => `${name} ${value}`)
    .join('; ');
}
