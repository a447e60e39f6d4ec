/**
 * A column of {@link TableHead}: its label; `num` right-aligns it over numbers; `hidden`
 * keeps the label for screen readers only (an actions column).
 */
export type Column = string | { label: string; num?: boolean; hidden?: boolean };

/** The actions column of a table: no text on screen, "Actions" to a screen reader. */
export const ACTIONS: Column = { label: 'Actions', hidden: true };

/** A table's header row, every cell a column header (`scope="col"`). */
export function TableHead({ columns }: { columns: readonly Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => {
          const { label, num, hidden } = typeof c === 'string' ? { label: c } : c;
          return (
            <th key={label} scope="col" className={num ? 'num' : undefined}>
              {hidden ? <span className="sr-only">{label}</span> : label}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}
