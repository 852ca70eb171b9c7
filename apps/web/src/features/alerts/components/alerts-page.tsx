'use client';

import type { AlertChannel, AlertRule } from '@switchboard/contracts';
import { useState } from 'react';
import { Button, PageHeader } from '@/components/ui';
import { useCan } from '@/features/auth/use-caller';
import { ChannelFormDialog } from './channel-form-dialog';
import { ChannelsSection } from './channels-section';
import { HistorySection } from './history-section';
import { RuleFormDialog } from './rule-form-dialog';
import { RulesSection } from './rules-section';
import styles from './alerts.module.css';

type Editing =
  { what: 'channel'; channel: AlertChannel | null } | { what: 'rule'; rule: AlertRule | null } | null;

/** Alert channels (where notifications go), rules (what fires) and the history of what was sent. */
export function AlertsPage() {
  const writable = useCan('config:write');
  const [editing, setEditing] = useState<Editing>(null);
  // Each dialog opening gets a fresh form.
  const [dialogKey, setDialogKey] = useState(0);

  function open(next: NonNullable<Editing>) {
    setDialogKey((k) => k + 1);
    setEditing(next);
  }

  return (
    <>
      <PageHeader
        title="Alerts"
        description="Rules watched in the background (every 15 s by default) and sent to webhooks or Slack once when they start firing and once when they resolve."
        actions={
          writable ? (
            <>
              <Button variant="secondary" onClick={() => open({ what: 'channel', channel: null })}>
                Add channel
              </Button>
              <Button variant="primary" onClick={() => open({ what: 'rule', rule: null })}>
                Add rule
              </Button>
            </>
          ) : null
        }
      />
      <div className={styles.sections}>
        <ChannelsSection writable={writable} onEdit={(channel) => open({ what: 'channel', channel })} />
        <RulesSection writable={writable} onEdit={(rule) => open({ what: 'rule', rule })} />
        <HistorySection />
      </div>
      {writable && editing?.what === 'channel' ? (
        <ChannelFormDialog
          key={`channel-${dialogKey}`}
          channel={editing.channel}
          onClose={() => setEditing(null)}
        />
      ) : null}
      {writable && editing?.what === 'rule' ? (
        <RuleFormDialog key={`rule-${dialogKey}`} rule={editing.rule} onClose={() => setEditing(null)} />
      ) : null}
    </>
  );
}
