import type {
  AlertHistoryResponse,
  AlertPreviewResponse,
  AlertRule,
  AlertRulesResponse,
  AlertsResponse,
  ChannelsResponse,
  ChannelTestResponse,
  SilencesResponse,
} from '@aiobs/api-types';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, toQuery } from '../../lib/api-client.js';
import { refreshMs } from '../../lib/search.js';
import { type ResolvedRange, resolveRange } from '../../lib/time-range.js';
import { useRangeSearch } from '../../lib/use-range.js';

/** A list query that follows the page's auto-refresh (alerts change without a range). */
function useList<T>(key: string, path: string) {
  const search = useRangeSearch();
  return useQuery({
    queryKey: [key],
    queryFn: ({ signal }) => api<T>(path, { signal }),
    refetchInterval: refreshMs(search.refresh),
  });
}

/** Every rule's current alert. */
export const useAlerts = () => useList<AlertsResponse>('alerts', '/alerts');
/** Every rule. */
export const useRules = () => useList<AlertRulesResponse>('alert-rules', '/alert-rules');
/** The latest 50 transitions. */
export const useHistory = () =>
  useList<AlertHistoryResponse>('alert-history', '/alerts/history?limit=50');
/** Webhook channels with their delivery health. */
export const useChannels = () => useList<ChannelsResponse>('channels', '/channels');
/** Silences, active and not. */
export const useSilences = () => useList<SilencesResponse>('silences', '/silences');

/**
 * The draft replayed over the URL's range: re-asked as the draft changes (the previous
 * answer stays on screen meanwhile), not at all while `body` is undefined.
 */
export function usePreview(body: Record<string, unknown> | undefined) {
  const search = useRangeSearch();
  return useQuery({
    queryKey: ['alert-preview', body, search.from, search.to],
    queryFn: ({ signal }) => {
      const r: ResolvedRange = resolveRange(search.from, search.to, Date.now());
      return api<AlertPreviewResponse>(
        `/alert-rules/preview${toQuery({ from: r.from, to: r.to })}`,
        {
          method: 'POST',
          body: JSON.stringify(body),
          signal,
        },
      );
    },
    enabled: body !== undefined,
    placeholderData: keepPreviousData,
    retry: false,
  });
}

/** Creating and deleting rules, test-sending to a channel; lists refresh after each. */
export function useAlertMutations() {
  const qc = useQueryClient();
  const refresh = () => {
    qc.invalidateQueries({ queryKey: ['alert-rules'] });
    qc.invalidateQueries({ queryKey: ['alerts'] });
  };
  return {
    createRule: useMutation({
      mutationFn: (body: Record<string, unknown>) =>
        api<AlertRule>('/alert-rules', { method: 'POST', body: JSON.stringify(body) }),
      onSuccess: refresh,
    }),
    deleteRule: useMutation({
      mutationFn: (id: string) =>
        api<void>(`/alert-rules/${encodeURIComponent(id)}`, { method: 'DELETE' }),
      onSuccess: refresh,
    }),
    testChannel: useMutation({
      mutationFn: (id: string) =>
        api<ChannelTestResponse>(`/channels/${encodeURIComponent(id)}/test`, { method: 'POST' }),
      onSettled: () => qc.invalidateQueries({ queryKey: ['channels'] }),
    }),
  };
}
