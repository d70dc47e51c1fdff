"""A small xAPI client for the conformance tests, and builders for statements, documents,
multipart bodies and JSON web signatures. Written for these tests from the xAPI 1.0.3 / 2.0
specification; it shares no code with the LRS under test.
"""

import base64
import copy
import hashlib
import json
import re
import secrets
import time
import uuid
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import requests

VERSIONS = ("1.0.3", "2.0.0")
TIMEOUT = 30

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
ATTACHMENT_USAGE = "http://kakehashi.test/xapi/attachment-usage/worksheet"
DELETE = object()  # marker for mutate(): remove the property


# --- identifiers ----------------------------------------------------------------------------------

def uid():
    return str(uuid.uuid4())


def activity_id(kind="activity"):
    return f"http://kakehashi.test/xapi/{kind}/{uid()}"


def mbox():
    return f"mailto:{uid()}@example.org"


def agent(name="テスト 生徒", **ifi):
    a = {"objectType": "Agent"}
    if name is not None:
        a["name"] = name
    a.update(ifi or {"mbox": mbox()})
    return a


def account_agent():
    return {"objectType": "Agent", "account": {"homePage": "https://kakehashi.test", "name": uid()}}


def group(members=None, **ifi):
    g = {"objectType": "Group", "name": "班 A"}
    if members is not None:
        g["member"] = members
    g.update(ifi)
    return g


def verb(vid=EXPERIENCED, **display):
    return {"id": vid, "display": display or {"en-US": "experienced", "ja-JP": "経験した"}}


def activity(aid=None, **definition):
    a = {"objectType": "Activity", "id": aid or activity_id()}
    a["definition"] = definition or {
        "name": {"en-US": "Kanji drill", "ja-JP": "漢字ドリル"},
        "description": {"en-US": "Grade 3 kanji", "ja-JP": "3年生の漢字"},
        "type": "http://adlnet.gov/expapi/activities/assessment",
    }
    return a


def statement(actor=None, verb_=None, obj=None, with_id=True, **extra):
    """A valid statement with a fresh agent and activity (and a fresh id unless with_id=False)."""
    s = {
        "actor": actor or agent(),
        "verb": verb_ or verb(),
        "object": obj or activity(),
    }
    if with_id:
        s["id"] = uid()
    s.update(extra)
    return s


def voiding(target_id, actor=None):
    return statement(actor=actor, verb_=verb(VOIDED, **{"en-US": "voided"}),
                     obj={"objectType": "StatementRef", "id": target_id})


def mutate(doc, path, value=DELETE):
    """A deep copy of doc with the dotted path (list indices as numbers) set, or removed."""
    out = copy.deepcopy(doc)
    keys = [int(k) if k.isdigit() else k for k in path.split(".")]
    target = out
    for k in keys[:-1]:
        if isinstance(target, dict) and k not in target:
            target[k] = {}
        target = target[k]
    if value is DELETE:
        del target[keys[-1]]
    else:
        target[keys[-1]] = copy.deepcopy(value)
    return out


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def sha1_hex(data):
    return hashlib.sha1(data).hexdigest()


def parse_timestamp(value):
    """An ISO 8601 / RFC 3339 timestamp as an aware datetime (raises ValueError otherwise)."""
    assert isinstance(value, str), f"a timestamp must be a string, not {value!r}"
    v = value.strip()
    if v.endswith("Z") or v.endswith("z"):
        v = v[:-1] + "+00:00"
    m = re.match(r"^(.*[T ]\d\d:\d\d:\d\d)(\.\d+)?([+-]\d\d:?\d\d)?$", v)
    if not m:
        raise ValueError(f"not an ISO 8601 date-time: {value!r}")
    base, frac, tz = m.groups()
    frac = (frac or ".0")[:7]  # Python keeps microseconds
    tz = tz or "+00:00"
    if len(tz) == 5:
        tz = tz[:3] + ":" + tz[3:]
    dt = datetime.fromisoformat(base.replace(" ", "T") + frac + tz)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt


def iso_now():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def http_date(value):
    return parsedate_to_datetime(value)


