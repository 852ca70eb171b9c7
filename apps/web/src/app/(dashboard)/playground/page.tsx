import type { Metadata } from 'next';
import { RequirePermission } from '@/features/auth/components/require-permission';
import { PlaygroundPage } from '@/features/playground/components/playground-page';

export const metadata: Metadata = { title: 'Playground' };

export default function Page() {
  return (
    // Sending spends money and can use any key: the same permission as changing the routing.
    <RequirePermission permission="config:write">
      <PlaygroundPage />
    </RequirePermission>
  );
}
