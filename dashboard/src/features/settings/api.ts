import type {
  AuditResponse,
  LoginResponse,
  PersonalTokenCreated,
  PersonalTokensResponse,
  PriceEntry,
  PricesResponse,
  ProjectInfo,
  ProjectKeyCreated,
  ProjectKeysResponse,
  ProjectMember,
  ProjectMembersResponse,
  ProjectRole,
  ProjectsResponse,
  UserInfo,
} from '@aiobs/api-types';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, setCsrfToken, toQuery } from '../../lib/api-client.js';
import { meQuery } from '../../lib/session.js';
import { type People, peopleOf } from './prepare.js';

const enc = encodeURIComponent;
const json = (method: string, body?: unknown): RequestInit => ({
  method,
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

/** Who is signed in, and the projects they may use (also feeds the layout's switcher). */
export function useMe() {
  return useQuery(meQuery);
}

/** The caller's projects (every project for the instance admin). */
export function useProjects() {
  return useQuery({
    queryKey: ['projects'],
    queryFn: ({ signal }) => api<ProjectsResponse>('/projects', { signal }),
  });
}

/** The members of `project` (owners only). */
export function useMembers(project: string, enabled = true) {
  return useQuery({
    queryKey: ['project-members', project],
    queryFn: ({ signal }) =>
      api<ProjectMembersResponse>(`/projects/${enc(project)}/members`, { signal }),
    enabled,
  });
}

/** The live ingest and read keys of `project`, by prefix (owners only). */
export function useKeys(project: string) {
  return useQuery({
    queryKey: ['project-keys', project],
    queryFn: ({ signal }) => api<ProjectKeysResponse>(`/projects/${enc(project)}/keys`, { signal }),
  });
}

/** The signed-in user's personal API tokens (only users have them). */
export function useTokens(enabled: boolean) {
  return useQuery({
    queryKey: ['auth-tokens'],
    queryFn: ({ signal }) => api<PersonalTokensResponse>('/auth/tokens', { signal }),
    enabled,
  });
}

/** One page of `project`'s audit log, newest first; `cursor` from the previous page. */
export function useAudit(project: string, cursor: string | undefined) {
  return useQuery({
    queryKey: ['project-audit', project, cursor ?? ''],
    queryFn: ({ signal }) =>
      api<AuditResponse>(`/projects/${enc(project)}/audit${toQuery({ limit: 50, cursor })}`, {
        signal,
      }),
    placeholderData: keepPreviousData,
  });
}

/** The token prices in force. */
export function usePrices() {
  return useQuery({
    queryKey: ['prices'],
    queryFn: ({ signal }) => api<PricesResponse>('/prices', { signal }),
  });
}

/** Creating projects and managing the members of `project`; the lists refresh after each. */
export function useProjectMutations(project: string) {
  const qc = useQueryClient();
  const members = () => qc.invalidateQueries({ queryKey: ['project-members', project] });
  return {
    createProject: useMutation({
      mutationFn: (body: { id: string; name: string }) =>
        api<ProjectInfo>('/projects', json('POST', body)),
      onSuccess: () => {
        qc.invalidateQueries({ queryKey: ['projects'] });
        qc.invalidateQueries({ queryKey: ['me'] });
      },
    }),
    addMember: useMutation({
      mutationFn: (body: ({ email: string } | { userId: string }) & { role: ProjectRole }) =>
        api<ProjectMember>(`/projects/${enc(project)}/members`, json('POST', body)),
      onSuccess: members,
    }),
    setRole: useMutation({
      mutationFn: ({ userId, role }: { userId: string; role: ProjectRole }) =>
        api<ProjectMember>(`/projects/${enc(project)}/members/${enc(userId)}`, {
          ...json('PATCH', { role }),
        }),
      onSettled: members,
    }),
    removeMember: useMutation({
      mutationFn: (userId: string) =>
        api<void>(`/projects/${enc(project)}/members/${enc(userId)}`, json('DELETE')),
      onSettled: members,
    }),
  };
}

/** Creating, revoking and rotating `project`'s keys; the new key is in the mutation's data. */
export function useKeyMutations(project: string) {
  const qc = useQueryClient();
  const keys = () => qc.invalidateQueries({ queryKey: ['project-keys', project] });
  const base = `/projects/${enc(project)}/keys`;
  return {
    create: useMutation({
      mutationFn: (body: { kind: 'ingest' | 'read'; name: string; expiresAt?: string }) =>
        api<ProjectKeyCreated>(base, json('POST', body)),
      onSuccess: keys,
    }),
    revoke: useMutation({
      mutationFn: (id: string) => api<void>(`${base}/${enc(id)}`, json('DELETE')),
      onSettled: keys,
    }),
    rotate: useMutation({
      mutationFn: ({ id, overlapSeconds }: { id: string; overlapSeconds: number }) =>
        api<ProjectKeyCreated>(`${base}/${enc(id)}/rotate`, json('POST', { overlapSeconds })),
      onSettled: keys,
    }),
  };
}

/** Creating and deleting the signed-in user's personal tokens. */
export function useTokenMutations() {
  const qc = useQueryClient();
  const tokens = () => qc.invalidateQueries({ queryKey: ['auth-tokens'] });
  return {
    create: useMutation({
      mutationFn: (body: { name: string; expiresAt?: string }) =>
        api<PersonalTokenCreated>('/auth/tokens', json('POST', body)),
      onSuccess: tokens,
    }),
    remove: useMutation({
      mutationFn: (id: string) => api<void>(`/auth/tokens/${enc(id)}`, json('DELETE')),
      onSettled: tokens,
    }),
  };
}

/** Replacing the price list (the API stores the whole list at once). */
export function useSavePrices() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (prices: PriceEntry[]) => api<PricesResponse>('/prices', json('PUT', { prices })),
    onSuccess: (data) => qc.setQueryData(['prices'], data),
  });
}

