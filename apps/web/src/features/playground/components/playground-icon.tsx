import type { SVGProps } from 'react';

/** A chat bubble with a play mark, drawn like the shared stroke icons (components/ui/icons). */
export function PlaygroundIcon({
  size = 18,
  ...rest
}: Omit<SVGProps<SVGSVGElement>, 'children'> & { size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      {...rest}
    >
      <path d="M4.5 5.5h15a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1H10l-4.5 3.5v-3.5h-1a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1Z" />
      <path d="m10.5 8.5 4 2.5-4 2.5Z" />
    </svg>
  );
}
