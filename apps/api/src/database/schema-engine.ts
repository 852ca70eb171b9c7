import { readFile } from 'node:fs/promises';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

// Prisma's native schema engine is a download that this project cannot rely on (offline machines, slim
// images). The WebAssembly build of the same engine ships inside an npm package; it is a bundler-target
// build, so we instantiate it by hand.
// Node has WebAssembly, but our `lib` setting (no DOM) carries no types for it.
interface WasmInstance {
  exports: Record<string, unknown>;
}
declare const WebAssembly: {
  instantiate(bytes: Buffer, imports: Record<string, unknown>): Promise<{ instance: WasmInstance }>;
};
type BgModule = typeof import('@prisma/schema-engine-wasm/schema_engine_bg') & {
  __wbg_set_wasm(exports: Record<string, unknown>): void;
};

let bindings: Promise<BgModule> | null = null;

function loadBindings(): Promise<BgModule> {
  bindings ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- ESM package loaded through require(esm)
    const bg = require('@prisma/schema-engine-wasm/schema_engine_bg') as BgModule;
    const wasmPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg').replace(/\.js$/, '.wasm');
    const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
      './schema_engine_bg.js': withUnrefTimers(bg),
    });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg;
  })();
  return bindings;
}

/**
 * The engine arms long internal timers through JS setTimeout; unref them so a finished migration does
 * not keep a CLI or a test run alive for seconds.
 */
function withUnrefTimers(bg: BgModule): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...bg };
  for (const [name, fn] of Object.entries(bg)) {
    if (name.startsWith('__wbg_setTimeout_') && typeof fn === 'function') {
      imports[name] = (...args: unknown[]) => {
        const handle: unknown = (fn as (...a: unknown[]) => unknown)(...args);
        if (handle && typeof handle === 'object' && 'unref' in handle && typeof handle.unref === 'function')
          handle.unref();
        return handle;
      };
    }
  }
  return imports;
}

export interface SchemaFile {
  path: string;
  content: string;
}

export interface OpenSchemaEngine {
  engine: SchemaEngine;
  /** Frees the engine and closes its connections (which hold the migration advisory lock). */
  close(): Promise<void>;
}

/** Opens a schema engine against `connectionString`. Always `close()` it. */
export async function openSchemaEngine(
  connectionString: string,
  schema: SchemaFile,
  log: (line: string) => void = () => undefined,
): Promise<OpenSchemaEngine> {
  const bg = await loadBindings();
  // allowExitOnIdle: the engine may keep a pooled client checked in after we free it; it must not keep
  // a CLI (or jest) alive for the pool's idle timeout.
  const factory = new PrismaPg({ connectionString, allowExitOnIdle: true, idleTimeoutMillis: 1000 });
  const opened: { dispose(): Promise<void> }[] = [];
  // engine.free() does not close the pool; track what the engine opens so we can.
  const tracking = Object.assign(Object.create(factory) as PrismaPg, {
    connect: async () => {
      const adapter = await factory.connect();
      opened.push(adapter);
      return adapter;
    },
  });
  const engine = await bg.SchemaEngine.new(
    { datamodels: [[schema.path, schema.content]] },
    log,
    bindMigrationAwareSqlAdapterFactory(tracking),
  );
  return {
    engine,
    async close() {
      engine.free();
      await Promise.allSettled(opened.map((a) => a.dispose()));
    },
  };
}
