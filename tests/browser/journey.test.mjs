// The whole journey of a report through the pages alone: a citizen reports from a phone with a photo
// and a pin, the operator verifies it, the agency's officer plans and resolves it with a photo, and the citizen
// watches red turn yellow then green, confirms and rates. Then the same report without JavaScript.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE, TNG, OPERATOR, OFFICER, launch, phone, photo, sendReport, signIn, publicStatus, watchErrors } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function fillJalanRusak(page, description) {
  await page.fill("#description", description);
  await page.check("input[name='attribute[tingkat_kerusakan]'][value='berat']");
  await page.check("input[name='attribute[jenis_jalan]'][value='kota']");
}

test("a citizen reports from a phone and watches it go red, yellow, green", async () => {
  const citizen = await phone(browser);
  const page = await citizen.newPage();
  const errors = watchErrors(page);
  await page.goto(`${BASE}/`);
  await page.click(`a[href='/j/${TNG}']`);
  await page.click(`a.button.big[href='/j/${TNG}/lapor']`);
  // The search filters the services as one types.
  await page.fill("#cari", "jalan rusak");
  assert.equal(await page.locator("a[href$='layanan=ktp-kk']").isVisible(), false);
  await page.click("a[href$='layanan=jalan-rusak']");
  await fillJalanRusak(page, "Lubang besar di tengah jalan depan SD Negeri 3, sudah dua minggu, motor sering jatuh.");
  // A pin on the map fills the coordinates.
  await page.locator("#pin-map").click({ position: { x: 150, y: 100 } });
  assert.match(await page.inputValue("#lat"), /^-?\d+\.\d{6}$/);
  assert.match(await page.inputValue("#lon"), /^-?\d+\.\d{6}$/);
  await page.setInputFiles("#photo", photo());
  await page.check("input[name=privacy][value=publik]");
  await page.fill("#first_name", "Rina");
  await sendReport(page);
  await page.waitForSelector(".received");
  const [id, code] = await page.locator(".big-id").allTextContents();
  assert.match(id, /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  assert.match(code, /^[0-9A-Z]{10}$/);
  assert.deepEqual(errors, [], "no script error or blocked resource");
  assert.equal((await publicStatus(page, id)).colour, "red");
  assert.equal(await page.locator(".photos img").count(), 1, "the photo is on the report's page");

  // The operator verifies it from the queue's work view.
  const op = await signIn(browser, OPERATOR);
  await op.page.goto(`${BASE}/staf/laporan/${id}`);
  assert.ok((await op.page.textContent(".facts")).includes("Rina"), "the operator sees the reporter");
  await op.page.click("form:has(input[name=action][value=verify]) button[type=submit]");
  await op.page.waitForSelector(".notice.ok");
  // Sent to the agency, not yet handled by it: still red, and the words say where it is.
  assert.deepEqual(await publicStatus(page, id), { colour: "red", text: "Diteruskan ke perangkat daerah" });

  // The agency's officer plans and resolves it from their own pages.
  const officer = await signIn(browser, OFFICER);
  await officer.page.goto(`${BASE}/staf/${TNG}`);
  await officer.page.goto(`${BASE}/staf/laporan/${id}`);
  await officer.page.fill("#plan-text", "Tim tambal jalan dijadwalkan besok pagi.");
  await officer.page.click("form:has(input[name=action][value=plan]) button[type=submit]");
  await officer.page.waitForSelector(".notice.ok");
  assert.deepEqual(await publicStatus(page, id), { colour: "yellow", text: "Sedang ditangani" });
  await officer.page.fill("#resolve-text", "Lubang sudah ditambal dengan aspal hotmix.");
  await officer.page.setInputFiles("#resolve-photo", photo());
  await officer.page.click("form:has(input[name=action][value=resolve]) button[type=submit]");
  await officer.page.waitForSelector(".notice.ok");
  const resolved = await publicStatus(page, id);
  assert.equal(resolved.colour, "green");
  assert.ok((await page.textContent(".timeline")).includes("aspal hotmix"), "the evidence is on the timeline");
  assert.equal(await page.locator(".photos img").count(), 2, "the photo before and the photo after");

  // The citizen tracks it with the code, confirms and rates.
  await page.goto(`${BASE}/lacak`);
  await page.fill("#id", id);
  await page.fill("#code", code);
  await page.click("form[action='/lacak'] button[type=submit]");
  await page.check("input[name=rating][value='4']");
  await page.click("form:has(input[name=action][value=confirm]) button[type=submit]");
  await page.waitForSelector(".notice.ok");
  assert.match(await page.textContent(".notice.ok"), /Terima kasih/);
  assert.equal((await page.textContent(".status.big")).trim(), "Selesai");
  await Promise.all([citizen.close(), op.context.close(), officer.context.close()]);
});

test("the same report works with JavaScript turned off", async () => {
  const context = await phone(browser, { javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${BASE}/j/${TNG}/lapor?cari=jalan`);
  await page.click("a[href$='layanan=jalan-rusak']");
  // First without a place: the form comes back with the message beside the field, text and photo kept.
  await fillJalanRusak(page, "Jalan amblas di gang Melati, air menggenang tiap hujan.");
  await page.setInputFiles("#photo", photo());
  await page.click("form.report-form button[type=submit]");
  await page.waitForSelector("#location-error");
  assert.equal(await page.inputValue("#description"), "Jalan amblas di gang Melati, air menggenang tiap hujan.");
  assert.equal(await page.locator("input[name=staged]").count(), 1, "the photo is kept");
  await page.fill("#address", "Gang Melati No. 4, Cipondoh");
  await page.check("input[name=privacy][value=anonim]");
  await sendReport(page);
  await page.waitForSelector(".received");
  const [id] = await page.locator(".big-id").allTextContents();
  await page.goto(`${BASE}/laporan/${id}`);
  assert.equal(await page.locator(".photos img").count(), 1);
  assert.ok((await page.textContent(".facts")).includes("Gang Melati"));
  await context.close();

  // It came with an address only: the operator places its pin on the work view's map.
  const op = await signIn(browser, OPERATOR);
  await op.page.goto(`${BASE}/staf/laporan/${id}`);
  assert.equal(await op.page.inputValue("#lat"), "", "no pin yet");
  await op.page.locator("#pin-map").click();
  assert.match(await op.page.inputValue("#lat"), /^-?\d+\.\d{6}$/);
  await op.page.click("#locate-form button[type=submit]");
  await op.page.waitForSelector(".notice.ok");
  assert.match(await op.page.textContent(".facts"), /-?\d+\.\d+, \d+\.\d+/, "the pin is on the report");
  await op.context.close();
});
