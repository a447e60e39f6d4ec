import { Line, LineChart } from 'recharts';

/** A tiny trend line for tables; `label` is its accessible description. */
export function Sparkline({ values, label }: { values: Array<number | null>; label: string }) {
  const data = values.map((v, i) => ({ i, v }));
  return (
    <span className="sparkline" role="img" aria-label={label}>
      <LineChart width={120} height={28} data={data}>
        <Line
          dataKey="v"
          stroke="var(--series-1)"
          dot={false}
          strokeWidth={1.5}
          isAnimationActive={false}
        />
      </LineChart>
    </span>
  );
}
