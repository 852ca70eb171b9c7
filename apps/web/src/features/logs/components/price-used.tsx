import type { RequestLog } from '@switchboard/contracts';
import type { Route } from 'next';
import Link from 'next/link';
import { formatInteger, formatUsd } from '@/components/ui/format';
import { formatPrice } from '@/features/prices/price-source';

type Costed = Pick<
  RequestLog,
  | 'costUsd'
  | 'promptTokens'
  | 'cachedTokens'
  | 'completionTokens'
  | 'totalTokens'
  | 'pricing'
  | 'deploymentName'
>;

/**
 * A request's cost and how it came about, with the price it used as it was then (a later price change
 * does not touch it): `$0.0123 = 1,000 in × $2.00 + 200 cached × $0.50 + 300 out × $8.00 per 1M (custom
 * price for gpt-4.1)`.
 */
export function PriceUsed({ log }: { log: Costed }) {
  const pricing = log.pricing;
  if (pricing === null) {
    if (log.totalTokens === 0) return <>{formatUsd(0)}: no tokens were used.</>;
    return (
      <>
        {formatUsd(0)}: no price known for the model of{' '}
        {log.deploymentName ? `deployment ${log.deploymentName}` : 'this request'}, so it cost 0.{' '}
        <Link href={'/prices' as Route}>Set a price</Link>
      </>
    );
  }
  const cached = Math.min(log.cachedTokens, log.promptTokens);
  const cachedPrice = pricing.cachedInputUsdPerMTokens ?? pricing.inputUsdPerMTokens;
  const terms = [
    `${formatInteger(log.promptTokens - cached)} in × ${formatPrice(pricing.inputUsdPerMTokens)}`,
    ...(cached > 0 ? [`${formatInteger(cached)} cached × ${formatPrice(cachedPrice)}`] : []),
    `${formatInteger(log.completionTokens)} out × ${formatPrice(pricing.outputUsdPerMTokens)}`,
  ];
  return (
    <>
      {formatUsd(log.costUsd)} = {terms.join(' + ')} per 1M (
      <Link href={`/prices?search=${encodeURIComponent(pricing.model)}` as Route}>
        {pricing.source === 'custom' ? 'custom' : 'built-in'} price for {pricing.model}
      </Link>
      )
    </>
  );
}