def describe(response):
    """A short description of an HTTP exchange for assertion messages."""
    req = response.request
    body = req.body
    if isinstance(body, bytes):
        body = body[:400].decode("utf-8", "replace")
    elif isinstance(body, str):
        body = body[:400]
    return (f"{req.method} {req.url}" + (f" body={body!r}" if body else "")
            + f" → {response.status_code} {response.headers.get('Content-Type', '')!r} "
              f"{response.text[:500]!r}")


def expect_status(response, expected, why):
    """Assert the status code; `why` says what the request was, for the message."""
    allowed = expected if isinstance(expected, (tuple, list, set)) else (expected,)
    assert response.status_code in allowed, (
        f"expected HTTP {' or '.join(map(str, allowed))} for {why}; got: {describe(response)}")
    return response


# --- multipart/mixed ------------------------------------------------------------------------------

class Part:
    def __init__(self, content, content_type="text/plain", hash_=None, headers=None, binary=True):
        self.content = content if isinstance(content, bytes) else content.encode("utf-8")
        self.headers = {"Content-Type": content_type}
        if binary:
            self.headers["Content-Transfer-Encoding"] = "binary"
        h = sha256_hex(self.content) if hash_ is None else hash_
        if h is not False:
            self.headers["X-Experience-API-Hash"] = h
        if headers:
            self.headers.update(headers)
        self.headers = {k: v for k, v in self.headers.items() if v is not None}

    @property
    def sha2(self):
        return sha256_hex(self.content)


def multipart(first, parts, boundary=None, first_type="application/json"):
    """(body bytes, Content-Type header) of a multipart/mixed request: `first` (statements as
    JSON or raw bytes) then the attachment parts."""
    boundary = boundary or "xapi-" + secrets.token_hex(12)
    first_bytes = first if isinstance(first, bytes) else json.dumps(first, ensure_ascii=False).encode("utf-8")
    chunks = [f"--{boundary}\r\n".encode()]
    if first_type is not None:
        chunks.append(f"Content-Type: {first_type}\r\n".encode())
    chunks += [b"\r\n", first_bytes, b"\r\n"]
    for p in parts:
        chunks.append(f"--{boundary}\r\n".encode())
        for k, v in p.headers.items():
            chunks.append(f"{k}: {v}\r\n".encode())
        chunks += [b"\r\n", p.content, b"\r\n"]
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/mixed; boundary={boundary}"


def parse_multipart(response):
    """[(headers dict with lower-case names, body bytes)] of a multipart/mixed response."""
    ctype = response.headers.get("Content-Type", "")
    assert ctype.lower().startswith("multipart/mixed"), f"expected multipart/mixed; got {describe(response)}"
    m = re.search(r'boundary="?([^";]+)"?', ctype)
    assert m, f"multipart/mixed without a boundary parameter: {ctype!r}"
    delimiter = b"--" + m.group(1).encode()
    body = response.content
    pieces = body.split(delimiter)
    parts = []
    for piece in pieces[1:]:
        if piece.startswith(b"--"):
            break
        piece = piece[2:] if piece.startswith(b"\r\n") else piece.lstrip(b"\n")
        head, sep, content = piece.partition(b"\r\n\r\n")
        if not sep:
            head, sep, content = piece.partition(b"\n\n")
        if content.endswith(b"\r\n"):
            content = content[:-2]
        elif content.endswith(b"\n"):
            content = content[:-1]
        headers = {}
        for line in head.decode("utf-8", "replace").splitlines():
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        parts.append((headers, content))
    return parts


def attachment_meta(part, usage=ATTACHMENT_USAGE, **extra):
    meta = {
        "usageType": usage,
        "display": {"en-US": "Worksheet", "ja-JP": "ワークシート"},
        "contentType": part.headers["Content-Type"],
        "length": len(part.content),
        "sha2": part.sha2,
    }
    meta.update(extra)
    return meta


# --- JSON web signatures (RFC 7515 compact serialization) -----------------------------------------

def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


_RSA_KEY = None


def rsa_key():
    global _RSA_KEY
    if _RSA_KEY is None:
        from cryptography.hazmat.primitives.asymmetric import rsa
        _RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return _RSA_KEY


_CERT = None


