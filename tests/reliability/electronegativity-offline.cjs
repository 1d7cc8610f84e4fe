// Preloaded into the electronegativity scanner (electron-security.ts): its only network use is a download of
// translations through `got`, which this offline machine cannot reach; got's retry timer then throws after the
// request has settled and kills the scan before it writes its report. Here `got` fails at once instead, so the
// scanner uses its bundled English text and runs to the end.
const Module = require('node:module');
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'got') return () => Promise.reject(new Error('offline: translations are not downloaded'));
  return load.call(this, request, parent, isMain);
};
