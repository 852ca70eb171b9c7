import type { Metadata } from 'next';
import { ModelGroupEditor } from '@/features/model-groups/components/model-group-editor';

type Params = Promise<{ name: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { name } = await params;
  return { title: `${decodeURIComponent(name)} · Model groups` };
}

export default async function Page({ params }: { params: Params }) {
  const { name } = await params;
  return <ModelGroupEditor name={decodeURIComponent(name)} />;
}
