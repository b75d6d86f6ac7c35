// US dollars as reports print them: 2 decimals from a dollar up, 3 significant digits below (a flow run
// costs fractions of a cent). One formatter for the terminal, summary.md and the plan line.
export function formatUsd(v: number): string {
  return `$${v >= 1 ? v.toFixed(2) : Number(v.toPrecision(3))}`;
}
