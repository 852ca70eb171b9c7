// Lets a child process run the API straight from its TypeScript sources (`node -r <this file>
// apps/api/src/main.ts`), compiled per file by swc with the same options as jest: tests that need the
// real process (signals, exit codes) start in seconds without an `nx build`. Tests only.
const Module = require('node:module');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '../../../..');
const contracts = path.join(root, 'libs/contracts/src/index.ts');

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolve.call(this, request === '@switchboard/contracts' ? contracts : request, ...rest);
};

Module._extensions['.ts'] = function (module, filename) {
  const source = require('node:fs').readFileSync(filename, 'utf8');
  const { code } = transformSync(source, {
    filename,
    sourceMaps: 'inline',
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
