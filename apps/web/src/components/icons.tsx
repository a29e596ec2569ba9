/** Small inline icons (16 px, currentColor). */
import type { ReactNode } from 'react';

function Svg({ children, size = 12 }: { children: ReactNode; size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      {children}
    </svg>
  );
}

export const SparkIcon = () => (
  <Svg>
    <path d="M8 1.5v3M8 11.5v3M1.5 8h3M11.5 8h3M3.4 3.4l2 2M10.6 10.6l2 2M3.4 12.6l2-2M10.6 5.4l2-2" />
  </Svg>
);
export const ToolIcon = () => (
  <Svg>
    <path d="M9.5 2.5a3 3 0 0 0-3.6 3.9L2 10.3 3.7 12l3.9-3.9a3 3 0 0 0 3.9-3.6L9.8 6.2 8.5 5l1-2.5z" />
  </Svg>
);
export const ServerIcon = () => (
  <Svg>
    <rect x="2.5" y="2.5" width="11" height="4.5" rx="1" />
    <rect x="2.5" y="9" width="11" height="4.5" rx="1" />
  </Svg>
);
export const ArrowOutIcon = () => (
  <Svg>
    <path d="M5 11 11 5M6 5h5v5" />
  </Svg>
);
export const BoxIcon = () => (
  <Svg>
    <rect x="3" y="3" width="10" height="10" rx="2" />
  </Svg>
);
export const QueueIcon = () => (
  <Svg>
    <path d="M3 5h10M3 8h10M3 11h10" />
  </Svg>
);
export const SearchIcon = () => (
  <Svg size={14}>
    <circle cx="7" cy="7" r="4.5" />
    <path d="m10.5 10.5 3 3" />
  </Svg>
);
export const ChevronRight = () => (
  <Svg>
    <path d="m6 4 4 4-4 4" />
  </Svg>
);
export const ChevronDown = () => (
  <Svg>
    <path d="m4 6 4 4 4-4" />
  </Svg>
);
export const CopyIcon = () => (
  <Svg>
    <rect x="5.5" y="5.5" width="8" height="8" rx="1.5" />
    <path d="M10.5 5.5V3.5a1 1 0 0 0-1-1h-6a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h2" />
  </Svg>
);
export const CloseIcon = () => (
  <Svg>
    <path d="m4 4 8 8M12 4l-8 8" />
  </Svg>
);
export const AlertIcon = () => (
  <Svg>
    <path d="M8 2 1.5 13.5h13L8 2zM8 6.5v3M8 11.5v.1" />
  </Svg>
);
export const LogoMark = () => (
  <svg width="20" height="20" viewBox="0 0 32 32" aria-hidden="true">
    <rect width="32" height="32" rx="7" fill="var(--accent)" />
    <path d="M6 20h5l3-9 4 14 3-8h5" fill="none" stroke="#fff" strokeWidth="2.6" strokeLinecap="round" strokeLinejoin="round" />
  </svg>
);
