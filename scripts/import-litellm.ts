// Imports a LiteLLM proxy config.yaml into a running Switchboard over its admin API:
//   npm run import:litellm -- <config.yaml> [--dry-run]
// `os.environ/NAME` references in the file are resolved from this shell: their values (only theirs) are
// sent with the import. The gateway never reads its own environment for them.
import { importPlanSchema } from '@switchboard/contracts';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { formatImportPlan } from '../apps/api/src/import/litellm-plan.table';

export const USAGE = `Usage: npm run import:litellm -- <config.yaml> [--dry-run]

Sends a LiteLLM proxy config to a running Switchboard and prints the plan: which model groups and
deployments are created, updated or unchanged. With --dry-run nothing is changed.

Environment:
  SWITCHBOARD_URL  the gateway (default http://127.0.0.1:4000)
  MASTER_KEY       its master key (default: the development key in DATA_DIR/secrets.json)

os.environ/NAME references in the file are read from this shell's environment and sent with the
import (only the variables the file names). One that is not set skips the deployments that need it.`;

interface Output {
  log(text: string): void;
  error(text: string): void;
}

function masterKeyFrom(env: NodeJS.ProcessEnv): string | null {
  if (env.MASTER_KEY?.trim()) return env.MASTER_KEY.trim();
  const file = path.join(path.resolve(env.DATA_DIR ?? '.data'), 'secrets.json');
  if (!existsSync(file)) return null;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { masterKey?: unknown };
    return typeof parsed.masterKey === 'string' ? parsed.masterKey : null;
  } catch {
    return null;
  }
}

/** The values of the variables the file references (`os.environ/NAME`), from `env`; the rest stays here. */
export function referencedEnv(yaml: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [, name] of yaml.matchAll(/os\.environ\/([A-Za-z_][A-Za-z0-9_.-]*)/g)) {
    const value = env[name!];
    if (value !== undefined && value !== '') out[name!] = value;
  }
  return out;
}

/** Runs the command; answers the exit code (0 done, 1 refused or failed, 2 usage). */
export async function runImportCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  out: Output = { log: (t) => console.log(t), error: (t) => console.error(t) },
): Promise<number> {
  const flags = argv.filter((a) => a.startsWith('-'));
  const files = argv.filter((a) => !a.startsWith('-'));
  if (flags.includes('--help') || flags.includes('-h')) {
    out.log(USAGE);
    return 0;
  }
  const unknown = flags.filter((f) => f !== '--dry-run');
  if (files.length !== 1 || unknown.length > 0) {
    out.error(unknown.length > 0 ? `Unknown option ${unknown.join(', ')}\n\n${USAGE}` : USAGE);
    return 2;
  }
  const file = files[0]!;
  let yaml: string;
  try {
    yaml = readFileSync(file, 'utf8');
  } catch (err) {
    out.error(`Cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  const masterKey = masterKeyFrom(env);
  if (!masterKey) {
    out.error("Set MASTER_KEY to the gateway's master key.");
    return 2;
  }
  const base = (env.SWITCHBOARD_URL?.trim() || 'http://127.0.0.1:4000').replace(/\/+$/, '');
  const dryRun = flags.includes('--dry-run');
  let res: Response;
  try {
    res = await fetch(`${base}/api/import/litellm${dryRun ? '?dryRun=true' : ''}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ yaml, env: referencedEnv(yaml, env) }),
    });
  } catch {
    out.error(
      `Cannot reach Switchboard at ${base}: is it running (npm start)? Set SWITCHBOARD_URL otherwise.`,
    );
    return 1;
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // reported below
  }
  if (!res.ok) {
    const error = (
      body as { error?: { message?: string; details?: { path: string; message: string }[] } } | null
    )?.error;
    const lines = [`Import refused (HTTP ${res.status}): ${error?.message ?? text.slice(0, 500)}`];
    for (const d of error?.details ?? []) lines.push(`  - ${d.path}: ${d.message}`);
    out.error(lines.join('\n'));
    return 1;
  }
  const plan = importPlanSchema.safeParse(body);
  if (!plan.success) {
    out.error(`Unexpected answer from ${base}: ${text.slice(0, 500)}`);
    return 1;
  }
  out.log(formatImportPlan(plan.data));
  return 0;
}

if (require.main === module) {
  runImportCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
