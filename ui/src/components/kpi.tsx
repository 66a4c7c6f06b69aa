import type { ComponentChildren } from 'preact';

/** One headline figure. */
export function Kpi(props: { label: string; value: string; hint?: ComponentChildren }) {
  return (
    <div class="kpi">
      <div class="kpi-label">{props.label}</div>
      <div class="kpi-value">{props.value}</div>
      {props.hint && <div class="kpi-hint">{props.hint}</div>}
    </div>
  );
}
