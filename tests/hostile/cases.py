"""The hostile-traffic corpus (issue 15; key-exchange groups are checked by
tests/server/tls_scan_test.py and tests/tls/tls_policy_test.cc): each case is bytes sent to a
running gateway over real mutual TLS, the answer it must get, and what it
may change in the store (hostile_test.py checks). A refused request
changes no state: at most its own audit entry.

A case's `status` is the first final status (1xx skipped) the gateway must
answer, a tuple of acceptable ones, or None when the connection must end
without an answer (a refused handshake, a cut-off client). `pointer`
names a JSON Pointer the problem's errors must include.
"""

import copy
import dataclasses
import datetime
import json
import os

SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
COMPACT = "application/vnd.isagw.compact+json"
COUNCIL = "application/vnd.isagw.council+xml"
RHI = "application/vnd.isagw.rhi+json"
NDJSON = "application/x-ndjson"
CSV = "text/csv"

# Personal data in hostile bodies: none of it may come back in an answer
# or reach the gateway's log.
SENTINELS = ("Zephyrine", "Quillfeather", "Marigold Lantern")


@dataclasses.dataclass
class Case:
    name: str
    raw: bytes = b""
    status: object = 400           # int, tuple of ints, or None
    pointer: str = None            # a pointer the problem must name
    pieces: list = None            # send in pieces, pausing between them
    pause: float = 0.0
    expect: int = 1                # responses to read
    cert: str = "police-derbys"
    sni: str = "localhost"
    tls_max: object = None         # an ssl.TLSVersion cap for old-protocol cases
    stores: bool = False           # may add a message (a valid control case)
    timeout: float = 8.0


def example(path):
    with open(os.path.join(SOURCE, path), "rb") as f:
        return f.read()


def compact_record(ref="DB/21/2026/090001"):
    """The formats example about a child of our own, reported an hour ago
    at low risk, a different child for each reference (by date of birth):
    no safeguarding timer falls due while the corpus runs (not even a
    repeat-episode one), so the store changes only by what each case
    sends."""
    now = datetime.datetime.now(datetime.timezone.utc)
    def uk(t):  # the police's local time; December is GMT
        return t.strftime("%d/%m/%Y %H:%M")
    record = json.loads(example("docs/examples/compact/formats-example.json"))
    record.update({"MisperForename": "Zephyrine", "MisperSurname": "Quillfeather",
                   "Circumstances": "stayed at the Marigold Lantern arcade",
                   "OccurrenceRef": ref, "RiskGrading": "LOW",
                   "MisperDOB": f"{1 + int(ref[-2:]) % 28:02d}/{1 + int(ref[-4:-2]) % 12:02d}/2011",
                   "ReportedDateTime": uk(now - datetime.timedelta(hours=1)),
                   "LastSeenDateTime": uk(now - datetime.timedelta(hours=2))})
    return record


_keys = iter(range(1, 10**6))


def request(method="POST", target="/v1/messages", body=b"", content_type=COMPACT, headers=(),
            length=True, version="HTTP/1.1", key=True):
    lines = [f"{method} {target} {version}", "Host: localhost"]
    if content_type is not None and method == "POST":
        lines.append(f"Content-Type: {content_type}")
    if key and method == "POST" and target in ("/v1/messages", "/v1/batches"):
        lines.append(f"Idempotency-Key: hostile-{next(_keys)}")
    if length and method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    lines.extend(headers)
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def post_json(value, content_type=COMPACT, target="/v1/messages"):
    return request(body=json.dumps(value).encode(), content_type=content_type, target=target)


def get(target, headers=()):
    return request(method="GET", target=target, headers=headers)


