import type {
  AlertHistoryResponse,
  AlertPreviewResponse,
  AlertRule,
  AlertRulesResponse,
  AlertsResponse,
  ChannelCreated,
  ChannelsResponse,
  ChannelTestResponse,
  MaintenanceWindowsResponse,
  Silence,
  SilencesResponse,
} from '@aiobs/api-types';
import {
  keepPreviousData,
  queryOptions,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { api, currentProject, toQuery } from '../../lib/api-client.js';
import { type RangeSearch, refreshMs } from '../../lib/search.js';
import { meQuery } from '../../lib/session.js';
import { type ResolvedRange, resolveRange } from '../../lib/time-range.js';
import { useRangeSearch } from '../../lib/use-range.js';
import { canEdit } from './prepare.js';

/** The page's lists: cache key and path. */
const LISTS = {
  alerts: '/alerts',
  'alert-rules': '/alert-rules',
  'alert-history': '/alerts/history?limit=50',
  channels: '/channels',
  silences: '/silences',
  'maintenance-windows': '/maintenance-windows',
} as const;

/** A list query that follows the page's auto-refresh (alerts change without a range). */
function listQuery<T>(search: RangeSearch, key: keyof typeof LISTS) {
  return queryOptions({
    queryKey: [key],
    queryFn: ({ signal }) => api<T>(LISTS[key], { signal }),
    refetchInterval: refreshMs(search.refresh),
  });
}

/** Every list the Alerts page shows, for a loader to prefetch. */
export function alertListQueries(search: RangeSearch) {
  return (Object.keys(LISTS) as Array<keyof typeof LISTS>).map((k) => listQuery(search, k));
}

const useList = <T>(key: keyof typeof LISTS) => useQuery(listQuery<T>(useRangeSearch(), key));

/** Every rule's current alert. */
export const useAlerts = () => useList<AlertsResponse>('alerts');
/** Every rule. */
export const useRules = () => useList<AlertRulesResponse>('alert-rules');
/** The latest 50 transitions. */
export const useHistory = () => useList<AlertHistoryResponse>('alert-history');
/** Webhook channels with their delivery health. */
export const useChannels = () => useList<ChannelsResponse>('channels');
/** Silences, active and not. */
export const useSilences = () => useList<SilencesResponse>('silences');
/** Maintenance windows, one-off and weekly. */
export const useWindows = () => useList<MaintenanceWindowsResponse>('maintenance-windows');

/**
 * Whether the caller may change alerts in the project shown (`/auth/me`): a viewer sees
 * the page without its write controls; undefined until `/auth/me` answers. Shares the
 * layout's cache entry for `/auth/me`.
 */
export function useCanEdit(): boolean | undefined {
  const me = useQuery(meQuery);
  // Unknown until it answers: a viewer must not be shown write controls meanwhile, nor an
  // editor the viewer's note. A failed check leaves the decision to the server.
  if (me.isPending) return undefined;
  return canEdit(me.data, currentProject() ?? 'default');
}

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

const enc = encodeURIComponent;
const send = (method: string, body?: unknown): RequestInit => ({
  method,
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

/** Every write of the page; the lists it changes refresh after each. */
export function useAlertMutations() {
  const qc = useQueryClient();
  const refresh =
    (...keys: string[]) =>
    () => {
      for (const k of keys) qc.invalidateQueries({ queryKey: [k] });
    };
  const rules = refresh('alert-rules', 'alerts');
  return {
    createRule: useMutation({
      mutationFn: (body: Record<string, unknown>) =>
        api<AlertRule>('/alert-rules', send('POST', body)),
      onSuccess: rules,
    }),
    /** Replaces a rule's body (edit, enable, disable). */
    updateRule: useMutation({
      mutationFn: ({ id, body }: { id: string; body: Record<string, unknown> }) =>
        api<AlertRule>(`/alert-rules/${enc(id)}`, send('PUT', body)),
      onSuccess: rules,
    }),
    deleteRule: useMutation({
      mutationFn: (id: string) => api<void>(`/alert-rules/${enc(id)}`, send('DELETE')),
      onSuccess: rules,
    }),
    /** Answers with the signing secret, which the API shows this once. */
    createChannel: useMutation({
      mutationFn: (body: Record<string, unknown>) =>
        api<ChannelCreated>('/channels', send('POST', body)),
      onSuccess: refresh('channels'),
    }),
    deleteChannel: useMutation({
      mutationFn: (id: string) => api<void>(`/channels/${enc(id)}`, send('DELETE')),
      onSuccess: refresh('channels', 'alert-rules'),
    }),
    testChannel: useMutation({
      mutationFn: (id: string) =>
        api<ChannelTestResponse>(`/channels/${enc(id)}/test`, send('POST')),
      onSettled: refresh('channels'),
    }),
    createSilence: useMutation({
      mutationFn: (body: Record<string, unknown>) => api<Silence>('/silences', send('POST', body)),
      onSuccess: refresh('silences'),
    }),
    /** Expires a silence now (the API's DELETE keeps it, expired). */
    expireSilence: useMutation({
      mutationFn: (id: string) => api<Silence>(`/silences/${enc(id)}`, send('DELETE')),
      onSuccess: refresh('silences'),
    }),
    createWindow: useMutation({
      mutationFn: (body: Record<string, unknown>) =>
        api<unknown>('/maintenance-windows', send('POST', body)),
      onSuccess: refresh('maintenance-windows'),
    }),
    deleteWindow: useMutation({
      mutationFn: (id: string) => api<void>(`/maintenance-windows/${enc(id)}`, send('DELETE')),
      onSuccess: refresh('maintenance-windows'),
    }),
  };
}

/** The page's writes, for the components that take them as a prop. */
export type AlertMutations = ReturnType<typeof useAlertMutations>;
