// browser.mjs - mukaika-web browser scenario (run by t-web-browser.sh).
// Each step is a named check; screenshots per step in $SHOTS.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createHmac } from 'node:crypto';

const E = process.env;
const base = E.BASE;
let passed = 0, failed = 0;
function check(name, cond, info = '') {
  if (cond) passed++; else { failed++; console.log(`FAIL: ${name} ${info}`); }
}
async function shot(page, name) {
  await page.screenshot({ path: `${E.SHOTS}/${name}.png`, fullPage: true });
}
// TOTP (RFC 6238, SHA-1, 30 s, 6 digits) computed here from the key the
// enrolment page shows; a time step is never used twice (the server refuses).
const secrets = {}, lastStep = {};
function b32decode(s) {
  const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', out = [];
  let bits = 0, val = 0;
  for (const ch of s) {
    val = ((val << 5) | a.indexOf(ch)) & 0xffff;
    bits += 5;
    if (bits >= 8) { out.push((val >>> (bits - 8)) & 255); bits -= 8; }
  }
  return Buffer.from(out);
}
function totp(secret, step) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', b32decode(secret)).update(msg).digest();
  const o = mac[19] & 15;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, '0');
}
// The server takes the steps now-1..now+1: the current step (or the next,
// when the current one was used) stays valid for 30 to 60 s more, however
// slowly a loaded machine gets the code to the server; now-1 could expire
// within a second.
async function nextCode(user) {
  for (;;) {
    const now = Math.floor(Date.now() / 30000);
    const step = Math.max(now, (lastStep[user] ?? 0) + 1);
    if (step <= now + 1) { lastStep[user] = step; return totp(secrets[user], step); }
    await new Promise(r => setTimeout(r, 1000));
  }
}
// Submit a form by clicking SEL and wait until the page it leads to has
// loaded.  (waitForLoadState() alone returns at once, the current page
// being loaded already, so the next step raced the navigation.)  Every
// button clicked here submits a form: the web UI has no scripts.
async function submit(page, sel) {
  await Promise.all([page.waitForEvent('load'), page.click(sel)]);
}
// Waits and navigations are only about load (2 shared cores, ASan builds
// beside): generous, they cost nothing when things go well.
const STEP_MS = 90000;
async function newPage() {
  const ctx = await browser.newContext();
  ctx.setDefaultTimeout(STEP_MS);
  ctx.setDefaultNavigationTimeout(STEP_MS);
  return [ctx, await ctx.newPage()];
}
let mfaLogins = 0, qrShown = 0;
async function login(page, user, pw) {
  await page.goto(`${base}/login`);
  await page.fill('#user', user);
  await page.fill('#password', pw);
  await submit(page, '#submit');
  if ((await page.locator('form[action="/mfa"]').count()) === 0)
    return;
  if ((await page.locator('#secret').count()) === 1) {
    secrets[user] = (await page.textContent('#secret')).trim();
    if ((await page.locator('svg#qr path').count()) === 1) qrShown++;
    await shot(page, `00-mfa-enrol-${user}`);
  }
  await page.fill('#code', await nextCode(user));
  await submit(page, '#submit');
  mfaLogins++;
  if ((await page.locator('#recovery-codes').count()) === 1)
    await shot(page, `00-mfa-recovery-${user}`);
}
async function changePw(page, oldPw, newPw) {
  await page.fill('#old', oldPw);
  await page.fill('#new', newPw);
  await page.fill('#new2', newPw);
  await submit(page, '#submit');
}
function sql(q) {
  return execFileSync('sqlite3', [`${E.T}/state/mukaika.db`, q]).toString();
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  // 1. login page with the banner, Japanese by default
  const [opCtx, op] = await newPage();
  await op.goto(`${base}/items`);
  check('no session -> login page', op.url().endsWith('/login'), op.url());
  check('banner shown', (await op.textContent('#banner')).includes('TEST-BANNER'));
  check('Japanese by default', (await op.textContent('h1')) === 'ログイン');
  await shot(op, '01-login');

  // 2. wrong password until lockout (web.max_failed_logins = 3)
  const [, v] = await newPage();
  for (let i = 0; i < 3; i++) {
    await login(v, 'victim', 'wrong-password');
    check(`wrong password ${i + 1} refused`, (await v.locator('#login-error').count()) === 1);
  }
  await login(v, 'victim', E.VICTIM_TEMP);
  check('right password refused while locked', (await v.locator('#login-error').count()) === 1);
  await shot(v, '02-locked');

  // 3. first login with a temporary password: last login, forced change
  await login(op, 'op1', E.OP_TEMP);
  check('welcome shows first login', (await op.textContent('#prev-login')).includes('初回'));
  await shot(op, '03-welcome');
  await op.goto(`${base}/items`);
  check('temporary password forces /passwd', op.url().endsWith('/passwd'), op.url());
  check('forced-change notice', (await op.locator('#forced').count()) === 1);
  await changePw(op, E.OP_TEMP, 'short');
  check('short password refused', (await op.locator('#msg.error').count()) === 1);
  await changePw(op, E.OP_TEMP, 'operator-password-01');
  check('password changed', (await op.locator('#msg.ok').count()) === 1);
  await shot(op, '04-passwd');

  // 4. operator requests the release of the held mail
  await op.goto(`${base}/items`);
  check('held mail listed', (await op.textContent('#items')).includes(E.MAIL_ID));
  check('verdict in Japanese with its code', (await op.textContent('#items')).includes('隔離'));
  check('times shown in JST (web.time_zone default Asia/Tokyo)',
        /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d JST/.test(await op.textContent('#items')));
  await shot(op, '05-items');
  await op.goto(`${base}/item/${E.MAIL_ID}`);
  const text = await op.textContent('#text');
  check('sanitized text shown', text.includes('Hello') && !text.includes('<b>'), text);
  check('report tree shown', (await op.locator('#tree tr').count()) > 1);
  check('no script element from the original', (await op.locator('main script').count()) === 0);
  await shot(op, '06-item');
  // safe view of the held original: text only, headers, hashes, nothing runs
  const sv = await op.goto(`${base}/item/${E.MAIL_ID}/view`);
  const svCsp = (await sv.allHeaders())['content-security-policy'] ?? '';
  check('safe view: sandboxed, no images or scripts', svCsp.includes('sandbox') &&
        svCsp.includes("img-src 'none'"), svCsp);
  check('safe view: every header', (await op.textContent('#sv-headers')).includes('Message-ID'));
  check('safe view: From display name and address',
        (await op.textContent('#sv-from')).includes('sender@example.com'));
  const svText = await op.locator('pre.sv-text').first().textContent();
  check('safe view: HTML body as text', svText.includes('Hello') && !svText.includes('alert'),
        svText);
  check('safe view: no element from the original',
        (await op.locator('main script, main img, main iframe, main b').count()) === 0);
  check('safe view: sha256 of each part',
        /[0-9a-f]{64}/.test(await op.textContent('.sv-part')));
  await shot(op, '06b-safe-view');
  await op.goto(`${base}/item/${E.PPAP_ID}/view`);
  const parts = await op.locator('.sv-part').count();
  check('safe view of the PPAP mail: text part and the archive by hash only', parts === 2 &&
        (await op.textContent('.sv-part >> nth=1')).includes('application/zip'), parts);
  await op.goto(`${base}/item/${E.MAIL_ID}`);
  await op.fill('#reason', '業務で必要なため');
  await submit(op, '#request');
  check('request accepted', (await op.locator('#msg').count()) === 1, op.url());
  await op.goto(`${base}/item/${E.FILE_ID}`);
  await op.fill('#reason', 'file needed');
  await submit(op, '#request');

  // 5. the same operator cannot approve: no button, and a forged POST is refused
  await op.goto(`${base}/approvals`);
  check('no approve button for own request', (await op.locator('button[id^=approve-]').count()) === 0);
  await shot(op, '07-own-request');
  const csrf = await op.getAttribute('input[name=csrf]', 'value');
  let r = await opCtx.request.post(`${base}/request/1/approve`,
                                 { form: { csrf, confirm: '1' }, headers: { Origin: base },
                                   maxRedirects: 0, timeout: STEP_MS });
  check('operator approve POST refused', r.status() === 403, r.status());

  // 6. CSRF-less POST refused
  r = await opCtx.request.post(`${base}/item/${E.MAIL_ID}/request`,
                               { form: { reason: 'x' }, headers: { Origin: base }, maxRedirects: 0,
                                 timeout: STEP_MS });
  check('POST without CSRF token refused', r.status() === 403, r.status());

  // 7. an approver approves: the original goes to the SMTP sink and to out/
  const [, ap] = await newPage();
  await login(ap, 'ap1', E.AP_TEMP);
  await ap.goto(`${base}/dashboard`);
  await changePw(ap, E.AP_TEMP, 'approver-password-01');
  await ap.goto(`${base}/approvals`);
  await shot(ap, '08-approvals');
  for (const id of [1, 2]) {
    await submit(ap, `#approve-${id}`);
    check(`approval ${id} asks for confirmation first`,
          (await ap.textContent('#confirm-warning')).includes('取り消せません'));
    if (id === 1) await shot(ap, '08a-confirm');
    await submit(ap, '#confirm');
    check(`request ${id} approved and released`, (await ap.textContent('#msg')).includes('リリース'));
  }
  await shot(ap, '09-approved');
  const sunk = readdirSync(`${E.T}/sink`).filter(f => f.endsWith('.eml'));
  check('one mail delivered to the sink', sunk.length === 1, sunk);
  if (sunk.length) {
    const m = readFileSync(`${E.T}/sink/${sunk[0]}`, 'utf8');
    const env = readFileSync(`${E.T}/sink/${sunk[0].replace('.eml', '.env')}`, 'utf8');
    check('released-by header', m.startsWith('X-Mukaika-Released-By: ap1'), m.slice(0, 80));
    check('original body (HTML) delivered', m.includes('<b>world</b>'));
    check('original recipients', env.includes('user1@lg.example.jp') && env.includes('user2@lg.example.jp'), env);
  }
  const outDir = `${E.T}/out/owner1`;
  check('file written to out/owner1', existsSync(outDir) && readdirSync(outDir).length === 1,
        existsSync(outDir) ? readdirSync(outDir) : 'none');

  // 7b. PPAP: the operator opens the held encrypted zip with its password
  await op.goto(`${base}/item/${E.PPAP_ID}`);
  check('PPAP password form shown', (await op.locator('#archive-pw').count()) === 1);
  check('PPAP form labelled as opening the archive (not account unlock)',
        (await op.textContent('#unlock')).includes('書庫'));
  check('PPAP form posts to /item/ID/unlock',
        (await op.getAttribute('form:has(#archive-pw)', 'action')) === `/item/${E.PPAP_ID}/unlock`);
  await op.fill('#archive-pw', 'not-the-password');
  await submit(op, '#unlock');
  check('wrong archive password refused',
        (await op.textContent('#error')).includes('パスワードが違います'));
  await shot(op, '09a-unlock-wrong');
  await op.goto(`${base}/item/${E.PPAP_ID}`);
  await op.fill('#archive-pw', E.PPAP_PW);
  await submit(op, '#unlock');
  check('archive opened, result delivered', (await op.textContent('#msg')).includes('配送'),
        op.url());
  check('no password form once unlocked', (await op.locator('#archive-pw').count()) === 0);
  await shot(op, '09b-unlocked');
  const unl = readdirSync(`${E.T}/sink`).filter(f => f.endsWith('.eml'))
    .map(f => readFileSync(`${E.T}/sink/${f}`, 'utf8'))
    .filter(m => m.startsWith('X-Mukaika-Unlocked-By: op1'));
  check('sanitized PPAP mail delivered once', unl.length === 1 &&
        unl[0].includes('X-Mukaika-Status: cleaned') && !unl[0].includes(E.PPAP_PW),
        unl.length);

  // 8. dashboard chart, audit trail as admin
  await ap.goto(`${base}/dashboard`);
  check('dashboard chart', (await ap.locator('svg#chart rect').count()) === 14);
  check('dashboard counts held items and waiting requests',
        /^\d+$/.test(await ap.textContent('#held-count')) &&
        /^\d+$/.test(await ap.textContent('#pending-count')));
  await shot(ap, '10-dashboard');
  const [, ad] = await newPage();
  await login(ad, 'root', E.ADMIN_PW);
  check('admin last login shown', !(await ad.textContent('#prev-login')).includes('初回'));
  await ad.goto(`${base}/audit`);
  const audit = await ad.textContent('#audit');
  for (const w of ['login.failed', 'account.locked', 'user.passwd', 'release.request',
                   'release.approve', 'release.deliver', 'csrf.refused', 'item.unlock',
                   'login.mfa', 'mfa.enrol'])
    check(`audit shows ${w}`, audit.includes(w));
  check('audit shows the client address', audit.includes('127.0.0.1'));
  await shot(ad, '11-audit');
  await ad.goto(`${base}/users`);
  check('admin sees accounts', (await ad.textContent('#users')).includes('victim'));
  check('role list shows the current role',
        (await ad.content()).includes('<option value="approver" selected="">') ||
        (await ad.content()).includes('<option value="approver" selected>'));
  await shot(ad, '12-users');

  check('approver and admin logged in with a TOTP code', mfaLogins >= 2, mfaLogins);
  check('enrolment showed a QR code', qrShown >= 2, qrShown);

  // 9. expired session refused (last use moved back past the idle limit)
  sql("UPDATE sessions SET last_seen = last_seen - 86400 WHERE user = 'op1'");
  await op.goto(`${base}/items`);
  check('expired session -> login', op.url().endsWith('/login'), op.url());
  await ad.goto(`${base}/audit`);
  check('audit shows session.expired', (await ad.textContent('#audit')).includes('session.expired'));

  // 10. English UI
  await op.goto(`${base}/login?lang=en`);
  check('English selectable', (await op.textContent('h1')) === 'Log in');
  await shot(op, '13-english');
} catch (e) {
  failed++;
  console.log(`FAIL: exception ${e.stack}`);
  let n = 0;
  for (const c of browser.contexts())
    for (const p of c.pages()) {
      console.log(`page ${n}: ${p.url()}`);
      await p.screenshot({ path: `${E.SHOTS}/zz-failure-${n++}.png`, fullPage: true });
    }
} finally {
  await browser.close();
}
console.log(`browser.mjs: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