def certificate_der():
    """A self-signed X.509 certificate (DER) for rsa_key(), for the JWS x5c header."""
    global _CERT
    if _CERT is None:
        from datetime import timedelta
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.x509.oid import NameOID
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kakehashi xapi conformance tests")])
        now = datetime.now(timezone.utc)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                .public_key(rsa_key().public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
                .sign(rsa_key(), hashes.SHA256()))
        _CERT = cert.public_bytes(serialization.Encoding.DER)
    return _CERT


def jws(payload, alg="RS256", header=None, x5c=False):
    """A compact JWS over payload (a dict is serialized as JSON; bytes are used as they are);
    x5c=True puts the signing certificate in the header, so that the LRS must verify it."""
    from cryptography.hazmat.primitives import hashes, hmac
    from cryptography.hazmat.primitives.asymmetric import padding
    head = {"alg": alg}
    if x5c:
        head["x5c"] = [base64.b64encode(certificate_der()).decode()]
    if header:
        head.update(header)
    body = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode("utf-8")
    signing_input = f"{b64url(json.dumps(head).encode())}.{b64url(body)}".encode()
    if alg.startswith("RS"):
        digest = {"RS256": hashes.SHA256(), "RS384": hashes.SHA384(), "RS512": hashes.SHA512()}[alg]
        sig = rsa_key().sign(signing_input, padding.PKCS1v15(), digest)
    elif alg.startswith("HS"):
        mac = hmac.HMAC(b"a shared secret that xAPI does not allow", hashes.SHA256())
        mac.update(signing_input)
        sig = mac.finalize()
    elif alg == "none":
        sig = b""
    else:
        raise ValueError(alg)
    return signing_input.decode() + "." + b64url(sig)


def signed_statement(stmt, alg="RS256", payload=None, content_type="application/octet-stream", token=None,
                     x5c=False):
    """(statement with its signature attachment, the signature Part): the JWS payload is the
    statement before the attachment was added unless `payload` says otherwise."""
    token = token if token is not None else jws(payload if payload is not None else stmt, alg, x5c=x5c)
    part = Part(token.encode() if isinstance(token, str) else token, content_type=content_type)
    s = copy.deepcopy(stmt)
    s["attachments"] = [attachment_meta(part, usage=SIGNATURE_USAGE, display={"en-US": "Signature"})]
    return s, part


# --- the client -----------------------------------------------------------------------------------

