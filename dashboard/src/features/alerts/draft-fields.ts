import type { DraftField, RuleDraft } from './rule-draft.js';
import { FILTERS, type FilterKey, KINDS } from './rule-kinds.js';

/**
 * The rule form's fields as people and the API name them: labels (for the list of fields
 * to fix), where an API refusal belongs, and the values the filters are offered. Pure.
 */

const TOP_FIELDS = new Set<string>([
  'name',
  'window',
  'for',
  'keepFiringFor',
  'interval',
  'noDataState',
  'errorState',
  'labels',
  'annotations',
  'channels',
]);

/**
 * The form field an API refusal names (`signal.of.quantile`, `condition.warning`,
 * `channels.0`), so the message shows next to it; undefined when the form has no such field.
 */
export function formFieldOf(apiField: string | undefined, d: RuleDraft): DraftField | undefined {
  if (!apiField) return undefined;
  const [head = '', ...rest] = apiField.split('.');
  if (TOP_FIELDS.has(head)) return head as DraftField;
  if (head === 'condition')
    return rest[0] === 'warning' ? 'warning' : rest[0] === 'op' ? 'op' : 'threshold';
  if (head !== 'signal') return undefined;
  let path = rest;
  let kind = d.kind;
  if (kind === 'anomaly' && path[0] === 'of') {
    path = path.slice(1);
    kind = d.of;
  }
  const key = path[0];
  if (!key) return d.kind === 'anomaly' && rest[0] === 'of' ? 'of' : 'kind';
  if (FILTERS.some(([k]) => k === key)) return `filter:${key as FilterKey}`;
  if (kind === 'slo' && key === 'objective')
    return path[1] === 'thresholdMs' ? 'param:slo.thresholdMs' : 'param:slo.objective';
  if (kind === 'budget' && key === 'by')
    return path[1] === 'attribute' ? 'param:budget.attribute' : 'param:budget.by';
  if (KINDS[kind]?.params.some((p) => p.key === key)) return `param:${kind}.${key}`;
  return 'kind';
}

const LABELS: Partial<Record<DraftField, string>> = {
  name: 'Name',
  kind: 'Signal',
  of: 'Of signal',
  window: 'Window',
  op: 'Comparison',
  threshold: 'Threshold',
  warning: 'Warning threshold',
  for: 'For',
  keepFiringFor: 'Keep firing for',
  interval: 'Evaluate every',
  noDataState: 'When there is no data',
  errorState: 'When evaluation fails',
  labels: 'Labels',
  annotations: 'Annotations',
  channels: 'Notify',
};

/** A field's label, as the form shows it (for the list of fields to fix). */
export function fieldLabel(f: DraftField): string {
  if (f.startsWith('filter:')) {
    const key = f.slice('filter:'.length);
    return FILTERS.find(([k]) => k === key)?.[1] ?? key;
  }
  if (f.startsWith('param:')) {
    const [kind = '', key] = f.slice('param:'.length).split('.');
    return KINDS[kind]?.params.find((p) => p.key === key)?.label ?? key ?? f;
  }
  return LABELS[f] ?? f;
}

/** The values a model-dimension filter has been seen with (the pickers' choices). */
export interface Dimensions {
  model: string;
  versions: string[];
  variants: string[];
  services: string[];
  providers: string[];
  operations: string[];
}

const PLURAL = {
  version: 'versions',
  variant: 'variants',
  service: 'services',
  provider: 'providers',
  operation: 'operations',
} as const;

/**
 * Values a filter may be given, from the models seen in the range: every model, or the
 * versions (variants, ...) of the model the draft names (of all models when it names none).
 */
export function filterSuggestions(
  dims: readonly Dimensions[],
  key: FilterKey,
  model: string,
): string[] {
  if (key === 'model') return [...new Set(dims.map((m) => m.model))].sort();
  if (!(key in PLURAL)) return [];
  const of = dims.filter((m) => m.model === model.trim());
  const values = (of.length > 0 ? of : dims).flatMap((m) => m[PLURAL[key as keyof typeof PLURAL]]);
  return [...new Set(values)].sort();
}