/** `GET /api/v1/users` (the collector's types name no response for it). */
export interface UsersResponse {
  users: UserInfo[];
}

/** Every user of the instance (the instance admin only). */
export function useUsers(enabled = true) {
  return useQuery({
    queryKey: ['users'],
    queryFn: ({ signal }) => api<UsersResponse>('/users', { signal }),
    enabled,
  });
}

/** A new user as `POST /api/v1/users` takes it. */
export interface NewUser {
  email: string;
  name: string;
  password: string;
  instanceAdmin?: boolean;
}

/** What `PATCH /api/v1/users/:id` changes. */
export interface UserPatch {
  name?: string;
  password?: string;
  disabled?: boolean;
  instanceAdmin?: boolean;
}

/** Creating users and changing them (disable, enable, new password); the list refreshes after. */
export function useUserMutations() {
  const qc = useQueryClient();
  const users = () => qc.invalidateQueries({ queryKey: ['users'] });
  return {
    create: useMutation({
      mutationFn: (body: NewUser) => api<UserInfo>('/users', json('POST', body)),
      onSuccess: users,
    }),
    update: useMutation({
      mutationFn: ({ id, patch }: { id: string; patch: UserPatch }) =>
        api<UserInfo>(`/users/${enc(id)}`, json('PATCH', patch)),
      onSettled: users,
    }),
  };
}

/**
 * The signed-in user's own password change. The collector ends every session of the user and
 * answers this browser with a fresh one, whose CSRF token replaces the old one here.
 */
export function useChangePassword() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) =>
      api<LoginResponse | undefined>('/auth/password', json('POST', body)),
    onSuccess: (res) => {
      if (res?.csrfToken) setCsrfToken(res.csrfToken);
      qc.invalidateQueries({ queryKey: ['session'] });
    },
  });
}

/**
 * Who the user ids in `createdBy` and the audit log are (see `peopleOf`): the members of
 * `project`, every user for the instance admin, and the caller.
 */
export function usePeople(project: string): People {
  const me = useMe();
  const members = useMembers(project);
  const users = useUsers(me.data?.instanceAdmin === true);
  return peopleOf(members.data?.members, users.data?.users, me.data?.user);
}
