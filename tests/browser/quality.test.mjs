// What citizens and the Ombudsman see of a city's service quality, on a phone: the dashboard with its
// server-drawn charts and filters, the open survey, a service's standards, and the compliance
// assessment; axe-core on each, in both languages.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE, TNG, launch, phone, signIn, seriousViolations, watchErrors } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("the dashboard draws its charts, fits a phone and filters by agency", async () => {
  const context = await phone(browser);
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${BASE}/dashboard/${TNG}`);
  assert.equal(await page.locator("svg.chart").count(), 5, "month, status, ranking, duration, map");
  assert.ok(await page.locator("svg.map-chart path").count() >= 13, "every kecamatan is drawn");
  const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
  assert.ok(fits, "no sideways scrolling on a phone");
  const all = await page.locator("dl.counters dd").first().textContent();
  await page.selectOption("#f-agency", "DPUPR");
  await Promise.all([page.waitForURL(/agency=DPUPR/), page.click("form.filters button[type=submit]")]);
  const dpupr = await page.locator("dl.counters dd").first().textContent();
  assert.ok(Number(dpupr) > 0 && Number(dpupr) < Number(all), `${dpupr} of ${all}`);
  assert.match(await page.getAttribute("a[href*='reports.csv']", "href"), /agency=DPUPR/);
  assert.deepEqual(errors, [], "no script error or blocked resource");
  await context.close();
});

test("anyone answers the open survey from a phone", async () => {
  const context = await phone(browser);
  const page = await context.newPage();
  await page.goto(`${BASE}/j/${TNG}/survei`);
  await page.selectOption("#s-agency", "DISDUKCAPIL");
  for (let i = 1; i <= 9; i++) await page.check(`input[name=u${i}][value='${i % 2 ? 4 : 3}']`);
  await page.selectOption("#p-age_band", "30-39");
  await page.click("form.survey button[type=submit]");
  assert.match(await page.textContent("#message"), /kami terima/);
  await context.close();
});

test("the quality pages pass axe-core in Indonesian and in English", async () => {
  const admin = await signIn(browser, "admin@tangerangkota.demo");
  const pages = [`/dashboard/${TNG}`, `/dashboard/${TNG}?agency=DPUPR&from=2026-01-01`, `/j/${TNG}/survei`,
    `/j/${TNG}/layanan`, `/j/${TNG}/layanan/pju-mati`, `/admin/${TNG}/kepatuhan`, `/admin/${TNG}/kepatuhan/DPUPR`,
    `/admin/${TNG}/ikm`, `/admin/${TNG}/layanan/pju-mati/standar`, `/admin/${TNG}/instansi/DPUPR/maklumat`];
  const found = [];
  for (const lang of ["id", "en"]) {
    await admin.context.addCookies([{ name: "laksana_lang", value: lang, url: BASE }]);
    for (const path of pages) {
      const res = await admin.page.goto(`${BASE}${path}`);
      assert.equal(res.status(), 200, path);
      for (const v of await seriousViolations(admin.page)) found.push(`${lang} ${path}: ${v}`);
    }
  }
  assert.deepEqual(found, []);
  await admin.context.close();
});
