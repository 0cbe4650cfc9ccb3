// Small line icons drawn inline (no icon font or network fetch).

type IconProps = { size?: number };

function Svg({ size = 16, children }: IconProps & { children: React.ReactNode }) {
  return (
    <svg className="icon" width={size} height={size} viewBox="0 0 16 16" aria-hidden="true">
      {children}
    </svg>
  );
}

export const PlusIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M8 3v10M3 8h10" />
  </Svg>
);
/** Join a workspace from a server: an arrow into a cloud-like box. */
export const JoinIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M9.5 3.5h3v9h-3M2.5 8h7M7 5.5L9.5 8 7 10.5" />
  </Svg>
);
export const PencilIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M3 13l1-3.5L11 2.5l2.5 2.5L6.5 12z" />
  </Svg>
);
export const TrashIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.7 8.5h5.6l.7-8.5" />
  </Svg>
);
export const UndoIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M5.5 3.5L2.5 6.5l3 3" />
    <path d="M2.5 6.5h7a3.5 3.5 0 010 7H7" />
  </Svg>
);
export const RedoIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M10.5 3.5l3 3-3 3" />
    <path d="M13.5 6.5h-7a3.5 3.5 0 000 7H9" />
  </Svg>
);
export const FolderIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M2 4.5V12.5h12V6H8L6.5 4.5z" />
  </Svg>
);
export const FlowDocIcon = (p: IconProps) => (
  <Svg {...p}>
    <circle cx="3.5" cy="8" r="1.8" />
    <rect x="6.5" y="5.5" width="4" height="5" rx="1" />
    <path d="M5.3 8h1.2M10.5 8h1.5" />
    <path d="M13.5 6.5l1.5 1.5-1.5 1.5" />
  </Svg>
);
export const DocIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M4 2h5.5L12 4.5V14H4z" />
    <path d="M6 7h4M6 9.5h4" />
  </Svg>
);
export const CloseIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M4 4l8 8M12 4l-8 8" />
  </Svg>
);
export const AlertIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M8 2l6.5 11.5h-13z" />
    <path d="M8 6.5v3.5M8 11.8v.4" />
  </Svg>
);
export const CheckIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M3 8.5l3 3 7-7" />
  </Svg>
);
export const ErrorIcon = (p: IconProps) => (
  <Svg {...p}>
    <circle cx="8" cy="8" r="6" />
    <path d="M8 4.8v3.7M8 10.9v.4" />
  </Svg>
);
export const ChevronIcon = (p: IconProps & { up?: boolean }) => (
  <Svg size={p.size}>
    <path d={p.up ? "M4 10l4-4 4 4" : "M4 6l4 4 4-4"} />
  </Svg>
);
export const CopyIcon = (p: IconProps) => (
  <Svg {...p}>
    <rect x="5.5" y="5.5" width="8" height="8" rx="1.2" />
    <path d="M10.5 5.5V3.7a1.2 1.2 0 00-1.2-1.2H3.7a1.2 1.2 0 00-1.2 1.2v5.6a1.2 1.2 0 001.2 1.2h1.8" />
  </Svg>
);
export const LinkIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M6.8 9.2a2.6 2.6 0 003.7 0l2.2-2.2a2.6 2.6 0 00-3.7-3.7l-.9.9" />
    <path d="M9.2 6.8a2.6 2.6 0 00-3.7 0L3.3 9a2.6 2.6 0 003.7 3.7l.9-.9" />
  </Svg>
);
/** Fold or unfold a side pane: a panel with its edge marked. */
export const PaneToggleIcon = (p: IconProps) => (
  <Svg {...p}>
    <rect x="2.5" y="3" width="11" height="10" rx="1.5" />
    <path d="M6 3v10" />
  </Svg>
);
/** Import a file: an arrow into a tray. */
export const ImportIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M8 2.5v7M5 6.5l3 3 3-3M3 11v2.5h10V11" />
  </Svg>
);
/** More commands: three dots. */
export const MoreIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M3.5 8h.01M8 8h.01M12.5 8h.01" strokeWidth="2.4" />
  </Svg>
);
