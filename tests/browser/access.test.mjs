// Who sees what: every role is refused another role's pages, and no public page shows a rahasia
// report or a reporter's identity.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE, TNG, OFFICER, OPERATOR, launch, phone, sendReport, signIn } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("a rahasia report and a reporter's identity never reach a public page", async () => {
  const context = await phone(browser);
  const page = await context.newPage();
  await page.goto(`${BASE}/j/${TNG}/lapor?layanan=jalan-rusak`);
  await page.fill("#description", "Laporan rahasia tentang pungutan liar di proyek jalan.");
  await page.check("input[name='attribute[tingkat_kerusakan]'][value='ringan']");
  await page.check("input[name='attribute[jenis_jalan]'][value='kota']");
  await page.fill("#address", "Jl. Rahasia 1");
  await page.check("input[name=privacy][value=rahasia]");
  await page.fill("#first_name", "Wiratmoko");
  await page.fill("#email", "wiratmoko@warga.test");
  await sendReport(page);
  await page.waitForSelector(".received");
  const [id] = await page.locator(".big-id").allTextContents();
  const res = await page.goto(`${BASE}/laporan/${id}`);
  assert.equal(res.status(), 404);
  for (const path of [`/j/${TNG}`, `/j/${TNG}/peta.json`]) {
    await page.goto(`${BASE}${path}`);
    const text = await page.content();
    assert.ok(!text.includes(id), `${path} shows no rahasia report`);
    assert.ok(!text.includes("Wiratmoko") && !text.includes("wiratmoko@warga.test"), `${path} shows no identity`);
  }
  await context.close();
});

test("each role is refused the pages of another", async () => {
  const anonymous = await phone(browser);
  const page = await anonymous.newPage();
  await page.goto(`${BASE}/staf/${TNG}`);
  assert.match(page.url(), /\/masuk\?kembali=/, "the staff pages ask to sign in");
  const officer = await signIn(browser, OFFICER);
  // Another agency's queue is not the officer's.
  await officer.page.goto(`${BASE}/staf/${TNG}`);
  const other = await officer.page.locator("#f-agency option").count();
  assert.ok(other >= 2, "the officer's own agency is offered");
  const res = await officer.page.goto(`${BASE}/staf/${TNG}?agency=999999`);
  assert.equal(res.status(), 403);
  assert.match(await officer.page.textContent("h1"), /tidak boleh/);
  await Promise.all([anonymous.close(), officer.context.close()]);
});

test("the queue's filters apply in place with htmx, and the address follows", async () => {
  const op = await signIn(browser, OPERATOR);
  await op.page.goto(`${BASE}/staf/${TNG}`);
  await op.page.evaluate(() => { window.__notReloaded = true; });
  await op.page.selectOption("#f-status", "needs_info");
  await op.page.waitForURL(/status=needs_info/);
  await op.page.waitForFunction(() => [...document.querySelectorAll("table.queue tbody td:nth-child(2)")]
    .every((td) => td.textContent.includes("Perlu informasi tambahan")));
  assert.equal(await op.page.evaluate(() => window.__notReloaded), true, "the table changed without a reload");
  assert.ok(await op.page.locator("table.queue tbody tr").count() > 0);
  await op.context.close();
});
