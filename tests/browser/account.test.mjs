// A citizen's own account from a phone: sign up, confirm with the emailed link, report while signed
// in, and find the report under "my reports", where it can be answered without a follow-up code.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE, TNG, launch, phone, linkInMail, sendReport, watchErrors } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("a citizen signs up, confirms by email and finds their report under my reports", async () => {
  const email = `warga${Date.now()}@warga.test`;
  const password = "sandi-warga-yang-panjang";
  const context = await phone(browser);
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${BASE}/masuk`);
  await page.click("a[href='/daftar']");
  await page.fill("#email", email);
  await page.fill("#name", "Rina");
  await page.fill("#password", password);
  await page.fill("#repeat", password);
  await page.click("form[action='/daftar'] button[type=submit]");
  assert.match(await page.textContent("#message"), new RegExp(email));

  // Before the link, the password alone does not sign in.
  await page.goto(`${BASE}/masuk`);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("form[action='/masuk'] button[type=submit]");
  assert.match(await page.textContent("#sign-in-error"), /belum dikonfirmasi/);

  await page.goto(await linkInMail(email, `${BASE}/daftar/konfirmasi?t=`));
  assert.match(await page.textContent("#message"), /aktif/);
  await page.click("a.button[href^='/masuk']");
  await page.fill("#email", email);
  await page.fill("#password", password);
  await Promise.all([page.waitForURL(/\/saya$/), page.click("form[action='/masuk'] button[type=submit]")]);

  // A report made while signed in is listed under my reports and opens as its reporter's.
  await page.click(`a.button[href='/j/${TNG}/lapor']`);
  await page.click("a[href$='layanan=pju-mati']");
  await page.fill("#description", "Lampu jalan di depan pos ronda RW 05 mati sejak tiga hari.");
  await page.fill("#address", "Jl. Kenanga RT 02 RW 05, Cibodas");
  await page.check("input[name=privacy][value=anonim]");
  await sendReport(page);
  await page.waitForSelector(".received");
  const [id] = await page.locator(".big-id").allTextContents();
  await page.click(".received a[href='/saya']");
  await page.click(`a[href='/laporan/${id}']`);
  assert.equal((await page.textContent(".status.big")).trim(), "Baru diterima");
  assert.deepEqual(errors, [], "no script error or blocked resource");
  await context.close();
});
