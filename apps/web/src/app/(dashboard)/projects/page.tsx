import type { Metadata } from 'next';
import { Toaster } from '@/components/ui/toast';
import { ProjectsView } from '@/features/projects/components/projects-view';

export const metadata: Metadata = { title: 'Projects & keys' };

export default function ProjectsPage() {
  return (
    <>
      <ProjectsView />
      <Toaster />
    </>
  );
}
