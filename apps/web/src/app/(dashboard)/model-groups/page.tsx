import type { Metadata } from 'next';
import { ModelGroupsPage } from '@/features/model-groups/components/model-groups-page';

export const metadata: Metadata = { title: 'Model groups' };

export default function Page() {
  return <ModelGroupsPage />;
}