class LRS:
    """An xAPI client bound to one LRS base URL, one set of credentials and one version."""

    def __init__(self, base_url, key, secret, version="1.0.3", server_base=None):
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.key, self.secret = key, secret
        self.version = version
        self.server_base = server_base or self.base_url
        self.session = requests.Session()

    def __repr__(self):
        return f"LRS({self.base_url}, version={self.version})"

    def with_version(self, version):
        return LRS(self.base_url, self.key, self.secret, version, self.server_base)

    def with_auth(self, key, secret):
        return LRS(self.base_url, key, secret, self.version, self.server_base)

    @property
    def v2(self):
        return self.version.startswith("2.")

    def url(self, resource):
        return urljoin(self.base_url, resource.lstrip("/"))

    def request(self, method, resource, params=None, json_body=None, data=None, headers=None,
                version=None, auth=True, content_type=None):
        """One request. version=False leaves the version header out; auth=False leaves out
        credentials; auth=(key, secret) uses those."""
        h = {}
        v = self.version if version is None else version
        if v is not False:
            h["X-Experience-API-Version"] = v
        if json_body is not None:
            data = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
            h["Content-Type"] = "application/json"
        if content_type is not None:
            h["Content-Type"] = content_type
        if headers:
            h.update(headers)
        h = {k: val for k, val in h.items() if val is not None}
        a = None
        if auth is True:
            a = (self.key, self.secret)
        elif isinstance(auth, tuple):
            a = auth
        url = resource if resource.startswith("http") else self.url(resource)
        return self.session.request(method, url, params=params, data=data, headers=h, auth=a,
                                    timeout=TIMEOUT, allow_redirects=False)

    # statements
    def post_statements(self, body, **kw):
        return self.request("POST", "statements", json_body=body, **kw)

    def put_statement(self, stmt, statement_id=None, **kw):
        sid = statement_id if statement_id is not None else stmt["id"]
        return self.request("PUT", "statements", params={"statementId": sid}, json_body=stmt, **kw)

    def store(self, *stmts):
        """POST the statements (one request); assert 200; return the ids."""
        body = stmts[0] if len(stmts) == 1 else list(stmts)
        r = self.post_statements(body)
        expect_status(r, 200, f"POST of {len(stmts)} valid statement(s)")
        ids = r.json()
        assert isinstance(ids, list) and len(ids) == len(stmts), f"expected an array of {len(stmts)} ids; got {r.text}"
        return ids

    def get_statements(self, auth=True, version=None, headers=None, **params):
        return self.request("GET", "statements", params=_encode_params(params), auth=auth, version=version,
                            headers=headers)

    def get_statement(self, statement_id, **params):
        return self.request("GET", "statements", params=_encode_params(dict(statementId=statement_id, **params)))

    def fetch(self, statement_id, **params):
        r = self.get_statement(statement_id, **params)
        expect_status(r, 200, f"GET of stored statement {statement_id}")
        return r.json()

    def query(self, **params):
        r = self.get_statements(**params)
        expect_status(r, 200, f"GET statements with {params}")
        return r.json()

    def follow_more(self, more):
        """GET the `more` IRL (a path on the LRS' host)."""
        return self.request("GET", urljoin(self.server_base, more))

    def query_all(self, max_pages=100, **params):
        """Every statement of a query, following `more` to the end; returns (statements, pages)."""
        result = self.query(**params)
        statements = list(result["statements"])
        pages = 1
        while result.get("more"):
            assert pages < max_pages, f"`more` was still not empty after {max_pages} pages"
            r = self.follow_more(result["more"])
            expect_status(r, 200, f"GET of the more IRL {result['more']!r}")
            result = r.json()
            statements += result["statements"]
            pages += 1
        return statements, pages

    # documents
    def doc(self, method, resource, params, body=None, content_type=None, headers=None, **kw):
        if isinstance(body, (dict, list)):
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            content_type = content_type or "application/json"
        else:
            data = body.encode("utf-8") if isinstance(body, str) else body
        return self.request(method, resource, params=_encode_params(params), data=data,
                            content_type=content_type, headers=headers, **kw)


def _encode_params(params):
    """Query parameters: dicts (agents) as JSON, booleans as true/false."""
    out = {}
    for k, v in params.items():
        if v is None:
            continue
        if isinstance(v, (dict, list)):
            out[k] = json.dumps(v, ensure_ascii=False)
        elif isinstance(v, bool):
            out[k] = "true" if v else "false"
        else:
            out[k] = v
    return out


def ids_of(statements):
    return [s["id"] for s in statements]


def pause():
    """A short pause so that two requests get distinct millisecond timestamps."""
    time.sleep(0.02)


# --- document resources --------------------------------------------------------------------------

class DocResource:
    """One of the three document resources: its path, fresh parameters, and the name of the
    parameter that names one document."""

    def __init__(self, name, path, id_param, scope):
        self.name, self.path, self.id_param, self.scope = name, path, id_param, scope

    def __repr__(self):
        return self.name

    def scope_params(self):
        """Fresh parameters naming a new, empty set of documents (without the document id)."""
        if self.scope == "state":
            return {"activityId": activity_id(), "agent": {"objectType": "Agent", "mbox": mbox()}}
        if self.scope == "activity":
            return {"activityId": activity_id()}
        return {"agent": {"objectType": "Agent", "mbox": mbox()}}

    def params(self, doc_id=None):
        p = self.scope_params()
        p[self.id_param] = doc_id or "doc-" + uid()
        return p


STATE = DocResource("state", "activities/state", "stateId", "state")
ACTIVITY_PROFILE = DocResource("activity profile", "activities/profile", "profileId", "activity")
AGENT_PROFILE = DocResource("agent profile", "agents/profile", "profileId", "agent")
DOC_RESOURCES = (STATE, ACTIVITY_PROFILE, AGENT_PROFILE)


def new_document():
    return {"name": uid(), "location": {"name": uid(), "学年": 3}, uid(): uid()}
