import { mutationOptions, type QueryClient } from '@tanstack/react-query';
import { deploymentKeys } from '@/features/deployments/queries';
import { modelGroupKeys } from '@/features/model-groups/queries';
import { applyImport, previewImport } from './api';

// The import has no queries of its own, only these two mutations.
export const importKeys = {
  all: ['import'] as const,
  preview: () => [...importKeys.all, 'preview'] as const,
  apply: () => [...importKeys.all, 'apply'] as const,
};

/** A dry run changes nothing, so it invalidates nothing. */
export const previewImportMutationOptions = () =>
  mutationOptions({
    mutationKey: importKeys.preview(),
    mutationFn: previewImport,
  });

/** An import can create or update any deployment and model group. */
export const applyImportMutationOptions = (queryClient: QueryClient) =>
  mutationOptions({
    mutationKey: importKeys.apply(),
    mutationFn: applyImport,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: deploymentKeys.all }),
        queryClient.invalidateQueries({ queryKey: modelGroupKeys.all }),
      ]),
  });
