/** Props of {@link PageSkeleton}: the shape of the page that is loading. */
export interface PageSkeletonProps {
  /** What is loading, for screen readers ("Loading models"). */
  label: string;
  /** Headline figures in the page's first row (0: none). */
  stats?: number;
  /** Chart panels of the page's first grid, two to a row as the page lays them out. */
  panels?: number;
  /** A full-width panel before the grid (a table, a heat map) of this height in px. */
  wide?: number;
}

/**
 * A loading page drawn as its layout: grey figure cards and chart panels where the page's
 * will be, so the page does not jump when its data arrives. The region is `aria-busy` and
 * names what loads in a status line, which screen readers announce; the grey shapes are
 * hidden from them.
 */
export function PageSkeleton({ label, stats = 5, panels = 4, wide }: PageSkeletonProps) {
  return (
    <div className="skeleton" aria-busy="true" data-testid="page-skeleton">
      <p className="state-loading sr-only" role="status" aria-live="polite">
        {label}…
      </p>
      <div aria-hidden="true">
        {stats > 0 && (
          <div className="stats">
            {Array.from({ length: stats }, (_, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: fixed shapes, never reordered
              <div key={i} className="stat">
                <span className="skeleton-bar" style={{ width: '45%' }} />
                <span className="skeleton-bar skeleton-figure" />
              </div>
            ))}
          </div>
        )}
        {wide !== undefined && (
          <div className="panel skeleton-wide">
            <span className="skeleton-bar" style={{ width: '25%' }} />
            <div className="skeleton-block" style={{ height: wide }} />
          </div>
        )}
        <div className="grid">
          {Array.from({ length: panels }, (_, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: fixed shapes, never reordered
            <div key={i} className="panel">
              <span className="skeleton-bar" style={{ width: '35%' }} />
              <div className="skeleton-block" style={{ height: 220 }} />
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
