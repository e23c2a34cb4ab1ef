// End-to-end: sendoc serve as a SENCo uses it, in Debian's chromium driven by
// playwright-core, with axe-core on every page and state.
//   node tests/web/e2e.mjs BUILD_DIR [--screenshots DIR]
import { chromium } from 'playwright-core';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = process.env.SENDOC_ROOT || path.resolve(HERE, '..', '..');
const BUILD = path.resolve(process.argv[2] || 'build');
const shotsAt = process.argv.indexOf('--screenshots');
const SHOTS = shotsAt > 0 ? path.resolve(process.argv[shotsAt + 1]) : null;
// the a11y kit beside the clone, else the project's copy (a user's clone has no ../shared)
const A11Y = [path.resolve(ROOT, '..', 'shared', 'a11y', 'pdfua_check.py'), path.resolve(ROOT, 'tests', 'a11y', 'pdfua_check.py')]
  .find((f) => fs.existsSync(f)) || path.resolve(ROOT, 'tests', 'a11y', 'pdfua_check.py');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

let failures = 0, checks = 0;
function check(name, cond, detail = '') {
  checks++;
  if (cond) console.log('ok    ' + name);
  else { failures++; console.log('FAIL  ' + name + (detail ? '  ' + detail : '')); }
}

// ---- the server, on a fresh workspace copied from the samples
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sendoc-e2e-'));
const ws = path.join(tmp, 'ws');
fs.mkdirSync(ws);
for (const f of ['ava-thompson.xml', 'bilal-hussain.xml', 'kacper-nowak.xml']) fs.copyFileSync(path.join(ROOT, 'samples', f), path.join(ws, f));
fs.cpSync(path.join(ROOT, 'samples', 'photos'), path.join(ws, 'photos'), { recursive: true });
const server = spawn(path.join(BUILD, 'bin', 'sendoc'), ['serve', ws, '--port', '0', '--today', '2026-11-20'],
  { env: { ...process.env, SENDOC_DATA: path.join(BUILD, 'share', 'sendoc') }, stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/open (http:\/\/\S+)/);
    if (m) resolve(m[1]);
  });
  server.on('exit', (c) => reject(new Error('server exited ' + c)));
  setTimeout(() => reject(new Error('no address printed')), 30000);
});
const base = new URL(url).origin;

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sendoc-chromium-'));
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  acceptDownloads: true,
  viewport: { width: 1100, height: 800 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const cspViolations = [];
function watch(page) {
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text()); });
  page.on('dialog', (d) => d.accept());
}

async function axe(page, state) {
  await page.evaluate(axeSource); // CDP evaluation: the page's CSP stays on
  const r = await page.evaluate(async (tags) => {
    const res = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return res.violations.map((v) => v.id + ' (' + v.nodes.length + '): ' + v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', '));
  }, TAGS);
  check('axe: 0 WCAG 2.2 AA violations: ' + state, r.length === 0, r.join(' | '));
}

async function noHorizontalScroll(page, state) {
  const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  check('200% zoom (640 px wide): no sideways scrolling: ' + state, over <= 1, over + ' px');
}

async function shot(page, name) {
  if (!SHOTS) return;
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, name), fullPage: false });
}

function pdfua(file, what) {
  if (!fs.existsSync(A11Y)) { console.log('skip  PDF/UA check of ' + what + ': no a11y kit (../shared/a11y, tests/a11y)'); return; }
  const r = spawnSync('python3', [A11Y, file], { encoding: 'utf8' });
  check('a11y kit: PDF/UA check passes: ' + what, r.status === 0, (r.stdout + r.stderr).split('\n').slice(-4).join(' / '));
}

async function download(page, locator, what) {
  const [dl] = await Promise.all([page.waitForEvent('download'), locator.click()]);
  const file = path.join(tmp, what.replace(/\W+/g, '-') + '.pdf');
  await dl.saveAs(file);
  const head = fs.readFileSync(file).subarray(0, 5).toString();
  check('downloaded a PDF: ' + what, head === '%PDF-', head);
  return file;
}

