/**
 * What a learner reads vs diagnostics: each panel shows its step, accuracy, loss terms and
 * compactness; rates and tensor counts live in one collapsible Diagnostics section (closed at
 * first, its numbers still in the page for scripts), not in the panels.
 */
import { test, expect, sharePage } from '../testkit/fixtures';
import { openApp, stepOfRun } from '../testkit/app';

const RUNS = ['softmax', 'center'] as const;

test.describe.serial('Learner readouts and Diagnostics', () => {
  sharePage();

  test('each panel shows step, accuracy, loss terms and compactness; rates and tensors are in the closed Diagnostics section', async ({ page, server }) => {
    await openApp(page, server.url, { model: 'tiny', seed: 1 });
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    for (const run of RUNS) await expect.poll(async () => stepOfRun(page, run), { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
    for (const run of RUNS) {
      const region = page.locator(`section.panel[data-run=${run}]`);
      await expect(region.getByTestId(`readout-${run}`)).toHaveText(/^step \d+ · accuracy \d+\.\d%$/);
      const terms = region.locator('dl.metrics');
      await expect(terms).toContainText('softmax loss');
      await expect(terms).toContainText('center loss');
      await expect(terms).toContainText(/compactness\s*\d+\.\d{3}/);
      expect(await region.textContent()).not.toMatch(/steps\/s|samples\/s|tensors/);
    }
    const diag = page.getByTestId('diagnostics');
    await expect(diag).toHaveCount(1);
    await expect(diag).not.toHaveAttribute('open', '');
    for (const run of RUNS) {
      const tensors = page.getByTestId(`tensors-${run}`);
      await expect(tensors).toBeHidden();
      expect(Number(await tensors.textContent()), `tensors-${run} readable while closed`).toBeGreaterThan(0);
      expect(Number(await page.getByTestId(`steps-per-sec-${run}`).textContent())).toBeGreaterThanOrEqual(0);
      expect(await page.getByTestId(`samples-per-sec-${run}`).textContent()).toMatch(/^[\d,]+$/);
    }
    await diag.getByText('Diagnostics', { exact: true }).click();
    await expect(diag).toHaveAttribute('open', '');
    await expect(diag.getByRole('row', { name: /Softmax only/ })).toBeVisible();
    await expect(page.getByTestId('tensors-center')).toBeVisible();
    await diag.getByText('Diagnostics', { exact: true }).click();
    await expect(page.getByTestId('tensors-center')).toBeHidden();
  });
});
