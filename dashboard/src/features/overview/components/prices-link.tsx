import { Link } from '@tanstack/react-router';
import { useRangeSearch } from '../../../lib/use-range.js';

/** A link to the Settings section where prices are set, keeping the range. */
export function PricesLink() {
  const search = useRangeSearch();
  return (
    <Link
      to="/settings"
      search={{ from: search.from, to: search.to, refresh: search.refresh, tab: 'prices' }}
    >
      Settings → Prices
    </Link>
  );
}
