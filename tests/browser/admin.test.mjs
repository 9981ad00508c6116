// The admin pages in a browser: a service with a new question added by the attribute editor's button,
// and a district upload whose bad file is explained before a good one is previewed on the map and
// applied.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BASE, TNG, launch, signIn, seriousViolations, watchErrors } from "./lib.mjs";

const ADMIN = "admin@tangerangkota.demo";
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("an admin adds a service with a list question using the attribute editor", async () => {
  const { context, page } = await signIn(browser, ADMIN);
  const errors = watchErrors(page);
  const code = `lampu-taman-${Date.now() % 100000}`;
  await page.goto(`${BASE}/admin/${TNG}`);
  await page.click(`a[href='/admin/${TNG}/layanan/-']`);
  await page.fill("#code", code);
  await page.fill("#name", "Lampu Taman Mati");
  await page.selectOption("#agency", "DISPERKIM");
  // Two blank rows are there; the button adds a third, numbered on.
  assert.equal(await page.locator("fieldset.attribute").count(), 2);
  await page.click("#add-attribute");
  assert.equal(await page.locator("fieldset.attribute").count(), 3);
  assert.equal(await page.inputValue("#a2_order"), "3");
  await page.fill("#a2_code", "jumlah");
  await page.selectOption("#a2_datatype", "singlevaluelist");
  await page.fill("#a2_description", "Berapa lampu yang mati?");
  await page.fill("#a2_values", "satu = Satu lampu\nbanyak = Lebih dari satu");
  await page.check("input[name=a2_required]");
  await page.click("#service-form button[type=submit]");
  await page.waitForSelector(".notice.ok");
  // Citizens are asked the new question at once.
  await page.goto(`${BASE}/j/${TNG}/lapor?layanan=${code}`);
  const formText = await page.textContent("main");
  assert.ok(formText.includes("Berapa lampu yang mati?"), formText);
  assert.equal(await page.locator("input[name='attribute[jumlah]'][value=banyak]").count(), 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a bad districts file is explained; a good one is previewed on the map, then applied", async () => {
  const { context, page } = await signIn(browser, ADMIN);
  const errors = watchErrors(page);
  const dir = mkdtempSync(join(tmpdir(), "laksana-districts-"));
  const ring = [[106.5, -6.3], [106.51, -6.3], [106.51, -6.29], [106.5, -6.29]];
  const collection = (r) => JSON.stringify({ type: "FeatureCollection", features: [
    { type: "Feature", properties: { code: "36.71.98", name: "Kec. Percobaan" }, geometry: { type: "Polygon", coordinates: [r] } }] });
  writeFileSync(join(dir, "bad.geojson"), collection(ring));
  writeFileSync(join(dir, "good.geojson"), collection([...ring, ring[0]]));
  await page.goto(`${BASE}/admin/${TNG}/wilayah`);
  await page.setInputFiles("#berkas", join(dir, "bad.geojson"));
  await page.click("#district-upload button[type=submit]");
  assert.match(await page.textContent("#district-errors"), /feature 1 \(36\.71\.98\).*is not closed/s);
  await page.setInputFiles("#berkas", join(dir, "good.geojson"));
  await page.click("#district-upload button[type=submit]");
  await page.waitForSelector("#district-map path.leaflet-interactive");
  assert.ok((await page.textContent("table.queue")).includes("Kec. Percobaan"));
  await page.click("form:has(input[name=terapkan]) button[type=submit]");
  await page.waitForSelector(".notice.ok");
  assert.ok((await page.textContent("table.queue")).includes("36.71.98"), "the district is now the city's");
  assert.deepEqual(errors, []);
  await context.close();
});

test("the admin pages pass axe-core", async () => {
  const { context, page } = await signIn(browser, ADMIN);
  const found = [];
  for (const path of ["/admin", `/admin/${TNG}`, `/admin/${TNG}/layanan/jalan-rusak`, `/admin/${TNG}/instansi/DPUPR`,
    `/admin/${TNG}/wilayah`, `/admin/${TNG}/aktivitas`, `/admin/${TNG}/pengguna`, `/admin/${TNG}/kunci`, `/admin/${TNG}/kalender`, `/admin/${TNG}/webhook`]) {
    await page.goto(`${BASE}${path}`);
    for (const v of await seriousViolations(page)) found.push(`${path}: ${v}`);
  }
  assert.deepEqual(found, []);
  await context.close();
});
