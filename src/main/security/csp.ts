/**
 * Content-Security-Policy for the renderer. In production the page may load only its own files and may not
 * talk to any network: every Dojo call happens in main. The web harness (dev/test only) needs `connect-src
 * 'self'` for its loopback bridge. The Vite dev server (never packaged) needs inline scripts (the React refresh
 * preamble), inline styles (in dev every stylesheet is injected as a <style> element) and a websocket for HMR.
 */
export type CspMode = 'production' | 'web-harness' | 'vite-dev';

export function contentSecurityPolicy(mode: CspMode = 'production'): string {
  const directives: Record<string, string> = {
    'default-src': "'none'",
    'script-src': mode === 'vite-dev' ? "'self' 'unsafe-inline'" : "'self'",
    'style-src': mode === 'vite-dev' ? "'self' 'unsafe-inline'" : "'self'",
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
