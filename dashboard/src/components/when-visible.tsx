import { type ReactNode, useEffect, useRef, useState } from 'react';

/** How far outside the viewport a placeholder starts its panel: a little ahead of the scroll. */
const AHEAD = '200px 0px';

/**
 * Renders `children` once this spot has come within {@link AHEAD} of the viewport, and keeps
 * them from then on; until then, an empty box of `height` px holds the page's layout. A cold
 * load draws only the charts on screen: each recharts panel costs tens of ms of the renderer's
 * main thread, which the first chart shares.
 */
export function WhenVisible({ height, children }: { height: number; children: ReactNode }) {
  const spot = useRef<HTMLDivElement>(null);
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    const el = spot.current;
    if (seen || !el) return;
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          io.disconnect();
          setSeen(true);
        }
      },
      { rootMargin: AHEAD },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [seen]);
  if (seen) return children;
  return <div ref={spot} className="not-drawn" style={{ minHeight: height }} aria-hidden="true" />;
}
