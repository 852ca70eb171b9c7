'use client';

import type { CreatedKey } from '@switchboard/contracts';
import { InlineAlert } from '@/components/ui/inline-alert';
import { ConnectDifyCard } from './connect-dify-card';
import styles from './keys.module.css';

/** The one moment a key's secret is visible: a warning and the Dify settings to copy. */
export function KeySecretPanel({ created, publicUrl }: { created: CreatedKey; publicUrl: string | null }) {
  return (
    <div className={styles.secretPanel}>
      <InlineAlert tone="warn" title="Copy the key now: it is shown only once">
        The gateway keeps only a hash of it. If it gets lost, rotate the key to get a new secret.
      </InlineAlert>
      <ConnectDifyCard secret={created.key} models={created.models} publicUrl={publicUrl} />
    </div>
  );
}
