"""The web console in a real browser: Debian's headless Chromium, driven
by Selenium through chromedriver, signed in with the example person
certificates against a running gateway (docs/console.md).

Each role signs in with its own certificate, in a browser of its own (an
NSS database holding that one certificate, which Chromium presents to
https://localhost under the policy scripts/bootstrap installs). The test
then checks what each may see and what each is refused:
  - a coordinator of Derby sees the Derby child missing now, and never the
    Staffordshire child; Staffordshire's coordinator the other way round;
  - Stoke's coordinator sees an urgent alert awaiting action, with its
    deadline and no child's name, and records it as actioned: its
    deadline is cancelled and the action audited under their name;
  - an operator sees the health summary, the queues, the dead letter and
    its non-delivery notice, never a child's name, and is refused the
    reports; replaying the dead letter delivers it;
  - Derby's auditor finds the Derby child's disclosures by NHS number, and
    nothing of the Staffordshire child; each search is audited by
    pseudonym; the audit verifies;
  - an auditor, and an agency's certificate, are refused what is not theirs;
  - every page loads with its Content-Security-Policy and no inline script,
    and nothing the page asked for was blocked by it.
Screenshots of every page are kept in --artefacts.

Exit status: 0 passed, 1 failed. Nothing here asserts on time: timeouts
only keep a broken gateway from hanging the run.
"""

import argparse
import http.server
import json
import os
import shutil
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crash"))
import deployment  # noqa: E402  (tests/crash/deployment.py)

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

SOURCE = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
POLICY_FILE = "/etc/chromium/policies/managed/isagw-example-console.json"
P12_PASSWORD = "isagw-example"  # certs-example/make-certs.sh

# Two children, each in one council's area only. Their names must never
# reach the other council's coordinator, nor any operator.
DERBY_CHILD = ("Morgana", "Derwentside")
STAFFS_CHILD = ("Harper", "Stowbridge")
STOKE_CHILD = ("Linnea", "Burslemoor")
# Valid NHS numbers (check digit), one per child.
DERBY_NHS = "9990000034"
STAFFS_NHS = "9990000026"
STOKE_NHS = "9990000018"


def missing_report(force, ref, child, la, postcode, nhs=None, risk=None):
    with open(os.path.join(SOURCE, "docs", "examples", "compact", "missing-report.json")) as f:
        record = json.load(f)
    record.update({"ForceCode": force, "OccurrenceRef": ref, "MisperForename": child[0],
                   "MisperSurname": child[1], "ResponsibleLA": la, "HomePostcode": postcode,
                   "NHSNumber": nhs or (STAFFS_NHS if force == "STAFFS" else DERBY_NHS),
                   "HomeAddress": "1 Example Road"})
    if risk:
        record["RiskGrading"] = risk
    return json.dumps(record).encode()


class Receiver(http.server.ThreadingHTTPServer):
    """la-staffordshire's push endpoint: refuses (400, which kills a
    delivery at once) until told to accept; records what it accepted."""

    daemon_threads = True

    def __init__(self, certs):
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(f"{certs}/receiver.crt", f"{certs}/receiver.key")
        self.context.load_verify_locations(f"{certs}/ca.crt")
        self.context.verify_mode = ssl.CERT_REQUIRED
        self.accepting = False
        self.accepted = []
        self.refused = []
        self.lock = threading.Lock()

    def get_request(self):
        sock, address = self.socket.accept()
        return self.context.wrap_socket(sock, server_side=True,
                                        do_handshake_on_connect=False), address


class ReceiverHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        self.request.settimeout(30)
        self.request.do_handshake()
        super().setup()

    def do_POST(self):  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        delivery_id = self.headers.get("Isagw-Delivery-Id", "")
        with self.server.lock:
            accept = self.server.accepting
            (self.server.accepted if accept else self.server.refused).append(delivery_id)
        self.send_response(200 if accept else 400)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class Gateway:
    def __init__(self, isagw, certs, work, push_port):
        self.isagw, self.work = isagw, work
        self.config, self.api_port, self.admin_port = deployment.write(
            work, SOURCE, certs, push_port=push_port)
        self.db = os.path.join(work, "var", "isagw.db")
        self.certs = certs
        self.process = None

    def start(self):
        self.log = open(os.path.join(self.work, "gateway.log"), "w")
        self.process = deployment.start(self.isagw, self.config, self.admin_port, self.log)

    def stop(self):
        deployment.stop(self.process)
        if self.process is not None:
            self.log.close()

    def post(self, agency, body):
        ctx = ssl.create_default_context(cafile=f"{self.certs}/ca.crt")
        ctx.load_cert_chain(f"{self.certs}/{agency}.crt", f"{self.certs}/{agency}.key")
        request = urllib.request.Request(
            f"https://localhost:{self.api_port}/v1/messages", data=body, method="POST",
            headers={"Content-Type": "application/vnd.isagw.compact+json"})
        with urllib.request.urlopen(request, context=ctx, timeout=30) as r:
            return r.status

    def query(self, sql, *args):
        db = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30)
        try:
            return db.execute(sql, args).fetchall()
        finally:
            db.close()

    def wait_for(self, sql, *args, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rows = self.query(sql, *args)
            if rows and rows[0][0]:
                return rows
            time.sleep(0.2)
        raise AssertionError("timed out waiting for: " + sql)


class Browser:
    """Headless Chromium holding one client certificate (the person's)."""

    def __init__(self, name, certs, work, artefacts):
        self.name, self.artefacts = name, artefacts
        self.home = os.path.join(work, "browsers", name)
        nssdb = os.path.join(self.home, ".pki", "nssdb")
        os.makedirs(nssdb)
        subprocess.run(["certutil", "-N", "-d", f"sql:{nssdb}", "--empty-password"], check=True)
        p12 = os.path.join(certs, f"{name}.p12")
        if not os.path.exists(p12):  # an agency's certificate, for the refusal case
            p12 = os.path.join(self.home, f"{name}.p12")
            subprocess.run(["openssl", "pkcs12", "-export", "-in", f"{certs}/{name}.crt",
                            "-inkey", f"{certs}/{name}.key", "-passout",
                            f"pass:{P12_PASSWORD}", "-out", p12], check=True)
        subprocess.run(["pk12util", "-i", p12, "-d", f"sql:{nssdb}", "-W", P12_PASSWORD],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["certutil", "-A", "-d", f"sql:{nssdb}", "-n", "isagw example CA",
                        "-t", "C,,", "-i", f"{certs}/ca.crt"], check=True)
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                     "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                     "--window-size=1280,900", f"--user-data-dir={self.home}/profile"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        env = dict(os.environ, HOME=self.home)
        service = Service("/usr/bin/chromedriver", env=env,
                          log_path=os.path.join(self.home, "chromedriver.log"))
        self.driver = webdriver.Chrome(service=service, options=options)
        self.driver.set_page_load_timeout(30)
        self.shots = 0

    def open(self, base, path, shot):
        self.driver.get(base + path)
        return self.page(shot)

    def page(self, shot):
        self.shots += 1
        self.driver.save_screenshot(
            os.path.join(self.artefacts, f"{self.name}-{self.shots:02d}-{shot}.png"))
        return self.driver.page_source

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def console_errors(self):
        """What the page's console said at level SEVERE: a CSP violation, a
        resource that failed to load, a script error."""
        return [e["message"] for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]

    def close(self):
        self.driver.quit()


class Checks:
    def __init__(self):
        self.failures = []
        self.count = 0

    def that(self, condition, what):
        self.count += 1
        if not condition:
            self.failures.append(what)
            print("FAIL:", what, flush=True)


def check_page_hygiene(browser, checks, what):
    """No inline script, no event attributes, and nothing blocked."""
    scripts = browser.driver.find_elements(By.TAG_NAME, "script")
    checks.that(all(s.get_attribute("src") for s in scripts), f"{what}: every script has a src")
    html = browser.driver.page_source.lower()
    checks.that(" onclick=" not in html and " onload=" not in html,
                f"{what}: no event handler attributes")
    errors = browser.console_errors()
    checks.that(not errors, f"{what}: the browser reported no errors: {errors}")


def run(args):
    checks = Checks()
    if not os.path.exists(POLICY_FILE):
        print(f"{POLICY_FILE} is missing: run scripts/bootstrap", file=sys.stderr)
        return 1
    certs = os.path.abspath(args.certs)
    artefacts = os.path.abspath(args.artefacts)
    shutil.rmtree(artefacts, ignore_errors=True)
    os.makedirs(artefacts)
    work = tempfile.mkdtemp(prefix="isagw-browser-")
    receiver = Receiver(certs)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    gateway = Gateway(args.isagw, certs, work, receiver.server_address[1])
    browsers = []
    try:
        gateway.start()
        base = f"https://localhost:{gateway.api_port}"
        checks.that(gateway.post("police-derbys", missing_report(
            "DERBYS", "DB/21/2026/004411", DERBY_CHILD, "831", "DE22 3AB")) == 202,
            "the Derby report is accepted")
        checks.that(gateway.post("police-staffs", missing_report(
            "STAFFS", "ST/21/2026/004412", STAFFS_CHILD, "860", "ST16 2AB")) == 202,
            "the Staffordshire report is accepted")
        # la-staffordshire's endpoint refuses: its copy dies at once.
        dead = gateway.wait_for(
            "SELECT o.id FROM outbox o JOIN messages m ON m.id = o.message_id"
            " WHERE o.recipient = 'la-staffordshire' AND o.state = 'dead'"
            " AND m.sender = 'police-staffs'")[0][0]

        def browser(name):
            b = Browser(name, certs, work, artefacts)
            browsers.append(b)
            return b

        # ---- Derby's coordinator
        derby = browser("person-la-derby-coordinator")
        page = derby.open(base, "/console/", "home")
        checks.that("la-derby-coordinator" in page and "Derby City Council" in derby.text(),
                    "Derby's coordinator is signed in by certificate")
        check_page_hygiene(derby, checks, "coordinator home")
        derby.driver.find_element(By.LINK_TEXT, "Daily missing report").click()
        page = derby.page("daily")
        checks.that(DERBY_CHILD[1] in page, "Derby's coordinator sees the Derby child")
        checks.that(STAFFS_CHILD[1] not in page,
                    "Derby's coordinator never sees the Staffordshire child")
        check_page_hygiene(derby, checks, "daily report")
        derby.driver.find_element(By.LINK_TEXT, "KPIs").click()
        derby.page("kpis")
        check_page_hygiene(derby, checks, "KPIs")
        checks.that(len(derby.driver.find_elements(By.CSS_SELECTOR, "figure.chart svg")) > 0,
                    "the KPI page draws its charts inline")
        derby.open(base, "/console/recipients", "refused-recipients")
        checks.that("this page is for operators" in derby.text(),
                    "Derby's coordinator is refused the operators' pages")
        checks.that(gateway.query("SELECT COUNT(*) FROM audit WHERE kind = 'report_run' AND"
                                  " json_extract(body, '$.person') = 'la-derby-coordinator'"
                                  " AND json_extract(body, '$.report') = 'daily'")[0][0] >= 1,
                    "the daily report's view is audited with the coordinator's id")

        # ---- Staffordshire's coordinator
        staffs = browser("person-la-staffordshire-coordinator")
        staffs.open(base, "/console/reports/daily", "daily")
        checks.that(STAFFS_CHILD[1] in staffs.text(), "Staffordshire's coordinator sees theirs")
        checks.that(DERBY_CHILD[1] not in staffs.driver.page_source,
                    "Staffordshire's coordinator never sees the Derby child")

        # ---- Stoke's coordinator: an urgent alert, actioned from the console.
        # The example rules make a high-risk report's copies in Stoke wait
        # 30 minutes for an action.
        checks.that(gateway.post("police-staffs", missing_report(
            "STAFFS", "ST/21/2026/004413", STOKE_CHILD, "861", "ST4 1AB", nhs=STOKE_NHS,
            risk="HIGH")) == 202, "the high-risk Stoke report is accepted")
        urgent = gateway.wait_for(
            "SELECT t.subject FROM timers t JOIN outbox o ON o.id = t.subject"
            " WHERE o.recipient = 'la-stoke' AND t.kind = 'urgent_ack_business'"
            " AND t.state = 'armed'")[0][0]
        stoke = browser("person-la-stoke-coordinator")
        stoke.open(base, "/console/", "home")
        stoke.driver.find_element(By.LINK_TEXT, "Alerts awaiting action").click()
        page = stoke.page("alerts")
        rows = stoke.driver.find_elements(By.CSS_SELECTOR, f'tr[data-delivery="{urgent}"]')
        checks.that(len(rows) == 1 and "ST/21/2026/004413" in rows[0].text and
                    "due in" in rows[0].text,
                    "Stoke's coordinator sees the urgent alert with its deadline")
        for name in STOKE_CHILD:
            checks.that(name not in page, f"the alerts page names no child ({name})")
        check_page_hygiene(stoke, checks, "alerts")
        stoke.driver.find_element(By.ID, f"reference-{urgent}").send_keys("STK/2026/77")
        stoke.driver.find_element(By.ID, f"action-{urgent}").click()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not stoke.driver.find_elements(By.ID, "actioned"):
            time.sleep(0.1)
        stoke.page("alert-actioned")
        checks.that(stoke.driver.find_elements(By.ID, "actioned"),
                    "the action is confirmed on the page")
        checks.that(not stoke.driver.find_elements(By.CSS_SELECTOR,
                                                   f'tr[data-delivery="{urgent}"]'),
                    "the actioned alert has left the list")
        check_page_hygiene(stoke, checks, "alerts after the action")
        checks.that(gateway.query("SELECT COUNT(*) FROM timers WHERE subject = ?"
                                  " AND state = 'cancelled'", urgent)[0][0] == 1,
                    "the alert's deadline is cancelled")
        actioned = gateway.query("SELECT body FROM audit WHERE kind = 'delivery_actioned'"
                                 " AND json_extract(body, '$.delivery_id') = ?", urgent)
        checks.that(len(actioned) == 1 and
                    json.loads(actioned[0][0]).get("person") == "la-stoke-coordinator" and
                    "STK/2026/77" not in actioned[0][0],
                    "the action is audited once, with the coordinator's id and not the reference")
        checks.that(gateway.query("SELECT COUNT(*) FROM audit WHERE kind = 'alerts_viewed' AND"
                                  " json_extract(body, '$.person') = 'la-stoke-coordinator'")[0][0]
                    == 2, "each view of the alerts is audited with the coordinator's id")
        stoke.driver.find_element(By.LINK_TEXT, "RHIs due").click()
        stoke.page("rhi-due")
        checks.that("Return home interviews due or overdue" in stoke.text(),
                    "the coordinator's RHI page shows the interviews due")
        check_page_hygiene(stoke, checks, "RHIs due")
        derby.open(base, "/console/alerts", "alerts")
        checks.that(urgent not in derby.driver.page_source and
                    "ST/21/2026/004413" not in derby.driver.page_source,
                    "Derby's coordinator never sees Stoke's alert")

        # ---- the operator
        operator = browser("person-gateway-operator")
        operator.open(base, "/console/", "home")
        checks.that(operator.driver.find_elements(By.ID, "health"),
                    "the operator's first page is the health summary")
        dead_count = operator.driver.find_element(By.ID, "health-dead").text
        checks.that(dead_count.isdigit() and int(dead_count) >= 1 and
                    "dead letter" in operator.text(),
                    "the health summary counts the dead letter and says so")
        check_page_hygiene(operator, checks, "operator home")
        operator.driver.find_element(By.LINK_TEXT, "Non-delivery notices").click()
        page = operator.page("notices")
        notice = operator.driver.find_elements(By.CSS_SELECTOR, f'tr[data-notice="{dead}-ndn"]')
        checks.that(len(notice) == 1 and "Staffordshire Police" in notice[0].text and
                    dead in notice[0].text,
                    "the operator sees the notice telling the police of the dead letter")
        for name in DERBY_CHILD + STAFFS_CHILD + STOKE_CHILD:
            checks.that(name not in page, f"the notices page shows no name ({name})")
        check_page_hygiene(operator, checks, "notices")
        operator.open(base, "/console/recipients", "recipients")
        row = operator.driver.find_element(By.CSS_SELECTOR, 'tr[data-recipient="la-staffordshire"]')
        dead_cell = row.find_element(By.CSS_SELECTOR, "td.dead").text
        checks.that(dead_cell.isdigit() and int(dead_cell) >= 1,
                    "the operator sees la-staffordshire's dead copies counted")
        check_page_hygiene(operator, checks, "recipients")
        operator.driver.find_element(By.LINK_TEXT, "Dead letters").click()
        page = operator.page("dead-letters")
        checks.that(dead in page, "the dead letter is listed")
        for name in DERBY_CHILD + STAFFS_CHILD:
            checks.that(name not in page, f"the operator never sees a name ({name})")
        with receiver.lock:
            receiver.accepting = True
        operator.driver.find_element(By.ID, f"replay-{dead}").click()
        try:  # console.js asks first
            operator.driver.switch_to.alert.accept()
        except NoAlertPresentException:
            checks.that(False, "the replay button asks for confirmation")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not operator.driver.find_elements(By.ID, "replayed"):
            time.sleep(0.1)
        page = operator.page("replayed")
        checks.that(operator.driver.find_elements(By.ID, "replayed"),
                    "the replay is confirmed on the page")
        replay = gateway.wait_for("SELECT replayed_as FROM outbox WHERE id = ?", dead)[0][0]
        gateway.wait_for("SELECT COUNT(*) FROM outbox WHERE id = ? AND state = 'delivered'",
                         replay)
        with receiver.lock:
            checks.that(replay in receiver.accepted, "the replayed copy reached the recipient")
            checks.that(dead in receiver.refused and dead not in receiver.accepted,
                        "the dead copy itself was never delivered again")
        checks.that(gateway.query("SELECT COUNT(*) FROM audit WHERE kind = 'dead_letter_replayed'"
                                  " AND json_extract(body, '$.person') = 'gateway-operator'"
                                  " AND json_extract(body, '$.delivery_id') = ?", dead)[0][0] == 1,
                    "the replay is audited once, with the operator's id")
        operator.open(base, "/console/recipients", "recipients-after")
        for name in DERBY_CHILD + STAFFS_CHILD:
            checks.that(name not in operator.driver.page_source,
                        f"the operator's pages never show a name ({name})")
        operator.open(base, "/console/policy", "policy")
        checks.that(len(operator.driver.find_element(By.ID, "policy-hash").text) >= 16,
                    "the operator sees the policy set's hash")
        operator.open(base, "/console/metrics", "metrics")
        checks.that(operator.driver.find_elements(By.CSS_SELECTOR, "figure.chart svg") or
                    operator.driver.find_elements(By.ID, "metrics-empty"),
                    "the metrics page draws its charts, or says it has too few samples yet")
        check_page_hygiene(operator, checks, "metrics")
        operator.open(base, "/console/explain", "explain-form")
        Select(operator.driver.find_element(By.ID, "explain-format")).select_by_value("compact")
        operator.driver.find_element(By.ID, "explain-from").send_keys("police-derbys")
        operator.driver.find_element(By.ID, "explain-to").send_keys("la-derby")
        pasted = missing_report("DERBYS", "DB/21/2026/004499", DERBY_CHILD, "831",
                                "DE22 3AB").decode()
        # The textarea takes the text as a paste would, without typing it key by key.
        operator.driver.execute_script(
            "document.getElementById('explain-message').value = arguments[0];", pasted)
        operator.driver.find_element(By.ID, "explain").click()
        page = operator.page("explain-decision")
        checks.that("Allowed: police-derbys to la-derby" in operator.text(),
                    "policy explain gives the decision for the pasted message")
        checks.that(len(operator.driver.find_elements(By.CSS_SELECTOR,
                                                      "#explain-fields tbody tr")) > 5,
                    "policy explain lists the fields with their fates")
        checks.that(DERBY_CHILD[0] not in page and DERBY_CHILD[1] not in page,
                    "policy explain never shows the pasted message's values")
        check_page_hygiene(operator, checks, "policy explain")
        operator.open(base, "/console/reports/daily", "refused-report")
        checks.that("this page is for coordinators" in operator.text(),
                    "the operator is refused the reports")
        for name in DERBY_CHILD + STAFFS_CHILD:
            checks.that(name not in operator.driver.page_source,
                        f"a refusal shows no name ({name})")

        # ---- Derby's auditor: search by child, verify; and an agency's system
        auditor = browser("person-la-derby-auditor")
        auditor.open(base, "/console/", "home")
        checks.that("Audit search" in auditor.text(), "the auditor's first page offers the search")
        check_page_hygiene(auditor, checks, "auditor home")
        auditor.driver.find_element(By.LINK_TEXT, "Audit search").click()
        auditor.page("audit-form")
        check_page_hygiene(auditor, checks, "audit search form")

        def search_nhs(number, shot):
            Select(auditor.driver.find_element(By.ID, "identifier-kind")).select_by_value(
                "nhs_number")
            field = auditor.driver.find_element(By.ID, "identifier")
            field.clear()
            field.send_keys(number)
            auditor.driver.find_element(By.ID, "search").click()
            return auditor.page(shot)

        page = search_nhs(DERBY_NHS, "audit-derby-child")
        rows = auditor.driver.find_elements(By.CSS_SELECTOR, "#disclosures tbody tr")
        checks.that(len(rows) >= 1 and "la-derby" in rows[0].text,
                    "the auditor finds the Derby child's disclosures to Derby")
        checks.that(DERBY_NHS not in page and DERBY_CHILD[1] not in page,
                    "the results show neither the NHS number typed nor the child's name")
        checks.that("/console/audit" == auditor.driver.current_url[len(base):],
                    "the search leaves no identifier in the address")
        check_page_hygiene(auditor, checks, "audit results")
        search_nhs(STAFFS_NHS, "audit-staffs-child")
        checks.that("No disclosure matches." in auditor.text(),
                    "Derby's auditor finds nothing of the Staffordshire child")
        searched = gateway.query("SELECT body FROM audit WHERE kind = 'audit_searched'")
        checks.that(len(searched) == 2 and all(
            "la-derby-auditor" in body and DERBY_NHS not in body and STAFFS_NHS not in body
            for (body,) in searched), "each search is audited, by pseudonym, with the person")
        auditor.driver.find_element(By.LINK_TEXT, "Audit verification").click()
        auditor.page("audit-verify")
        checks.that("The audit verifies" in auditor.text(), "the auditor sees the audit verify")
        auditor.open(base, "/console/dead-letters", "refused")
        checks.that("this page is for operators" in auditor.text(),
                    "the auditor is refused the operators' pages")
        system = browser("la-derby")
        system.open(base, "/console/", "agency-refused")
        checks.that("not agencies' systems" in system.driver.page_source,
                    "an agency's certificate does not open the console")

        # ---- a phone-sized window: the daily report still reads
        derby.driver.set_window_size(390, 844)
        derby.open(base, "/console/reports/daily", "daily-phone")
        checks.that(DERBY_CHILD[1] in derby.driver.page_source, "the daily report on a phone")
    except Exception:  # noqa: BLE001 (report whatever broke the run)
        traceback.print_exc()
        checks.that(False, "the run completed")
    finally:
        for b in browsers:
            try:
                b.close()
            except Exception:  # noqa: BLE001
                pass
        gateway.stop()
        receiver.shutdown()
        if checks.failures:
            log = os.path.join(work, "gateway.log")
            if os.path.exists(log):
                shutil.copy(log, os.path.join(artefacts, "gateway.log"))
        shutil.rmtree(work, ignore_errors=True)
    print(f"console browser test: {checks.count - len(checks.failures)} of {checks.count} checks"
          f" passed; screenshots in {artefacts}")
    return 1 if checks.failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--isagw", required=True)
    parser.add_argument("--certs", required=True)
    parser.add_argument("--artefacts", required=True, help="where the screenshots go")
    sys.exit(run(parser.parse_args()))


if __name__ == "__main__":
    main()
