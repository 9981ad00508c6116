// Screenshots of the main pages for the README: run by scripts/screenshots, not a test.
import { mkdirSync } from "node:fs";
import { BASE, TNG, OPERATOR, launch, signIn } from "./lib.mjs";

const out = process.env.OUT ?? "screenshots";
mkdirSync(out, { recursive: true });
const browser = await launch();
const op = await signIn(browser, OPERATOR);
await op.page.goto(`${BASE}/staf/${TNG}`);
const id = (await op.page.locator("table.queue a").first().textContent()).trim();
const pages = [
  ["home", `/j/${TNG}`],
  ["pick", `/j/${TNG}/lapor`],
  ["form", `/j/${TNG}/lapor?layanan=jalan-rusak`],
  ["report", `/laporan/${id}`],
  ["queue", `/staf/${TNG}`],
  ["work", `/staf/laporan/${id}`],
  ["sign-up", "/daftar"],
  ["dashboard", `/dashboard/${TNG}`],
  ["dashboard-map", `/dashboard/${TNG}#map-title`],
  ["service", `/j/${TNG}/layanan/ktp-kk`],
  ["survey", `/j/${TNG}/survei`],
];
for (const lang of ["id", "en"]) {
  await op.context.addCookies([{ name: "laksana_lang", value: lang, url: BASE }]);
  for (const [width, label] of [[1280, "desktop"], [360, "phone"]]) {
    await op.page.setViewportSize({ width, height: width > 400 ? 900 : 780 });
    for (const [name, path] of pages) {
      await op.page.goto(`${BASE}${path}`);
      await op.page.waitForTimeout(300);
      await op.page.screenshot({ path: `${out}/${name}-${lang}-${label}.png`, fullPage: false });
    }
  }
}
await browser.close();
