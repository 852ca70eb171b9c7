import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { readGatewayPublicUrl } from '@/features/keys/server-config';
import { ProjectDetailView } from '@/features/projects/components/project-detail-view';

export const metadata: Metadata = { title: 'Project' };

// The gateway's address (SWITCHBOARD_PUBLIC_URL, or the one `npm start` passed) is read per request, so it
// can be changed without rebuilding the console.
export const dynamic = 'force-dynamic';

export default async function ProjectPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  // The host the browser used for the console: a gateway on this machine is reachable there too.
  // (apps/web/server.mjs drops X-Forwarded-Host unless it came from a trusted proxy.)
  const requestHeaders = await headers();
  const requestHost = requestHeaders.get('x-forwarded-host') ?? requestHeaders.get('host');
  return <ProjectDetailView projectId={id} publicUrl={readGatewayPublicUrl(requestHost)} />;
}
