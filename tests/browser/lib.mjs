// Shared by the browser tests: Debian's chromium driven by playwright-core (never a downloaded
// browser), the server under test at BASE_URL (started by scripts/browser-tests), and small helpers.
import { chromium } from "playwright-core";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { createRequire } from "node:module";

export const BASE = process.env.BASE_URL ?? "http://127.0.0.1:8080";
export const TNG = "tangerangkota.go.id";
export const DEMO_PASSWORD = "laksana-demo";
export const OPERATOR = "operator@tangerangkota.demo";
export const OFFICER = "petugas.dpupr@tangerangkota.demo";

const require = createRequire(import.meta.url);
export const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    // This machine's network is closed: no background connections, no sandbox as root.
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
}

/** A phone-sized context (360 px wide) in Indonesian, unless told otherwise. */
export async function phone(browser, options = {}) {
  return browser.newContext({ viewport: { width: 360, height: 740 }, locale: "id-ID", ...options });
}

/** Collects what the browser reports as a Content-Security-Policy violation or a script error. */
export function watchErrors(page) {
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error" && /Content.Security.Policy|Refused to/i.test(m.text())) errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  return errors;
}

/** A small PNG photo (64×48, two colours), encoded here: it needs no page script. */
export function photo() {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const head = Buffer.alloc(8); head.writeUInt32BE(data.length, 0); head.write(type, 4, "ascii");
    const tail = Buffer.alloc(4); tail.writeUInt32BE(crc(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, tail]);
  };
  const [w, h] = [64, 48];
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  const rows = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 3);
    for (let x = 0; x < w; x++) row.set(x > 20 && x < 44 && y > 10 && y < 38 ? [241, 196, 15] : [192, 57, 43], 1 + x * 3);
    rows.push(row);
  }
  const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.concat(rows))), chunk("IEND", Buffer.alloc(0))]);
  return { name: "lampu.png", mimeType: "image/png", buffer: png };
}

export async function signIn(browser, email) {
  const context = await phone(browser, { viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${BASE}/masuk`);
  await page.fill("#email", email);
  await page.fill("#password", DEMO_PASSWORD);
  await Promise.all([page.waitForURL(/\/staf/), page.click("form[action='/masuk'] button[type=submit]")]);
  return { context, page };
}

/** The status shown on a report's public page, as (colour class, words). */
export async function publicStatus(page, id) {
  await page.goto(`${BASE}/laporan/${id}`);
  const el = page.locator(".status.big").first();
  const cls = (await el.getAttribute("class")) ?? "";
  return { colour: ["red", "yellow", "green", "grey"].find((c) => cls.split(" ").includes(c)), text: (await el.textContent()).trim() };
}

/** Runs axe-core on the page; the violations that matter (serious or critical). */
export async function seriousViolations(page) {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join("; ")}`);
}

/** Sends the report form; if the same problem nearby is offered to follow, sends it as new anyway. */
export async function sendReport(page) {
  await page.click("form.report-form button[type=submit]");
  await page.waitForSelector(".received, input[name=nearby_seen], .error");
  if (await page.locator("input[name=nearby_seen]").count()) {
    await page.click("form:has(input[name=nearby_seen]) button[type=submit]");
    await page.waitForSelector(".received, .error");
  }
}

/**
 * The first link starting with `prefix` in the newest email to `to` that the server wrote to MAIL_DIR
 * (`.eml` files), waiting for the job worker to send it.
 */
export async function linkInMail(to, prefix) {
  const dir = process.env.MAIL_DIR;
  assert.ok(dir, "MAIL_DIR is set by scripts/browser-tests");
  for (let i = 0; i < 100; i++) {
    const names = existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith(".eml")) : [];
    const mails = names
      .map((n) => ({ at: statSync(join(dir, n)).mtimeMs, text: readFileSync(join(dir, n), "utf8") }))
      .filter((m) => m.text.includes(`To: ${to}`))
      .sort((a, b) => b.at - a.at)
      // Quoted-printable: soft line breaks and escaped equals signs.
      .map((m) => m.text.replace(/=\r?\n/g, "").replace(/=3D/g, "="));
    for (const m of mails) {
      const at = m.indexOf(prefix);
      if (at >= 0) return m.slice(at).split(/\s/)[0];
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`no email to ${to} with a link ${prefix}`);
}
