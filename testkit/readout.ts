import { expect } from '@playwright/test';

/** The step number in a panel readout ("step 123 · accuracy 45.6%"), or −1 when there is none. */
export function stepOf(text: string | null): number {
  const m = /step (\d+)/.exec(text ?? '');
  return m ? Number(m[1]) : -1;
}

/**
 * Waits until `read` (e.g. the panels' step numbers) stays the same for 1.5 s: after Pause, the snapshot
 * it asks for has arrived, so exports and readouts taken next are all of one step.
 */
export async function settled(read: () => Promise<unknown>): Promise<void> {
  await expect.poll(async () => {
    const before = JSON.stringify(await read());
    await new Promise((r) => setTimeout(r, 1500));
    return before === JSON.stringify(await read());
  }, { timeout: 60_000 }).toBe(true);
}
