import { useNavigate } from '@tanstack/react-router';

/**
 * Drag-to-zoom for a time chart's `onZoom`: narrows the URL's range to the dragged bounds
 * (absolute ISO times), keeping the page's other params.
 */
export function useZoom(): (fromMs: number, toMs: number) => void {
  const navigate = useNavigate();
  return (fromMs, toMs) =>
    void navigate({
      to: '.',
      search: (prev: Record<string, unknown>) => ({
        ...prev,
        from: new Date(fromMs).toISOString(),
        to: new Date(toMs).toISOString(),
      }),
    });
}
