// axe-core over an HTML file in headless Chromium (batchday.sh, when
// SENDOC_AXE_DIR names a folder where `npm install axe-core puppeteer-core`
// was run): node axe-report.mjs FILE.html; exit 1 on any violation.
import fs from 'fs';
import { createRequire } from 'module';
const dir = process.env.SENDOC_AXE_DIR;
const require = createRequire(dir + '/package.json');
const puppeteer = require('puppeteer-core');
const file = process.argv[2];
const axe = fs.readFileSync(dir + '/node_modules/axe-core/axe.min.js', 'utf8');
const browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
await page.goto('file://' + file);
await page.addScriptTag({ content: axe });
const r = await page.evaluate(async () => await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'] }));
for (const v of r.violations) console.log('VIOLATION', v.id, v.impact, v.nodes.length, v.help);
console.log(`axe: ${r.passes.length} rules passed, ${r.violations.length} violations`);
await browser.close();
process.exit(r.violations.length ? 1 : 0);
