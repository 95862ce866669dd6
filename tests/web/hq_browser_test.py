#!/usr/bin/python3
"""The HQ page in a real browser: Debian's chromium, headless, driven by Debian's
python3-selenium through Debian's chromium-driver (its path given, so Selenium never downloads
one). The real sync-server on a free loopback port; real kiosk binaries push the records.

    hq_browser_test.py --server BIN --kiosk BIN --assets DIR [--screenshots DIR]

Each step is a unittest test in order. A step whose API route the server does not have yet is
skipped with the route named, never passed. Exit: 0 every step passed; 1 a step failed; 77 (CTest
SKIP_RETURN_CODE) chromium, its driver or selenium is missing, or some steps were skipped.
"""
import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
import zipfile

try:
    from selenium.common.exceptions import StaleElementReferenceException
except ImportError:  # no selenium: the test skips before any page is read
    class StaleElementReferenceException(Exception):
        pass

SKIP = 77
CHROMIUM = '/usr/bin/chromium'
DRIVER = '/usr/bin/chromedriver'
ARGS = None
PASSWORD = 'correct horse battery staple'
# Fictional people; the Arabic-script name is what the search finds.
ARABIC_NAME = 'سلمى حداد'
CASES = [
    ('OSL-1', {'case_number': 'OSL-2001', 'name_latin': 'Salma Haddad', 'name_native': ARABIC_NAME, 'status': 'open',
               'counsellor': 'Demo Counsellor', 'date_opened': '2026-11-02'}),
    ('OSL-1', {'case_number': 'OSL-2002', 'name_latin': 'Test Person Two', 'status': 'considering',
               'date_opened': '2026-11-09'}),
    ('BRG-2', {'case_number': 'BRG-3001', 'name_latin': 'Test Person Three', 'status': 'will_apply',
               'date_opened': '2026-11-16'}),
]


def intake(name_latin, name_native=''):
    answers = {'interview_date': '2026-11-10', 'name_latin': name_latin, 'sex': 'female',
               'date_of_birth_known': False, 'age_years': 34, 'nationality': 'Testland', 'languages': ['ar'],
               'interpreter_needed': False, 'legal_status': 'asylum_rejected',
               'legal_status_notes': 'Fictional record made by the browser test.',
               'documents_held': ['passport'], 'documents_notes': 'Fictional.', 'return_country': 'Testland',
               'family_travelling': False, 'vulnerabilities': ['none'], 'reintegration_interests': ['business'],
               'interests_notes': 'Fictional.'}
    if name_native:
        answers['name_native'] = name_native
    return answers


