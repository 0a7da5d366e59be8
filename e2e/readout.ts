/** The step number in a panel readout ("step 123 · accuracy 45.6%"), or −1 when there is none. */
export function stepOf(text: string | null): number {
  const m = /step (\d+)/.exec(text ?? '');
  return m ? Number(m[1]) : -1;
}
