import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, startBrowser } from '../../helpers/browser.ts';
import { ADMIN_KEY, uiFixture } from './fixture.ts';

test('in a browser: the admin key logs in, the banner URL logs in once, logging out ends it', async (t) => {
  const proxy = await uiFixture(t);
  const browser = await startBrowser(t);
  const nav = (page: import('playwright-core').Page) =>
    page.getByRole('navigation', { name: 'Pages' });

  await t.test('the login page refuses a wrong key and takes the admin key', async () => {
    const page = await browser.page(390);
    await page.goto(`${proxy.url}/ui/`);
    const key = page.getByLabel('Admin key');
    await key.waitFor();
    await screenshot(page, 'login');
    await key.fill('not-the-admin-key');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('That is not an admin key.').waitFor();
    await key.fill(ADMIN_KEY);
    await page.getByRole('button', { name: 'Log in' }).click();
    await nav(page).waitFor();
    const [cookie] = (await browser.context.cookies(proxy.url)).filter(
      (c) => c.name === 'ccproxy_session',
    );
    assert.ok(cookie, 'a session cookie');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(await page.evaluate(() => document.cookie), '', 'scripts cannot read it');
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Admin key').waitFor();
    await page.close();
  });

  await t.test('the banner URL logs a fresh browser in, and is spent after', async () => {
    await browser.context.clearCookies();
    const page = await browser.page(1440);
    await page.goto(proxy.loginUrl);
    await nav(page).waitFor();
    assert.ok(!page.url().includes('login='), 'the token leaves the address bar');
    await browser.context.clearCookies();
    const again = await browser.page(1440);
    await again.goto(proxy.loginUrl);
    await again.getByLabel('Admin key').waitFor();
  });

  assert.deepEqual(
    browser.errors.filter((e) => !/401/.test(e)),
    [],
    'no console errors besides the refused logins',
  );
});
