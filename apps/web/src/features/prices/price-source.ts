import type { ModelPrice } from '@switchboard/contracts';

const usd = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 6,
});

/** `$2.50`, `$0.075`: a price per million tokens keeps every digit an operator typed (up to six). */
export function formatPrice(usdPerMTokens: number): string {
  return usd.format(usdPerMTokens);
}

/** Whether a reset would change anything: a built-in price exists and this one differs from it. */
export function canReset(price: ModelPrice): boolean {
  return price.defaultPrice !== null && price.source === 'operator';
}

const CHANGE_VERBS: Readonly<Record<string, string>> = {
  'price.create': 'Added',
  'price.update': 'Changed',
  'price.reset': 'Reset',
};

/**
 * Who changed a price, from the audit actor: `account:<email>`, `api-token:<name> (<email>)`,
 * `session:<id>` (a console session opened with the master key) or `master-key`.
 */
export function actorText(actor: string): string {
  if (actor === 'master-key' || actor.startsWith('session:')) return 'with the master key';
  if (actor.startsWith('account:')) return `by ${actor.slice('account:'.length)}`;
  if (actor.startsWith('api-token:')) return `with API token ${actor.slice('api-token:'.length)}`;
  return `by ${actor}`;
}

/** `Changed by ada@example.com`, `Reset with the master key`. */
export function changeText(change: NonNullable<ModelPrice['lastChange']>): string {
  return `${CHANGE_VERBS[change.action] ?? 'Changed'} ${actorText(change.actor)}`;
}
