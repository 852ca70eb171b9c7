import type { Metadata } from 'next';
import { Toaster } from '@/components/ui/toast';
import { readGatewayPublicUrl } from '@/features/keys/server-config';
import { ProjectDetailView } from '@/features/projects/components/project-detail-view';

export const metadata: Metadata = { title: 'Project' };

// SWITCHBOARD_PUBLIC_URL is read per request, so it can be changed without rebuilding the console.
export const dynamic = 'force-dynamic';

export default async function ProjectPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <>
      <ProjectDetailView projectId={id} publicUrl={readGatewayPublicUrl()} />
      <Toaster />
    </>
  );
}