const page = await ctx.newPage();
watch(page);
try {
  // ---- the printed address turns into a session; the caseload
  await page.goto(url);
  check('printed address opens the caseload', page.url() === base + '/', page.url());
  check('caseload lists Bilal with his needs in words', await page.locator('tr', { hasText: 'Bilal' }).filter({ hasText: 'Hearing impairment' }).count() === 1);
  check('caseload shows the annual review due', (await page.locator('tr', { hasText: 'Bilal' }).innerText()).includes('Annual review on 2026-12-07'));
  await axe(page, 'caseload');
  await shot(page, 'serve-caseload.png');

  // keyboard: the first Tab reaches the skip link, Enter moves into main
  await page.keyboard.press('Tab');
  check('keyboard: first Tab is the skip link', await page.evaluate(() => document.activeElement.className) === 'skip');
  await page.keyboard.press('Enter');
  check('keyboard: skip link moves focus to main', await page.evaluate(() => document.activeElement.id) === 'main');
  const outline = await page.evaluate(() => { const a = document.querySelector('header a'); a.focus(); return getComputedStyle(a).outlineStyle; });
  check('visible focus outline', outline === 'solid', outline);

  // ---- a new case from a blank form, by keyboard
  await page.goto(base + '/new');
  await axe(page, 'new case form');
  await page.locator('#new-legal-name').focus();
  await page.keyboard.type('Amina Rahman Khan');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Amina');
  await page.fill('#new-date-of-birth', '2018-03-14');
  await page.selectOption('#new-year-group', '3');
  await page.fill('#new-home-language', 'ur');
  await page.check('#new-interpreter');
  await page.fill('#new-school', 'Oakwood Junior School');
  await page.fill('#new-senco', 'Mrs Helen Wright');
  await page.locator('#new-senco').press('Enter');
  await page.waitForURL(/\/case\/amina-rahman-khan\/edit\/child/, { timeout: 10000 }).catch(async (e) => { console.log(page.url(), (await page.locator('body').innerText()).slice(0, 500)); throw e; });
  check('new case opens its first section', true);
  check('an unfinished case lists its problems', await page.locator('.summary').count() === 1);
  await axe(page, 'editor: child, with problems');
  // the photo, with its description, through its own form
  await page.setInputFiles('#photo-file', path.join(ROOT, 'samples', 'photos', 'bilal.png'));
  await page.fill('#photo-alt', 'Drawing of Amina: a smiling girl with a purple headscarf');
  await Promise.all([page.waitForNavigation(), page.click('form[action$="/photo"] button')]);
  const withPhoto = fs.readFileSync(path.join(ws, 'amina-rahman-khan.xml'), 'utf8');
  check('photo uploaded into the workspace and named in the case with its description',
    fs.existsSync(path.join(ws, 'photos', 'amina-rahman-khan.png')) && withPhoto.includes('src="photos/amina-rahman-khan.png"') &&
    withPhoto.includes('<alt>Drawing of Amina: a smiling girl with a purple headscarf</alt>'));
  check('photo file is 0600', (fs.statSync(path.join(ws, 'photos', 'amina-rahman-khan.png')).mode & 0o777) === 0o600);

  const save = async () => { await Promise.all([page.waitForNavigation(), page.locator('form.editor button.primary').first().click()]); };
  const section = async (slug) => page.goto(base + '/case/amina-rahman-khan/edit/' + slug);

  await section('family');
  check('problems shown next to their field', await page.locator('#e-1-2 .msg, #m-1-2-0, #m-1-2-1, #m-1-2-2').count() > 0);
  await axe(page, 'editor: family, messages next to fields');
  await page.fill('#f-1-2-id', 'mum');
  await page.fill('#f-1-2-0', 'Farzana Khan');
  await page.fill('#f-1-2-1', 'mother');
  await page.fill('#f-1-2-2', 'Mrs Khan');
  await save();
  await section('school');
  await page.selectOption('#f-3', 'K');
  await save();
  await section('needs');
  await page.fill('#f-4-0-id', 'n1');
  await page.selectOption('#f-4-0-type', 'SLCN');
  await page.fill('#f-4-0', 'Amina finds it hard to follow long instructions.');
  await save();
  await section('profile');
  await page.fill('#f-5-0', 'Amina is kind and loves drawing.');
  await page.click('button[value="add/5/item"]');
  await page.waitForLoadState();
  await page.fill('#f-5-1', 'She is a fast runner.');
  await page.fill('#f-6-0', 'My cat, Biscuit.');
  await page.fill('#f-7-0', 'Show me pictures of what to do.');
  await save();
  await page.click('button[value="up/5.1"]');
  await page.waitForLoadState();
  check('reorder: the second strength moved up', (await page.inputValue('#f-5-0')) === 'She is a fast runner.');
  await axe(page, 'editor: one-page profile');
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'serve-editor.png');
  await section('views');
  await page.fill('#f-8-0', 'I like drawing best.');
  await save();
  await page.goto(base + '/case/amina-rahman-khan');
  const status = await page.locator('main').innerText();
  check('the case is valid after the forms (lint may still ask for checks)', status.includes('no problems found') || status.includes('0 problems,'), status.slice(0, 300));
  await axe(page, 'case overview');

  // ---- an Urdu translation
  await page.goto(base + '/case/amina-rahman-khan/translate?lang=ur');
  const ta = page.locator('textarea[name="tr/0.1"]');
  check('translation input has lang=ur and dir=rtl', (await ta.getAttribute('lang')) === 'ur' && (await ta.getAttribute('dir')) === 'rtl');
  const before = await page.locator('.progress').innerText();
  await ta.fill('امینہ');
  await page.fill('textarea[name="tr/5.0"]', 'وہ بہت تیز دوڑتی ہے۔');
  await page.fill('textarea[name="tr/5.1"]', 'امینہ مہربان ہے اور اسے ڈرائنگ پسند ہے۔');
  await page.fill('textarea[name="tr/6.0"]', 'میری بلی، بسکٹ۔');
  await page.fill('textarea[name="tr/7.0"]', 'مجھے تصویریں دکھائیں کہ کیا کرنا ہے۔');
  await Promise.all([page.waitForNavigation(), page.click('form[method="post"] button.primary')]);
  const after = await page.locator('.progress').innerText();
  check('fewer texts lack a translation after saving', parseInt(after) === parseInt(before) - 5, before + ' -> ' + after);
  check('the translation is kept', (await page.inputValue('textarea[name="tr/0.1"]')) === 'امینہ');
  await axe(page, 'translation view');
  await shot(page, 'serve-translate.png');
  const saved = fs.readFileSync(path.join(ws, 'amina-rahman-khan.xml'), 'utf8');
  check('case file holds the Urdu as a translation sibling', saved.includes('<preferred-name xml:lang="ur">امینہ</preferred-name>'));

  // ---- documents: a profile in Urdu, previewed, downloaded, checked
  await page.goto(base + '/docs?case=amina-rahman-khan');
  await axe(page, 'documents form');
  await page.selectOption('#d-template', 'one-page-profile');
  await page.selectOption('#d-lang', 'ur');
  await Promise.all([page.waitForNavigation(), page.click('form.docs button.primary')]);
  const img = page.locator('ol.pages img').first();
  await img.waitFor();
  check('preview shows page images', await img.evaluate((i) => i.complete && i.naturalWidth > 100));
  await axe(page, 'preview: Urdu one-page profile');
  await shot(page, 'serve-preview.png');
  pdfua(await download(page, page.locator('a.button.primary'), 'profile-ur'), 'Urdu one-page profile');

  // ---- a new home-school strategy straight to its bilingual postcard
  await page.goto(base + '/case/amina-rahman-khan/strategy');
  await axe(page, 'new strategy form');
  await page.fill('#st-title', 'Drawing together');
  await page.fill('#st-title-tr', 'مل کر ڈرائنگ');
  await page.fill('#st-what', 'Draw together for ten minutes and talk about the picture.');
  await page.fill('#st-what-tr', 'دس منٹ مل کر ڈرائنگ کریں اور تصویر کے بارے میں بات کریں۔');
  await page.fill('#st-why', 'Talking about pictures helps her learn new words.');
  await page.fill('#st-why-tr', 'تصویروں کے بارے میں بات کرنے سے وہ نئے الفاظ سیکھتی ہے۔');
  await page.fill('#st-contact', 'Mrs Wright, SENCo');
  await Promise.all([page.waitForNavigation(), page.click('form button.primary')]);
  check('strategy leads straight to the postcard preview', page.url().includes('template=postcard-try') && page.url().includes('lang=ur'), page.url());
  await page.locator('ol.pages img').first().waitFor();
  check('postcard has two pages (Urdu front, English back)', await page.locator('ol.pages img').count() === 2);
  await axe(page, 'preview: postcard');
  pdfua(await download(page, page.locator('a.button.primary'), 'postcard-ur'), 'bilingual postcard');

  // ---- a class set: several children, one PDF
  await page.goto(base + '/docs');
  for (const id of ['ava-thompson', 'kacper-nowak', 'amina-rahman-khan']) await page.check('#c-' + id);
  await Promise.all([page.waitForNavigation(), page.click('form.docs button.primary')]);
  await page.locator('ol.pages img').first().waitFor();
  check('class set: one page per child', await page.locator('ol.pages img').count() === 3);
  pdfua(await download(page, page.locator('a.button.primary'), 'class-set'), 'class set of profiles');

  // ---- a class list from a spreadsheet (Excel's "CSV UTF-8": BOM, semicolons in some locales)
  const csv = path.join(tmp, 'class.csv');
  fs.writeFileSync(csv, '\ufeffFirst name;Surname;DOB;Year;Home language;Parent;Relationship\r\n' +
    'Leo;Clarke;04/05/2017;Year 4;English;Sarah Clarke;mother\r\n' +
    'Zofia;Nowak;12/11/2016;4;Polish;Piotr Nowak;father\r\n' +
    '"Ahmed, Jr";Ali;;4;Arabic;;\r\n');
  await page.goto(base + '/import');
  await axe(page, 'import: upload');
  await page.setInputFiles('#imp-file', csv);
  await Promise.all([page.waitForNavigation(), page.click('form button.primary')]);
  check('columns guessed from the headings', (await page.inputValue('#map-last-name')) === '1' && (await page.inputValue('#map-date-of-birth')) === '2');
  await page.fill('#imp-school', 'Elmfield Primary School');
  await page.fill('#imp-senco', 'Mrs Joanne Patel');
  await Promise.all([page.waitForNavigation(), page.click('button[value="check"]')]);
  check('incomplete rows shown', await page.locator('tr.incomplete').count() === 1 && (await page.locator('tr.incomplete').innerText()).includes('date of birth'));
  await axe(page, 'import: mapping with incomplete rows');
  await Promise.all([page.waitForNavigation(), page.click('button[value="create"]')]);
  check('one case per ready child', fs.existsSync(path.join(ws, 'leo-clarke.xml')) && fs.existsSync(path.join(ws, 'zofia-nowak.xml')) && !fs.existsSync(path.join(ws, 'ahmed-jr-ali.xml')));
  await axe(page, 'import: done');
  await page.goto(base + '/');
  check('imported children on the caseload', await page.locator('tr', { hasText: 'Zofia' }).count() === 1);

  // ---- two tabs on one case: the second save is refused, nothing lost
  const tab2 = await ctx.newPage();
  watch(tab2);
  await page.goto(base + '/case/bilal-hussain/edit/child');
  await tab2.goto(base + '/case/bilal-hussain/edit/child');
  await page.fill('#f-0-4', 'he/him (tab one)');
  await save();
  await tab2.fill('#f-0-4', 'he/him (tab two)');
  const [resp] = await Promise.all([tab2.waitForNavigation(), tab2.locator('form.editor button.primary').first().click()]);
  check('two tabs: the second save gets 409', resp.status() === 409, resp.status());
  check('two tabs: it says why, in plain words', (await tab2.locator('main').innerText()).includes('someone else changed this case'));
  check('two tabs: the first save stands', fs.readFileSync(path.join(ws, 'bilal-hussain.xml'), 'utf8').includes('he/him (tab one)'));
  // what tab two typed is not lost: it is on the page, labelled, read-only, beside what is saved now
  const typed = tab2.locator('.typed textarea[readonly]');
  check('two tabs: what you typed is kept on the page to copy', await typed.count() === 1 && await typed.first().inputValue() === 'he/him (tab two)',
        await typed.count());
  check('two tabs: beside what is saved now', (await tab2.locator('.typed').innerText()).includes('Saved now: he/him (tab one)'));
  await axe(tab2, '409 conflict page');
  await tab2.close();

  // ---- every section of a full case, and the zoomed layout
  for (const slug of ['child', 'family', 'school', 'needs', 'profile', 'views', 'outcomes', 'ehcp', 'meetings', 'home-school']) {
    await page.goto(base + '/case/bilal-hussain/edit/' + slug);
    await axe(page, 'editor section ' + slug + ' (full case)');
  }
  await page.setViewportSize({ width: 640, height: 800 });
  for (const p of ['/', '/case/bilal-hussain/edit/profile', '/case/bilal-hussain/translate', '/docs']) {
    await page.goto(base + p);
    await noHorizontalScroll(page, p);
  }
  check('no Content-Security-Policy violations in the console', cspViolations.length === 0, cspViolations.join(' | '));

  // ---- the batch day's HTML report (sendoc batch --report), opened as a file
  // the way an EHCP officer opens it: the same axe-core rules as the workspace
  const rep = path.join(tmp, 'report');
  const made = spawnSync(path.join(BUILD, 'bin', 'sendoc'),
    ['batch', path.join(ROOT, 'samples'), '-o', rep, '-t', 'ehcp,one-page-profile', '--lang', 'family',
     '--report', path.join(rep, 'report.html'), '--jobs', '2'],
    { encoding: 'utf8', env: { ...process.env, SENDOC_DATA: path.join(BUILD, 'share', 'sendoc'), SOURCE_DATE_EPOCH: '1764547200' } });
  check('batch report written (some samples have no plan: exit 1)', fs.existsSync(path.join(rep, 'report.html')), made.stderr.split('\n').slice(-3).join(' / '));
  const rp = await ctx.newPage();
  await rp.goto('file://' + path.join(rep, 'report.html'));
  check('batch report: one h1, a table with column headers', await rp.locator('h1').count() === 1 && await rp.locator('th[scope="col"]').count() > 3);
  await axe(rp, 'batch report (sendoc batch --report)');
  await rp.close();
} catch (e) {
  failures++;
  console.log('FAIL  exception: ' + (e.stack || e));
} finally {
  await ctx.close();
  server.kill('SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(profile, { recursive: true, force: true });
}
console.log(`e2e: ${checks - failures} of ${checks} checks passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