def framing_cases():
    ct = f"Content-Type: {COMPACT}"
    return [
        Case("smuggling: Content-Length with Transfer-Encoding",
             f"POST /v1/messages HTTP/1.1\r\nHost: localhost\r\n{ct}\r\nContent-Length: 5\r\n"
             "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n".encode()),
        Case("smuggling: two different Content-Lengths",
             f"POST /v1/messages HTTP/1.1\r\nHost: localhost\r\n{ct}\r\nContent-Length: 5\r\n"
             "Content-Length: 6\r\n\r\n{}xxxx".encode()),
        Case("smuggling: two equal Content-Lengths",
             f"POST /v1/messages HTTP/1.1\r\nHost: localhost\r\n{ct}\r\nContent-Length: 2\r\n"
             "Content-Length: 2\r\n\r\n{}".encode()),
        Case("smuggling: Transfer-Encoding gzip", f"POST /v1/messages HTTP/1.1\r\nHost: localhost\r\n"
             f"{ct}\r\nTransfer-Encoding: gzip\r\n\r\n".encode()),
        Case("smuggling: Transfer-Encoding chunked twice",
             f"POST /v1/messages HTTP/1.1\r\nHost: localhost\r\n{ct}\r\n"
             "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n".encode()),
        Case("smuggling: Transfer-Encoding with a space before the colon",
             f"POST /v1/messages HTTP/1.1\r\nHost: localhost\r\n{ct}\r\n"
             "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n".encode()),
        Case("obs-fold is unfolded into one value (RFC 9112 5.2)",
             b"GET /v1/inbox HTTP/1.1\r\nHost: localhost\r\nX-A: a\r\n b\r\n\r\n", status=200),
        Case("HTTP/1.1 without Host", b"GET /v1/inbox HTTP/1.1\r\n\r\n"),
        Case("HTTP/1.1 with two Host headers",
             b"GET /v1/inbox HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n\r\n"),
        Case("HTTP/1.0 without Host is served", b"GET /v1/inbox HTTP/1.0\r\n\r\n", status=200),
        Case("HTTP/0.9 request line", b"GET /v1/inbox\r\n\r\n"),
        Case("HTTP/2 preface on an HTTP/1.1 listener", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
        Case("bare LF line endings", b"GET /v1/inbox HTTP/1.1\nHost: localhost\n\n"),
        Case("NUL in a header value", b"GET /v1/inbox HTTP/1.1\r\nHost: localhost\r\nX-A: a\x00b\r\n\r\n"),
        Case("a header line without a colon",
             b"GET /v1/inbox HTTP/1.1\r\nHost: localhost\r\nNo colon here\r\n\r\n"),
        Case("a header name with a space",
             b"GET /v1/inbox HTTP/1.1\r\nHost: localhost\r\nX A: b\r\n\r\n"),
        Case("absolute-form target", b"GET https://localhost/v1/inbox HTTP/1.1\r\nHost: localhost\r\n\r\n"),
        Case("asterisk target", b"OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n"),
        Case("CONNECT", b"CONNECT localhost:443 HTTP/1.1\r\nHost: localhost\r\n\r\n"),
        Case("TRACE", b"TRACE /v1/inbox HTTP/1.1\r\nHost: localhost\r\n\r\n", status=405),
        Case("lower-case method", b"get /v1/inbox HTTP/1.1\r\nHost: localhost\r\n\r\n", status=(400, 405)),
        Case("a 4 KiB method", b"X" * 4096 + b" /v1/inbox HTTP/1.1\r\nHost: localhost\r\n\r\n",
             status=(400, 405, 431)),
        Case("Content-Length negative", f"POST /v1/messages HTTP/1.1\r\nHost: localhost\r\n{ct}\r\n"
             "Content-Length: -1\r\n\r\n".encode()),
        Case("Content-Length not a number", f"POST /v1/messages HTTP/1.1\r\nHost: localhost\r\n{ct}\r\n"
             "Content-Length: 1e3\r\n\r\n".encode()),
        Case("Content-Length beyond 64 bits", f"POST /v1/messages HTTP/1.1\r\nHost: localhost\r\n"
             f"{ct}\r\nContent-Length: 99999999999999999999999\r\n\r\n".encode(), status=(400, 413)),
        Case("Content-Length over the body limit", f"POST /v1/messages HTTP/1.1\r\nHost: localhost\r\n"
             f"{ct}\r\nContent-Length: 300000\r\n\r\n".encode(), status=413),
        Case("a chunk size beyond 64 bits", f"POST /v1/messages HTTP/1.1\r\nHost: localhost\r\n{ct}\r\n"
             "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n".encode(), status=(400, 413)),
        Case("a chunk size over the body limit", f"POST /v1/messages HTTP/1.1\r\nHost: localhost\r\n"
             f"{ct}\r\nTransfer-Encoding: chunked\r\n\r\n100000\r\n".encode(), status=(400, 413)),
        Case("a chunk size that is not hex", f"POST /v1/messages HTTP/1.1\r\nHost: localhost\r\n{ct}\r\n"
             "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n".encode()),
        Case("chunked body with a hostile record in two chunks",
             f"POST /v1/messages HTTP/1.1\r\nHost: localhost\r\n{ct}\r\nIdempotency-Key: chunky-1\r\n"
             "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n2\r\n1}\r\n0\r\n\r\n".encode()),
        Case("a request line over the header limit", get("/v1/inbox?" + "a" * 20000), status=(414, 431)),
        Case("one header over the header limit", get("/v1/inbox", [f"X-Big: {'b' * 20000}"]),
             status=431),
        Case("a thousand small headers", get("/v1/inbox", [f"X-H{i}: v" for i in range(1000)]),
             status=(200, 431)),
        Case("Expect: 100-continue with a hostile body, answered after the interim",
             request(body=b"{\"a\":", headers=["Expect: 100-continue"])),
        Case("Expect: 100-continue over the body limit",
             f"POST /v1/messages HTTP/1.1\r\nHost: localhost\r\n{ct}\r\nExpect: 100-continue\r\n"
             "Content-Length: 300000\r\n\r\n".encode(), status=413),
        Case("Upgrade: websocket is ignored",
             get("/v1/inbox", ["Connection: Upgrade", "Upgrade: websocket"]), status=200),
        Case("pipelining: two requests in one write",
             get("/v1/inbox") + get("/v1/inbox"), status=200, expect=2),
        Case("pipelining: a hostile request between two good ones",
             get("/v1/inbox") + request(body=b"[") + get("/v1/inbox"), status=[200, 400, 200],
             expect=3),
        Case("a request then garbage", get("/v1/inbox") + b"\x16\x03\x01garbage\r\n\r\n",
             status=[200, 400], expect=2),
        Case("a body shorter than its Content-Length, then nothing (read timeout)",
             f"POST /v1/messages HTTP/1.1\r\nHost: localhost\r\n{ct}\r\nContent-Length: 100\r\n\r\n"
             "{\"a\":1".encode(), status=None),
    ]


def slow_cases():
    head = get("/v1/inbox")
    return [
        Case("slowloris: headers a byte at a time past the read timeout",
             pieces=[head[i:i + 1] for i in range(40)], pause=0.1, status=None, timeout=10),
        Case("slowloris: a body trickled past the read timeout",
             pieces=[request(body=b"{" + b" " * 30 + b"}")[:-20]] + [b" "] * 19, pause=0.25,
             status=None, timeout=10),
        Case("a client that sends nothing after the handshake", pieces=[b""], status=None, timeout=10),
    ]


def tls_cases():
    import ssl
    inbox = get("/v1/inbox")
    return [
        Case("no client certificate", inbox, cert=None, status=None),
        Case("an expired client certificate", inbox, cert="expired", status=None),
        Case("a client certificate not yet valid", inbox, cert="future", status=None),
        Case("a revoked client certificate", inbox, cert="revoked", status=None),
        Case("a client certificate from another CA", inbox, cert="wrong-ca", status=None),
        Case("a client certificate with no SAN (the agency only in its CN)", inbox,
             cert="no-san", status=None),
        Case("the agency's SAN on another key, against a registry that pins its certificate",
             inbox, cert="other-key", status=None),
        Case("the gateway's own push-client certificate (no agency)", inbox, cert="gateway-client",
             status=None),
        Case("the server certificate used as a client certificate", inbox, cert="server",
             status=None),
        Case("TLS 1.1", inbox, tls_max=ssl.TLSVersion.TLSv1_1, status=None),
        Case("TLS 1.0", inbox, tls_max=ssl.TLSVersion.TLSv1, status=None),
        Case("an SNI of another host: identity comes from the certificate", inbox,
             sni="evil.example", status=200),
        Case("an SNI that is an address", inbox, sni="127.0.0.1", status=200),
    ]


def json_cases():
    good = json.dumps(compact_record()).encode()
    return [
        Case("empty body", request(body=b"")),
        Case("not JSON", request(body=b"Zephyrine Quillfeather")),
        Case("JSON null", request(body=b"null")),
        Case("JSON array", request(body=b"[]")),
        Case("JSON number", request(body=b"42")),
        Case("an empty object", request(body=b"{}")),
        Case("deep nesting, 50,000 levels", request(body=b"[" * 50000 + b"]" * 50000)),
        Case("deep nesting of objects", request(body=b'{"a":' * 5000 + b"1" + b"}" * 5000)),
        Case("a string of 200,000 characters", post_json(dict(compact_record(),
                                                                Circumstances="Z" * 200000))),
        Case("a body over the limit", request(body=b" " * 300000), status=413),
        Case("a number beyond a double", request(body=good[:-1] + b',"Extra":1e999999}')),
        Case("a number with 5,000 digits", request(body=good[:-1] + b',"RecordVersion2":' +
                                                    b"9" * 5000 + b"}")),
        Case("RecordVersion beyond 64 bits",
             request(body=good.replace(b'"RecordVersion": 1', b'"RecordVersion": 99999999999999999999999')),
             pointer="/RecordVersion"),
        Case("a duplicate key", request(body=good[:-1] + b',"MisperForename":"Zephyrine"}'),
             pointer="/MisperForename"),
        Case("a duplicate key with different case kept apart",
             request(body=good[:-1] + b',"misperforename":"Zephyrine"}')),
        Case("a UTF-8 byte order mark is skipped (RFC 8259 8.1)",
             request(body=b"\xef\xbb\xbf" + good), status=202, stores=True),
        Case("overlong UTF-8", request(body=good.replace(b"Zephyrine", b"Zephyr\xc0\xafne"))),
        Case("invalid UTF-8", request(body=good.replace(b"Zephyrine", b"Zephyr\xffne"))),
        Case("a lone surrogate escape", request(body=good.replace(b"Zephyrine", b"Zeph\\ud800yrine"))),
        Case("a NUL escape in a name", request(body=good.replace(b"Zephyrine", b"Zeph\\u0000yrine")),
             pointer="/MisperForename"),
        Case("a control character escape in a name",
             request(body=good.replace(b"Zephyrine", b"Zeph\\u001byrine")), pointer="/MisperForename"),
        Case("a raw control character in a string",
             request(body=good.replace(b"Zephyrine", b"Zeph\x01yrine"))),
        Case("UTF-16 body", request(body=good.decode().encode("utf-16"))),
        Case("trailing garbage after the document", request(body=good + b"xyz")),
        Case("two documents", request(body=good + good)),
        Case("a comment", request(body=b"/* Zephyrine */" + good)),
        Case("single quotes", request(body=good.replace(b'"', b"'"))),
        Case("NaN", request(body=good[:-1] + b',"N":NaN}')),
        Case("Infinity", request(body=good[:-1] + b',"N":Infinity}')),
        Case("a leading-zero number",
             request(body=good.replace(b'"RecordVersion": 1', b'"RecordVersion": 01'))),
        Case("an unknown field", post_json(dict(compact_record(), Favourite="Marigold Lantern")),
             pointer="/Favourite"),
        Case("a prototype-pollution key", post_json(dict(compact_record(), __proto__={"x": 1}))),
        Case("no Content-Type", request(body=good, content_type=None), status=415),
        Case("Content-Type text/plain", request(body=good, content_type="text/plain"), status=415),
        Case("Content-Type with a UTF-16 charset",
             request(body=good, content_type=COMPACT + "; charset=utf-16"), status=(202, 400, 415),
             stores=True),
        Case("Content-Encoding gzip", request(body=good, headers=["Content-Encoding: gzip"]),
             status=(400, 415)),
        Case("an Idempotency-Key with a space",
             request(body=good, key=False, headers=["Idempotency-Key: a b"])),
        Case("an Idempotency-Key of 1,000 characters",
             request(body=good, key=False, headers=["Idempotency-Key: " + "k" * 1000])),
        Case("a valid record is accepted (control)", request(body=json.dumps(
            compact_record("DB/21/2026/090002")).encode()), status=202, stores=True),
    ]


def compact_field_cases():
    record = compact_record()
    cases = []
    for key in sorted(record):
        if key == "RecordType":
            continue
        broken = copy.deepcopy(record)
        broken[key] = ["Zephyrine Quillfeather"]
        cases.append(Case(f"compact: {key} of the wrong type", post_json(broken), pointer=f"/{key}"))
    for key in sorted(record):
        if not isinstance(record[key], str) or key == "RecordType":
            continue
        long = copy.deepcopy(record)
        long[key] = "Zephyrine " * 1000
        cases.append(Case(f"compact: {key} of 10,000 characters", post_json(long),
                          pointer=f"/{key}"))
    for key in ("RecordType", "ForceCode", "OccurrenceRef", "RecordVersion", "RiskGrading",
                "ReportedDateTime"):
        missing = copy.deepcopy(record)
        del missing[key]
        cases.append(Case(f"compact: without {key}", post_json(missing)))
    for key in ("MisperForename", "MisperSurname"):  # a child not yet named may be reported
        missing = copy.deepcopy(record)
        del missing[key]
        missing["OccurrenceRef"] = "DB/21/2026/0900" + str(len(cases))
        cases.append(Case(f"compact: without {key}", post_json(missing), status=(202, 400),
                          stores=True))
    cases += [
        Case("compact: an unknown RecordType", post_json(dict(record, RecordType="ZEPHYRINE")),
             pointer="/RecordType"),
        Case("compact: INTELLIGENCE never flows to the gateway",
             request(body=example("docs/examples/compact/intelligence.json"))),
        Case("compact: another force's ForceCode", post_json(dict(record, ForceCode="STAFFS")),
             status=403),
        Case("compact: an impossible date", post_json(dict(record, MisperDOB="31/02/2010")),
             pointer="/MisperDOB"),
        Case("compact: a date of birth in the next century",
             post_json(dict(record, MisperDOB="01/01/2099")), pointer="/MisperDOB"),
        Case("compact: a date of birth of an adult",
             post_json(dict(record, MisperDOB="04/05/1960")), pointer="/MisperDOB"),
        Case("compact: a time in the spring-forward gap",
             post_json(dict(record, ReportedDateTime="29/03/2026 01:30"))),
        Case("compact: an NHS number failing its checksum",
             post_json(dict(record, NHSNumber="9434765918")), pointer="/NHSNumber"),
        Case("compact: a postcode of script", post_json(dict(record, HomePostcode="<script>")),
             pointer="/HomePostcode"),
    ]
    return cases


XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def xml_cases():
    good = example("docs/examples/council-xml/missing-notification.xml")
    placement = example("docs/examples/council-xml/placement-notification.xml")
    body = good.split(b"?>", 1)[1] if good.startswith(b"<?xml") else good
    def post_xml(text, **kw):
        data = text if isinstance(text, bytes) else text.encode()
        return Case(kw.pop("name"), request(body=data, content_type=COUNCIL), cert="la-derby",
                    **kw)
    lol = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    return [
        post_xml(name="XML: an internal DTD with an entity", text=XML_HEAD +
                 '<!DOCTYPE x [<!ENTITY n "Zephyrine Quillfeather">]><x>&n;</x>'),
        post_xml(name="XML: billion laughs", text=XML_HEAD +
                 f'<!DOCTYPE x [<!ENTITY l0 "lol">{lol}]><x>&l9;</x>'),
        post_xml(name="XML: quadratic blowup", text=XML_HEAD +
                 f'<!DOCTYPE x [<!ENTITY a "{"Z" * 50000}">]><x>{"&a;" * 2000}</x>'),
        post_xml(name="XML: an external entity", text=XML_HEAD +
                 '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'),
        post_xml(name="XML: an external entity over http", text=XML_HEAD +
                 '<!DOCTYPE x [<!ENTITY e SYSTEM "http://127.0.0.1:1/x">]><x>&e;</x>'),
        post_xml(name="XML: a parameter entity", text=XML_HEAD +
                 '<!DOCTYPE x [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]><x/>'),
        post_xml(name="XML: an external DTD", text=XML_HEAD +
                 '<!DOCTYPE x SYSTEM "http://127.0.0.1:1/x.dtd"><x/>'),
        post_xml(name="XML: XInclude", text=XML_HEAD +
                 '<x xmlns:xi="http://www.w3.org/2001/XInclude">'
                 '<xi:include href="file:///etc/passwd" parse="text"/></x>'),
        post_xml(name="XML: xsi:schemaLocation to elsewhere",
                 text=body.decode().replace("<CouncilEvent",
                                            '<CouncilEvent xsi:schemaLocation="urn:x http://127.0.0.1:1/x.xsd" '
                                            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"', 1)),
        post_xml(name="XML: a processing instruction", text=XML_HEAD +
                 '<?xml-stylesheet href="http://127.0.0.1:1/s.xsl"?>' + body.decode()),
        post_xml(name="XML: a character reference to NUL", text=XML_HEAD + "<x>&#0;</x>"),
        post_xml(name="XML: a character reference to U+0001", text=XML_HEAD + "<x>&#x1;</x>"),
        post_xml(name="XML: not well-formed", text=XML_HEAD + "<x><y></x>"),
        post_xml(name="XML: two root elements", text=XML_HEAD + "<x/><y/>"),
        post_xml(name="XML: text after the root", text=XML_HEAD + "<x/>Zephyrine"),
        post_xml(name="XML: deep nesting", text=XML_HEAD + "<x>" * 20000 + "</x>" * 20000),
        post_xml(name="XML: a 200,000-character attribute",
                 text=XML_HEAD + '<x a="' + "Z" * 200000 + '"/>'),
        post_xml(name="XML: 10,000 attributes",
                 text=XML_HEAD + "<x " + " ".join(f'a{i}="v"' for i in range(10000)) + "/>"),
        post_xml(name="XML: declared UTF-16", text=body.decode() if False else
                 '<?xml version="1.0" encoding="UTF-16"?>' + body.decode()),
        post_xml(name="XML: declared ISO-8859-1", text='<?xml version="1.0" encoding="ISO-8859-1"?>'
                 + body.decode()),
        post_xml(name="XML: a UTF-16 byte order mark", text=b"\xff\xfe" + body.decode().encode("utf-16-le")),
        post_xml(name="XML: wrong namespace", text=body.replace(b"urn:isagw:council", b"urn:evil")),
        post_xml(name="XML: no namespace", text=XML_HEAD + "<CouncilEvent/>"),
        post_xml(name="XML: CDATA holding markup", text=body.decode().replace(
            "</CouncilEvent>", "<![CDATA[<Child>Zephyrine</Child>]]></CouncilEvent>", 1)),
        post_xml(name="XML: a comment holding markup is only a comment",
                 text=placement.decode().replace(
                     "</CouncilEvent>", "<!-- <Child>Zephyrine</Child> --></CouncilEvent>", 1),
                 status=(202, 403), stores=True),
        post_xml(name="XML: an empty document", text=b""),
    ]


def rhi_cases():
    good = json.loads(example("docs/examples/rhi/full.json"))
    def post_rhi(name, value, **kw):
        body = value if isinstance(value, bytes) else json.dumps(value).encode()
        kw.setdefault("cert", "provider-brighter-futures")
        return Case(name, request(body=body, content_type=RHI), **kw)
    cases = []
    for key in ("form", "version", "police_reference", "child", "outcome", "returned_at"):
        missing = copy.deepcopy(good)
        del missing[key]
        cases.append(post_rhi(f"RHI: without {key}", missing))
    cases += [
        post_rhi("RHI: a wrong form name", dict(good, form="Zephyrine"), pointer="/form"),
        post_rhi("RHI: version 2", dict(good, version=2), pointer="/version"),
        post_rhi("RHI: where_stayed of 10,000 places",
                 dict(good, where_stayed=[{"description": "Marigold Lantern", "town": "Derby"}] * 10000),
                 status=(400, 413)),
        post_rhi("RHI: completed before it was offered",
                 dict(good, completed_at="2026-11-20T10:00:00Z")),
        post_rhi("RHI: a provider RHI sent by the police", json.dumps(good).encode(),
                 cert="police-derbys", status=415),
    ]
    return cases


def batch_cases():
    # Records of our own, reported an hour ago (compact_record): the
    # examples' are weeks old, and their timers would fire during the run.
    lines = [json.dumps(compact_record(f"DB/21/2026/0910{i:02d}")).encode() for i in range(3)]
    ndjson = b"\n".join(lines) + b"\n"
    csv = example("docs/examples/compact/found-batch.csv")
    def batch(body, content_type, **kw):
        return request(body=body, content_type=content_type, target="/v1/batches", **kw)
    return [
        Case("NDJSON: one bad record among good ones refuses the whole batch",
             batch(lines[0] + b"\n{\"RecordType\":\"ZEPHYRINE\"}\n" + lines[1] + b"\n", NDJSON)),
        Case("NDJSON: empty", batch(b"", NDJSON)),
        Case("NDJSON: only blank lines", batch(b"\n\n\n", NDJSON)),
        Case("NDJSON: a line that is not JSON", batch(b"Zephyrine Quillfeather\n", NDJSON)),
        Case("NDJSON: 1,001 records", batch((lines[0] + b"\n") * 1001, NDJSON), status=(400, 413)),
        Case("NDJSON: a line with a NUL", batch(lines[0][:-1] + b',"X":"\x00"}\n', NDJSON)),
        Case("NDJSON: CRLF line ends with a bad record", batch(b"{}\r\n{}\r\n", NDJSON)),
        Case("NDJSON: a byte order mark is skipped, as in one record",
             batch(b"\xef\xbb\xbf" + ndjson, NDJSON), status=202, stores=True),
        Case("NDJSON: over the batch limit", batch(b" " * 4200000, NDJSON), status=413),
        Case("NDJSON: as a single message", request(body=ndjson, content_type=NDJSON),
             status=(400, 415)),
        Case("CSV: an unterminated quote", batch(csv + b'FOUND,"Zephyrine\n', CSV)),
        Case("CSV: the header only", batch(csv.split(b"\n")[0] + b"\n", CSV)),
        Case("CSV: an extra column", batch(csv.replace(b"\n", b",Zephyrine\n", 2), CSV)),
        Case("CSV: a missing column", batch(csv.split(b"\n")[0] + b"\nFOUND,NOTTS\n", CSV)),
        Case("CSV: a NUL byte", batch(csv.replace(b"Sample", b"Sam\x00ple", 1), CSV)),
        Case("CSV: a 100,000-byte cell", batch(csv.replace(b"Sample", b"Z" * 100000, 1), CSV)),
        Case("CSV: empty", batch(b"", CSV)),
    ]


def api_cases():
    return [
        Case("an unknown route", get("/v1/zephyrine"), status=404),
        Case("a path with ..", get("/v1/inbox/../messages"), status=(400, 404)),
        Case("a percent-encoded slash in an id", get("/v1/inbox/a%2Fb"), status=(400, 404)),
        Case("an id of 1,000 characters", get("/v1/inbox/" + "d" * 1000), status=(400, 404)),
        Case("another agency's message status", get("/v1/messages/msg_does_not_exist"), status=404),
        Case("acknowledging an unknown copy",
             request(target="/v1/inbox/dlv_unknown/ack", body=b"", content_type=None),
             status=404),
        Case("an action with a body that is not JSON",
             request(target="/v1/inbox/dlv_unknown/action", body=b"Zephyrine",
                     content_type="application/json"), status=(400, 404)),
        Case("an inbox query with an unknown parameter", get("/v1/inbox?limt=5"),
             pointer="/query"),
        Case("an inbox limit of zero", get("/v1/inbox?limit=0"), pointer="/query/limit"),
        Case("an inbox limit beyond 64 bits", get("/v1/inbox?limit=99999999999999999999999"),
             pointer="/query/limit"),
        Case("an inbox cursor that is not an id", get("/v1/inbox?after=Zephyrine%20Q"),
             pointer="/query/after"),
        Case("a report of an unknown name", get("/v1/reports/zephyrine?period=2026-11"),
             status=(400, 404)),
        Case("a report with a bad period", get("/v1/reports/kpis?period=2026-13"),
             status=(400, 403)),
        Case("DELETE on the inbox", request(method="DELETE", target="/v1/inbox"), status=405),
        Case("PUT a message", request(method="PUT", target="/v1/messages", content_type=None),
             status=405),
        Case("GET on the batch route", get("/v1/batches"), status=405),
        Case("a query string on POST /v1/messages",
             request(target="/v1/messages?x=Zephyrine", body=b"{}"), status=(400, 404)),
        Case("a fragment in the target", get("/v1/inbox#Zephyrine"), status=(200, 400, 404)),
    ]


def last_cases():
    """Accepted cases whose records are weeks old: their safeguarding timers
    fall due at once, and the escalations they raise would be counted
    against the cases after them, so they come last."""
    csv = example("docs/examples/compact/found-batch.csv")
    return [
        Case("CSV: a formula in a cell is data (reports neutralise it on the way out)",
             request(body=csv.replace(b"Sample", b"=cmd|' /C calc'!A0", 1), content_type=CSV,
                     target="/v1/batches"), status=(400, 202), stores=True),
    ]


def all_cases():
    return (framing_cases() + slow_cases() + tls_cases() + json_cases() + compact_field_cases() +
            xml_cases() + rhi_cases() + batch_cases() + api_cases() + last_cases())
