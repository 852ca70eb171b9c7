'use client';

import type { ModelPrice } from '@switchboard/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { toast } from '@/components/ui/toast';
import { formatPrice } from '../price-source';
import { removePriceMutationOptions } from '../queries';

/**
 * Confirms taking back an operator's price: a model with a built-in price gets it again, any other model
 * loses its price. Give it a new `key` each time it opens.
 */
export function RemovePriceDialog({ price, onClose }: { price: ModelPrice; onClose: () => void }) {
  const queryClient = useQueryClient();
  const remove = useMutation(removePriceMutationOptions(queryClient));
  const builtIn = price.defaultPrice;

  function confirm() {
    remove.mutate(price, {
      onSuccess: () => {
        if (builtIn) {
          toast.success(
            `${price.model} is back to its built-in price`,
            `${formatPrice(builtIn.inputUsdPerMTokens)} input and ${formatPrice(builtIn.outputUsdPerMTokens)} output per 1M tokens.`,
          );
        } else {
          toast.success(
            `Price of ${price.model} deleted`,
            'Its requests are costed like any model without a price from now on.',
          );
        }
        onClose();
      },
    });
  }

  return (
    <ConfirmDialog
      open
      onCancel={onClose}
      onConfirm={confirm}
      pending={remove.isPending}
      error={remove.error?.message ?? null}
      tone={builtIn ? 'primary' : 'danger'}
      title={builtIn ? `Reset ${price.model} to its built-in price?` : `Delete the price of ${price.model}?`}
      confirmLabel={builtIn ? 'Reset to default' : 'Delete price'}
      description={
        builtIn ? (
          <p>
            New requests cost {formatPrice(builtIn.inputUsdPerMTokens)} input and{' '}
            {formatPrice(builtIn.outputUsdPerMTokens)} output per 1M tokens again, instead of{' '}
            {formatPrice(price.inputUsdPerMTokens)} and {formatPrice(price.outputUsdPerMTokens)}. Requests
            already logged keep their cost.
          </p>
        ) : (
          <p>
            Switchboard has no built-in price for this model. Its requests are then costed by a priced model
            id theirs starts with (as gpt-4o prices gpt-4o-2024-08-06), or at $0 if there is none. Requests
            already logged keep their cost.
          </p>
        )
      }
    />
  );
}