def wait_for(condition, what, timeout=60.0):
    """Polls `condition` until it returns something true; fails naming `what` at the bound."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = condition()
        except StaleElementReferenceException:
            # The page re-rendered between finding an element and reading it: look again.
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f'timed out waiting for {what}')
        time.sleep(0.05)


def run(argv, stdin=None, timeout=120):
    return subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=timeout)


class Server:
    def __init__(self, folder):
        self.db = os.path.join(folder, 'server.db')
        self.out = open(os.path.join(folder, 'server.out'), 'w+')
        self.err = open(os.path.join(folder, 'server.err'), 'w+')
        self.proc = subprocess.Popen(
            [ARGS.server, 'serve', '--db', self.db, '--listen', '127.0.0.1:0', '--forms',
             os.path.join(ARGS.assets, 'forms'), '--quiet'], stdout=self.out, stderr=self.err)

        def listening():
            if self.proc.poll() is not None:
                self.err.seek(0)
                raise AssertionError('sync-server exited: ' + self.err.read())
            self.out.seek(0)
            for line in self.out.read().splitlines():
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                if event.get('event') == 'listening':
                    return event['port']
            return None
        self.port = wait_for(listening, 'sync-server to listen', 30)
        self.url = f'http://127.0.0.1:{self.port}'

    def admin(self, *args, stdin=None):
        r = run([ARGS.server, *args, '--db', self.db], stdin=stdin)
        if r.returncode != 0:
            raise AssertionError(f'sync-server {args[0]} failed: {r.stderr}')
        return r.stdout

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Kiosk:
    def __init__(self, folder, assets=None):
        self.dir = folder
        self.assets = assets or ARGS.assets

    def cli(self, *args):
        return run([ARGS.kiosk, '--data-dir', self.dir, '--assets', self.assets, *args])

    def enroll(self, url, code):
        r = self.cli('enroll', '--server', url, '--code', code)
        assert r.returncode == 0, f'enroll failed: {r.stderr}'

    def add(self, kind, answers, case=None):
        path = os.path.join(self.dir, f'{kind}-{time.monotonic_ns()}.json')
        with open(path, 'w') as f:
            json.dump(answers, f, ensure_ascii=False)
        r = self.cli('add', '--kind', kind, '--json', path, *(['--case', case] if case else []))
        assert r.returncode == 0, f'add {kind} failed: {r.stderr}'
        return r.stdout.split('\n')[0].strip()

    def device_id(self):
        r = self.cli('status', '--json', '--timeout-ms', '2000')
        return json.loads(r.stdout)['device_id']


class Api:
    """A session of its own, only to ask which routes the server has (a missing route answers
    404 "no such route"; the gate answers 401/403/400 for the ones it has)."""

    def __init__(self, url, name):
        self.url = url
        body = json.dumps({'name': name, 'password': PASSWORD}).encode()
        req = urllib.request.Request(url + '/api/hq/v1/sign-in', body, {'Content-Type': 'application/json'})
        with urllib.request.urlopen(req, timeout=30) as res:
            self.cookie = res.headers['Set-Cookie'].split(';')[0]
            self.csrf = json.loads(res.read())['csrf_token']

    def request(self, method, path, body=None):
        data = json.dumps(body if body is not None else {}).encode() if method == 'POST' else None
        req = urllib.request.Request(self.url + '/api/hq/v1' + path, data, method=method, headers={
            'Cookie': self.cookie, 'X-CSRF-Token': self.csrf, 'Content-Type': 'application/json'})
        try:
            with urllib.request.urlopen(req, timeout=60) as res:
                return res.status, res.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def has(self, method, path):
        status, body = self.request(method, path)
        if status != 404:
            return True
        try:
            return json.loads(body)['error']['message'] != 'no such route'
        except (ValueError, KeyError, TypeError):
            return True


class HqPage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        cls.tmp = tempfile.mkdtemp(prefix='ws-hq-browser-')
        cls.server = Server(cls.tmp)
        cls.server.admin('user-add', '--name', 'hq-admin', '--role', 'admin', stdin=PASSWORD + '\n')
        cls.server.admin('user-add', '--name', 'hq-oslo-viewer', '--role', 'viewer', '--centre', 'OSL-1', stdin=PASSWORD + '\n')
        cls.server.admin('counsellor-add', '--centre', 'OSL-1', '--name', 'Demo Counsellor', stdin='246810\n')
        cls.kiosks = {}
        cls.case_ids = {}
        for centre, case in CASES:
            kiosk = cls.kiosks.get(centre)
            if not kiosk:
                kiosk = cls.kiosks[centre] = Kiosk(os.path.join(cls.tmp, 'kiosk-' + centre))
                kiosk.enroll(cls.server.url, json.loads(cls.server.admin('enroll-code', '--centre', centre))['code'])
            case_id = kiosk.add('case', case)
            cls.case_ids[case['case_number']] = case_id
            kiosk.add('intake', intake(case['name_latin'], case.get('name_native', '')), case=case_id)
        for kiosk in cls.kiosks.values():
            r = kiosk.cli('sync')
            assert r.returncode == 0, f'kiosk sync failed: {r.stderr}'
        cls.refused_record()
        cls.api = Api(cls.server.url, 'hq-admin')

        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
                     '--disable-component-update', '--disable-sync', '--no-first-run', '--lang=en-GB',
                     '--window-size=1280,800', f'--user-data-dir={os.path.join(cls.tmp, "chromium")}']:
            options.add_argument(flag)
        options.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
        cls.downloads = os.path.join(cls.tmp, 'downloads')
        os.makedirs(cls.downloads)
        cls.driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
        cls.driver.execute_cdp_cmd('Browser.setDownloadBehavior', {'behavior': 'allow', 'downloadPath': cls.downloads})
        cls.viewport(1)

    @classmethod
    def refused_record(cls):
        """A kiosk whose intake form is a version the server does not know: its record is
        refused (exit 3) and shows on the data quality page with an explanation."""
        assets = os.path.join(cls.tmp, 'assets-v2')
        shutil.copytree(ARGS.assets, assets)
        path = os.path.join(assets, 'forms', 'intake.json')
        with open(path) as f:
            form = json.load(f)
        form['version'] = 2
        with open(path, 'w') as f:
            json.dump(form, f, ensure_ascii=False)
        kiosk = Kiosk(os.path.join(cls.tmp, 'kiosk-v2'), assets)
        kiosk.enroll(cls.server.url, json.loads(cls.server.admin('enroll-code', '--centre', 'BRG-2'))['code'])
        kiosk.add('intake', intake('Test Person Four'))
        r = kiosk.cli('sync')
        assert r.returncode == 3, f'expected a refusal (exit 3): {r.returncode} {r.stderr}'

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.server.stop()
        if not os.environ.get('WS_KEEP_TEST_DIRS'):
            shutil.rmtree(cls.tmp, ignore_errors=True)

    # -- helpers ------------------------------------------------------------------------------
    @classmethod
    def viewport(cls, zoom):
        """1280x800 pixels; zoom 2 lays the page out in 640x400 CSS pixels, as at 200% zoom."""
        cls.driver.execute_cdp_cmd('Emulation.setDeviceMetricsOverride', {
            'width': 1280 // zoom, 'height': 800 // zoom, 'deviceScaleFactor': zoom, 'mobile': False})

    def need(self, method, path):
        if not self.api.has(method, path):
            self.skipTest(f'the server has no route {method} /api/hq/v1{path} yet')

    def by(self, css):
        from selenium.webdriver.common.by import By
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def one(self, css, what=None):
        return wait_for(lambda: (self.by(css) or [None])[0], what or css)

    def text_of(self, css):
        return ' '.join(e.text for e in self.by(css))

    def go(self, hash_path, heading):
        target = f'{self.server.url}/hq/#/{hash_path}'
        # The same hash again is no navigation at all: reload to see fresh data.
        if self.driver.current_url == target:
            self.driver.refresh()
        else:
            self.driver.get(target)
        wait_for(lambda: heading in self.text_of('main h1'), f'the heading "{heading}"')
        wait_for(lambda: not self.by('main p.muted') or 'Loading' not in self.text_of('main'), 'the view to load')

    def shot(self, name):
        if ARGS.screenshots:
            os.makedirs(ARGS.screenshots, exist_ok=True)
            self.driver.save_screenshot(os.path.join(ARGS.screenshots, f'hq-{name}.png'))

    def assert_clean_console(self):
        """No script error and no Content-Security-Policy violation in the browser's console."""
        bad = [e['message'] for e in self.driver.get_log('browser')
               if e['level'] == 'SEVERE' and 'Failed to load resource' not in e['message']]
        self.assertEqual(bad, [])

    def sign_in(self):
        self.driver.get(self.server.url + '/hq/')
        self.one('#sign-in input[name=name]').send_keys('hq-admin')
        self.one('#sign-in input[name=password]').send_keys(PASSWORD)
        self.one('#sign-in button[type=submit]').click()
        self.one('nav a[href="#/overview"]', 'the menu after signing in')

    # -- steps --------------------------------------------------------------------------------
    def test_01_sign_in(self):
        self.driver.get(self.server.url + '/hq/')
        self.one('#sign-in', 'the sign-in form')
        self.shot('sign-in')
        self.one('#sign-in input[name=name]').send_keys('hq-admin')
        self.one('#sign-in input[name=password]').send_keys('not the password')
        self.one('#sign-in button[type=submit]').click()
        wait_for(lambda: 'wrong' in self.text_of('#sign-in .error'), 'the wrong-password message')
        # By keyboard alone: the password, then Enter submits the form.
        from selenium.webdriver.common.keys import Keys
        self.one('#sign-in input[name=password]').send_keys(PASSWORD + Keys.ENTER)
        self.one('nav a[href="#/users"]', 'the admin menu')
        self.assertIn('hq-admin', self.text_of('header .who'))
        self.assert_clean_console()

    def test_02_overview(self):
        self.need('GET', '/overview')
        self.need('GET', '/kiosks')
        self.go('overview', 'Overview')
        devices = [k.device_id() for k in self.kiosks.values()]
        wait_for(lambda: all(d in self.text_of('table.kiosks') for d in devices), 'both kiosks in the table')
        self.assertTrue(self.by('figure.chart svg rect.chart-bar'), 'a chart with bars of pushed records')
        self.assertIn('OSL-1', self.text_of('main h2'))
        self.shot('overview')
        self.viewport(2)
        self.driver.refresh()
        self.one('figure.chart svg', 'the charts at 200% zoom')
        self.shot('overview-200')
        self.viewport(1)
        self.assert_clean_console()

    def test_03_find_case_by_arabic_name(self):
        self.need('GET', '/cases')
        self.go('cases', 'Cases')
        box = self.one('form[role=search] input[name=q]')
        box.clear()
        box.send_keys(ARABIC_NAME)
        self.one('form[role=search] button[type=submit]').click()
        wait_for(lambda: 'OSL-2001' in self.text_of('#case-results table'), 'the case found by its Arabic name')
        self.assertNotIn('OSL-2002', self.text_of('#case-results table'))
        self.assertIn(ARABIC_NAME, self.text_of('#case-results table'))
        self.shot('cases')
        self.need('GET', '/cases/' + self.case_ids['OSL-2001'])
        self.one('#case-results table a').click()
        wait_for(lambda: ARABIC_NAME in self.text_of('main h1'), 'the case page with the Arabic name')
        wait_for(lambda: self.by('article.record'), 'the records of the case')
        self.assertIn('Case number', self.text_of('dl.answers dt'))  # the form's label, not the key alone
        self.shot('case')
        self.assert_clean_console()

    def test_04_export_csv(self):
        self.need('GET', '/export?format=csv')
        self.go('export', 'Export')
        link = self.one('#export-csv')
        self.assertIn('q=', link.get_attribute('href'))  # the search's filter is exported
        self.shot('export')
        link.click()
        done = wait_for(lambda: [f for f in os.listdir(self.downloads) if not f.endswith('.crdownload')], 'the download')
        with open(os.path.join(self.downloads, done[0]), 'rb') as f:
            data = f.read()
        files = {}
        if data[:2] == b'PK':
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                files = {n: z.read(n) for n in z.namelist() if n.endswith('.csv')}
        else:
            files = {done[0]: data}
        rows = 0
        text = ''
        for content in files.values():
            self.assertTrue(content.startswith(b'\xef\xbb\xbf'), 'CSV starts with a UTF-8 BOM')
            lines = [line for line in content.decode('utf-8-sig').splitlines() if line.strip()]
            rows += len(lines) - 1
            text += content.decode('utf-8-sig')
        self.assertIn(ARABIC_NAME, text)
        self.assertNotIn('OSL-2002', text)
        self.assertGreaterEqual(rows, 1)

    def test_05_enrolment_code(self):
        self.need('POST', '/kiosks/enrolment-codes')
        self.go('kiosks', 'Kiosks')
        centre = self.one('#enrolment-form select[name=centre]')
        if centre.get_attribute('value') != 'OSL-1':
            self.driver.execute_script(
                "const s = arguments[0]; if (![...s.options].some(o => o.value === 'OSL-1')) s.add(new Option('OSL-1', 'OSL-1'));"
                " s.value = 'OSL-1';", centre)
        self.one('#enrolment-form button[type=submit]').click()
        code = wait_for(lambda: self.text_of('#enrolment-code'), 'the enrolment code')
        self.shot('kiosks')
        kiosk = Kiosk(os.path.join(self.tmp, 'kiosk-new'))
        kiosk.enroll(self.server.url, code)
        type(self).new_kiosk = kiosk
        self.assertEqual(kiosk.cli('sync').returncode, 0)
        self.assert_clean_console()

    def test_06_revoke(self):
        kiosk = getattr(type(self), 'new_kiosk', None)
        if not kiosk:
            self.skipTest('no kiosk enrolled through the page (the enrolment step did not run)')
        self.need('GET', '/kiosks')
        self.need('POST', '/kiosks/x/revoke')
        device = kiosk.device_id()
        self.go('kiosks', 'Kiosks')
        row = self.one(f'tr[data-device="{device}"]', 'the new kiosk in the list')
        row.find_element('css selector', 'button.danger').click()
        self.one(f'#confirm-revoke-{device}', 'the confirmation step')
        self.shot('kiosks-revoke')
        self.one(f'#confirm-revoke-{device}').click()
        wait_for(lambda: device in self.text_of('main .notice'), 'the revoked notice')
        r = kiosk.cli('sync')
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('revoked', r.stderr.lower())
        self.assert_clean_console()

    def test_07_publish_content(self):
        for method, path in [('POST', '/publish/check'), ('POST', '/publish'), ('GET', '/published')]:
            self.need(method, path)
        folder = os.path.join(self.tmp, 'avrr-info')
        shutil.copytree(os.path.join(ARGS.assets, 'content', 'avrr-info'), folder)
        with open(os.path.join(folder, 'bundle.json')) as f:
            bundle = json.load(f)
        bundle['version'] = 7
        with open(os.path.join(folder, 'bundle.json'), 'w') as f:
            json.dump(bundle, f, ensure_ascii=False)
        images = [os.path.join(folder, 'images', n) for n in sorted(os.listdir(os.path.join(folder, 'images')))]
        self.go('publishing', 'Publishing')
        self.driver.execute_script("arguments[0].value = 'content'", self.one('#publish-form select[name=kind]'))
        # A broken bundle first: its problem is shown by page and field, and Publish stays off.
        broken = dict(bundle)
        broken['pages'] = [dict(bundle['pages'][0], kind='no-such-kind')] + bundle['pages'][1:]
        broken_path = os.path.join(self.tmp, 'broken-bundle.json')
        with open(broken_path, 'w') as f:
            json.dump(broken, f, ensure_ascii=False)
        self.one('#publish-form input[type=file]').send_keys('\n'.join([broken_path, *images]))
        self.one('#publish-form button[type=submit]').click()
        wait_for(lambda: self.by('#publish-errors tbody tr'), 'the problems of the broken bundle')
        self.assertFalse(self.one('#publish-button').is_enabled())
        self.shot('publishing-errors')
        self.driver.execute_script("arguments[0].value = ''", self.one('#publish-form input[type=file]'))
        self.one('#publish-form input[type=file]').send_keys('\n'.join([os.path.join(folder, 'bundle.json'), *images]))
        self.one('#publish-form button[type=submit]').click()
        wait_for(lambda: self.by('#publish-result .notice') or self.by('#publish-result .error'), 'the check result')
        self.assertFalse(self.by('#publish-errors'), self.text_of('#publish-errors'))
        arabic = self.one('.bundle-pages[data-lang="ar"]')
        self.assertEqual(arabic.get_attribute('dir'), 'rtl')
        self.assertEqual(arabic.get_attribute('lang'), 'ar')
        self.driver.execute_script("document.querySelectorAll('details.bundle-lang')[4].open = true")
        self.shot('publishing')
        self.one('#publish-button').click()
        wait_for(lambda: 'version 7' in self.text_of('#publish-result .notice'), 'the published notice')
        kiosk = self.kiosks['OSL-1']
        r = kiosk.cli('sync')
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(kiosk.dir, 'content', 'current', 'bundle.json')) as f:
            self.assertEqual(json.load(f)['version'], 7)
        self.assert_clean_console()

    def test_08_other_pages(self):
        pages = [('quality', 'Data quality', 'GET', '/refused'), ('counsellors', 'Counsellor accounts', 'GET', '/counsellors'),
                 ('users', 'HQ users', 'GET', '/users'), ('audit', 'Audit log', 'GET', '/audit'),
                 ('password', 'Change your password', 'GET', '/me')]
        missing = []
        for view, heading, method, path in pages:
            if not self.api.has(method, path):
                missing.append(f'{method} /api/hq/v1{path}')
                continue
            self.go(view, heading)
            self.assertFalse(self.by('main .error'), self.text_of('main .error'))
            if view == 'quality':
                wait_for(lambda: 'intake' in self.text_of('#refused'), 'the refused record')
            self.shot(view)
        self.assert_clean_console()
        if missing:
            self.skipTest('pages not shown, the server has no route ' + ', '.join(missing) + ' yet')

    def test_09_norwegian_and_sign_out(self):
        self.go('overview', 'Overview') if self.api.has('GET', '/overview') else self.driver.get(self.server.url + '/hq/')
        self.one('.lang-switch button[lang=nb]').click()
        wait_for(lambda: 'Logg ut' in self.text_of('#sign-out'), 'the Norwegian strings')
        self.assertEqual(self.driver.execute_script('return document.documentElement.lang'), 'nb')
        self.one('.lang-switch button[lang=en]').click()
        self.one('#sign-out').click()
        self.one('#sign-in', 'the sign-in form after signing out')
        self.driver.refresh()
        self.one('#sign-in', 'no session after a reload')
        self.assert_clean_console()


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument('--server', required=True)
    parser.add_argument('--kiosk', required=True)
    parser.add_argument('--assets', required=True)
    parser.add_argument('--screenshots', default='')
    ARGS = parser.parse_args()
    for path, package in [(CHROMIUM, 'chromium'), (DRIVER, 'chromium-driver')]:
        if not os.access(path, os.X_OK):
            print(f'SKIPPED: {path} is missing (apt-get install {package}, or run scripts/setup)')
            return SKIP
    try:
        import selenium  # noqa: F401
    except ImportError:
        print('SKIPPED: python3-selenium is missing (apt-get install python3-selenium, or run scripts/setup)')
        return SKIP
    result = unittest.main(argv=[sys.argv[0], '-v'], exit=False).result
    if not result.wasSuccessful():
        return 1
    if result.skipped:
        for test, reason in result.skipped:
            print(f'SKIPPED STEP {test.id().split(".")[-1]}: {reason}')
        return SKIP
    return 0


if __name__ == '__main__':
    sys.exit(main())
