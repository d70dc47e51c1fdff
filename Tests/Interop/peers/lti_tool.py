"""An LTI 1.3 Advantage *tool* for Kakehashi's interop tests, built on pylti1p3 and Flask.

It is a real, independent peer: launches are validated by pylti1p3 (``FlaskOIDCLogin``,
``FlaskMessageLaunch``, ``FlaskRequest``, ``FlaskCacheDataStorage``), its Deep Linking
response, AGS score and NRPS calls are pylti1p3's own, and its configuration is a pylti1p3
``ToolConfDict`` rebuilt from the registrations it holds. It shares no code with Kakehashi.
Only LTI Dynamic Registration 1.0 (which pylti1p3 lacks) is written here by hand.

Run::

    python lti_tool.py --port 0

With ``--port 0`` the system picks a free port. Either way the first line printed on stdout is
``PORT <number>``; the tool's base URL is exactly ``http://127.0.0.1:<number>``.

The tool generates an RSA key pair at start (RS256, kid = the JWK thumbprint) and serves the
public half at ``/jwks``.

LTI endpoints
  GET|POST /login     OIDC third-party initiated login; redirects to the platform's auth endpoint
                      with redirect_uri = <base>/launch.
  POST /launch        The redirect URI. pylti1p3 validates the id_token (state cookie, nonce,
                      registration, signature by kid, deployment, message). A resource link
                      launch answers JSON (below); a Deep Linking request answers pylti1p3's
                      auto-submitting response form with one ltiResourceLink and a line item
                      (scoreMaximum 100, label "テスト1"). A platform error posted back
                      (``error``/``error_description``/``state``, no id_token) answers 400 JSON
                      ``{"platform_error": ..., "error_description": ..., "state": ...}``.
                      pylti1p3 does not consume nonces; this tool does (a second launch with the
                      same id_token nonce answers 400 ``{"error": "replayed id_token ..."}``).
  POST /score         JSON {launch_id, user_id, score[, score_maximum, lineitem, comment,
                      activity_progress, grading_progress, timestamp]}: pylti1p3's AGS
                      ``put_grade`` to the launch's line item (or the given one).
  POST /results       JSON {launch_id[, lineitem]}: pylti1p3's ``get_grades``.
  POST /lineitems     JSON {launch_id}: pylti1p3's ``get_lineitems`` (follows Link paging).
  POST /members       JSON {launch_id[, limit, role, rlid]}: every NRPS page through pylti1p3,
                      following the Link header; answers {members, pages, page_urls,
                      link_headers, context}.
  POST /xapi/statement
                      JSON {launch_id[, verb, score, score_maximum, success, response, duration,
                      activity, name, course_of_study_code, grade, subject, unit,
                      assessment_type, registration, statement_id, scopes, batch, sub]}, or
                      {issuer, client_id, sub, …} without a launch: writes a
                      statement about the launched user to the platform's LRS. The bearer token
                      comes from pylti1p3's ServiceConnector (client assertion at the token
                      endpoint, scope ``urn:kakehashi:scope:xapi`` unless ``scopes`` says
                      otherwise); the statement's actor is ``{"account": {"homePage": iss,
                      "name": sub}}`` of the launch, verb answered (default), completed or
                      attempted, object an activity of this tool with a Japanese name, result
                      with score, context with registration, platform, language ja-JP, the
                      launch's class and resource link, and the Japan xAPI profile extensions
                      (``https://w3id.org/japan-xapi/extensions/course-of-study-code`` …). It
                      is POSTed to ``{iss}/xapi/statements`` with ``X-Experience-API-Version:
                      1.0.3``. Answers 200 JSON {statement, url, scope, lrs_status, lrs_body,
                      lrs_headers} whatever the LRS said; a refused token request answers 502
                      as other service calls do.
  POST /xapi/statements/get
                      JSON {launch_id | issuer + client_id, params[, scopes, version]}: GET
                      ``{iss}/xapi/statements`` with ``params`` (a dict; an ``agent`` given as a
                      dict is sent as JSON) and a bearer token as above; answers the same
                      shape ({url, scope, lrs_status, lrs_body, lrs_headers}). With issuer and
                      client_id no launch is needed (a registration without any launch, e.g.
                      in another tenant).
  GET  /register      LTI Dynamic Registration 1.0 (tool side, by hand): reads
                      ``openid_configuration`` and ``registration_token``, fetches the platform
                      configuration, POSTs the client registration with the bearer token, keeps
                      the returned client_id/deployment_id, and answers a page that posts
                      ``{subject: "org.imsglobal.lti.close"}`` to its parent.
  GET  /jwks          The tool's public keys.

Errors from pylti1p3 answer 400 JSON ``{"error": "<exception text>", "stage": ...}``; a
service call the platform refused answers 502 JSON ``{"error", "platform_status",
"platform_body", "url"}``.

Test-only endpoints
  GET  /test/config             registrations held, dynamic registration exchanges, key ids,
                                login requests seen.
  POST /test/register-platform  JSON {issuer, client_id, deployment_ids, auth_login_url,
                                auth_token_url, key_set_url, auth_audience}: the CLI path.
  POST /test/next-deep-link     JSON {title?, label?, score_maximum?, aud_as_string?, custom?,
                                tag?, type?, data?} for the next Deep Linking response (applies
                                once; ``data`` replaces the echoed data claim, null drops it).
  POST /test/assertion          JSON {client_id, aud, kid?, jti?, foreign_key?, iss?, sub?,
                                exp_in?}: a client assertion (RFC 7523) signed with the tool's
                                current key, or another key (``foreign_key``), for negative
                                token tests.
  POST /test/rotate-key         publish a new key (the old one stays in /jwks unless
                                ``{"drop_old": true}``) and sign with it from now on.
  POST /test/next-registration  JSON overrides for the next Dynamic Registration request body.
"""

import argparse
import copy
import datetime
import json
import secrets
import sys
import threading
import time
import uuid
from html import escape
from urllib.parse import quote, urlsplit

import jwt  # PyJWT, as pylti1p3 uses
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, jsonify, make_response, request
from werkzeug.serving import make_server

from pylti1p3.contrib.flask import (
    FlaskCacheDataStorage,
    FlaskMessageLaunch,
    FlaskOIDCLogin,
    FlaskRequest,
)
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, LtiServiceException, OIDCException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.registration import Registration
from pylti1p3.service_connector import ServiceConnector
from pylti1p3.tool_config import ToolConfDict
from pylti1p3.utils import add_param_to_url

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
DL_DATA = "https://purl.imsglobal.org/spec/lti-dl/claim/data"
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
]


# Kakehashi's LRS scope (docs/STANDARDS.md, "xAPI 1.0.3 and 2.0"): asked for at registration like
# the AGS and NRPS scopes, then in the client-credentials token request.
XAPI_SCOPE = "urn:kakehashi:scope:xapi"
XAPI_VERSION = "1.0.3"
JAPAN_EXTENSION = "https://w3id.org/japan-xapi/extensions/"
JAPAN_CORE_PROFILE = "https://w3id.org/japan-xapi/profiles/core"
PLATFORM_NAME = "漢字ドリル (pylti1p3)"
VERBS = {
    "answered": ("http://adlnet.gov/expapi/verbs/answered", "解答した"),
    "completed": ("http://adlnet.gov/expapi/verbs/completed", "完了した"),
    "attempted": ("http://adlnet.gov/expapi/verbs/attempted", "取り組んだ"),
}


def attempt_registration(claims):
    """The xAPI registration of one attempt: stable per platform, resource link and user."""
    link = (claims.get(LTI + "resource_link") or {}).get("id", "")
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{claims.get('iss')}|{link}|{claims.get('sub')}"))


def build_statement(base_url, claims, knobs):
    """A statement as a drill tool following the Japan xAPI core profile would write it, about the
    user of the launch `claims` (their issuer and pseudonymous sub: the tool knows nothing else)."""
    verb = knobs.get("verb", "answered")
    if verb not in VERBS:
        raise ValueError(f"verb must be one of {sorted(VERBS)}")
    verb_id, verb_ja = VERBS[verb]
    context = claims.get(LTI + "context") or {}
    link = claims.get(LTI + "resource_link") or {}
    custom = claims.get(LTI + "custom") or {}
    activity = knobs.get("activity", "kanji/yomi-3/q1")
    definition = {
        "name": {"ja-JP": knobs.get("name", "漢字の読み 第3回 問1"), "en-US": "Kanji reading 3, question 1"},
        "description": {"ja-JP": "次の文の下線部の漢字の読みを書きなさい。"},
    }
    if verb == "answered":
        definition.update({
            "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
            "interactionType": "fill-in",
            "correctResponsesPattern": ["がっこう"],
        })
    else:
        definition["type"] = "http://adlnet.gov/expapi/activities/assessment"
    statement = {
        "id": knobs.get("statement_id") or str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "account": {"homePage": claims["iss"], "name": claims["sub"]}},
        "verb": {"id": verb_id, "display": {"ja-JP": verb_ja, "en-US": verb}},
        "object": {"objectType": "Activity", "id": f"{base_url}/activities/{activity}", "definition": definition},
        "context": {
            "registration": knobs.get("registration") or attempt_registration(claims),
            "platform": PLATFORM_NAME,
            "language": "ja-JP",
            "contextActivities": {
                "parent": [{"objectType": "Activity",
                            "id": f"{base_url}/activities/links/{quote(link.get('id', 'none'), safe='')}",
                            "definition": {"name": {"ja-JP": link.get("title") or "漢字ドリル"},
                                           "type": "http://adlnet.gov/expapi/activities/assessment"}}],
                "grouping": [{"objectType": "Activity",
                              "id": f"{base_url}/activities/contexts/{quote(context.get('id', 'none'), safe='')}",
                              "definition": {"name": {"ja-JP": context.get("title") or "クラス"},
                                             "type": "http://adlnet.gov/expapi/activities/course"}}],
                "category": [{"objectType": "Activity", "id": JAPAN_CORE_PROFILE,
                              "definition": {"type": "http://adlnet.gov/expapi/activities/profile"}}],
            },
            "extensions": {
                JAPAN_EXTENSION + "course-of-study-code": [knobs.get("course_of_study_code", "8210223110000000")],
                JAPAN_EXTENSION + "grade": [str(knobs.get("grade") or custom.get("grade") or "3")],
                JAPAN_EXTENSION + "subject": [knobs.get("subject", "国語")],
                JAPAN_EXTENSION + "unit": [knobs.get("unit", "漢字の読み書き")],
                JAPAN_EXTENSION + "assessment-type": knobs.get("assessment_type", "formative"),
            },
        },
        "timestamp": now_iso(),
    }
    if "score" in knobs:
        raw, maximum = knobs["score"], knobs.get("score_maximum", 10)
        result = {"score": {"scaled": round(raw / maximum, 4), "raw": raw, "min": 0, "max": maximum},
                  "success": knobs.get("success", raw >= 0.6 * maximum),
                  "completion": True,
                  "duration": knobs.get("duration", "PT42S")}
        if verb == "answered":
            result["response"] = knobs.get("response", "がっこう")
        statement["result"] = result
    return statement


def lrs_answer(r):
    try:
        body = r.json()
    except ValueError:
        body = r.text[:4000]
    headers = {k: v for k, v in r.headers.items()
               if k.lower() in ("content-type", "x-experience-api-version", "x-experience-api-consistent-through",
                                "www-authenticate", "location", "etag")}
    return {"lrs_status": r.status_code, "lrs_body": body, "lrs_headers": headers}


class Key:
    """An RSA key pair with its PEMs and JWK (kid = RFC 7638 thumbprint, via pylti1p3/jwcrypto)."""

    def __init__(self):
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.private_pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        self.public_pem = private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()
        self.jwk = dict(Registration.get_jwk(self.public_pem))
        self.kid = self.jwk["kid"]


class MemoryCache:
    """The cache FlaskCacheDataStorage expects (get / set with expiry), in memory, thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.items = {}

    def get(self, key):
        with self.lock:
            item = self.items.get(key)
            if item is None:
                return None
            value, expires = item
            if expires is not None and expires < time.time():
                del self.items[key]
                return None
            return copy.deepcopy(value)

    def set(self, key, value, exp=None):
        with self.lock:
            self.items[key] = (copy.deepcopy(value), time.time() + exp if exp else None)


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.keys = [Key()]  # the last one signs
        self.registrations = []  # pylti1p3 issuer configurations (dicts), plus "source"
        self.dynamic = []  # Dynamic Registration exchanges
        self.logins = []  # login initiation requests seen
        self.used_nonces = set()
        self.next_deep_link = {}
        self.next_registration = {}
        self.cache = MemoryCache()

    @property
    def key(self):
        return self.keys[-1]


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def build_app(base_ref, state):
    app = Flask(__name__)
    app.secret_key = secrets.token_hex(32)
    app.json.ensure_ascii = False

    def base():
        return base_ref[0]

    def launch_url():
        return base() + "/launch"

    def tool_conf():
        """A pylti1p3 ToolConfDict from the registrations held now (one issuer ~ many clients)."""
        with state.lock:
            regs = [dict(r) for r in state.registrations]
            key = state.key
        settings = {}
        for r in regs:
            settings.setdefault(r["issuer"], []).append({
                "default": False,
                "client_id": r["client_id"],
                "auth_login_url": r["auth_login_url"],
                "auth_token_url": r["auth_token_url"],
                "auth_audience": r.get("auth_audience"),
                "key_set_url": r["key_set_url"],
                "key_set": None,
                "deployment_ids": list(r["deployment_ids"]),
            })
        conf = ToolConfDict(settings)
        for r in regs:
            conf.set_private_key(r["issuer"], key.private_pem, client_id=r["client_id"])
            conf.set_public_key(r["issuer"], key.public_pem, client_id=r["client_id"])
        return conf

    def storage():
        return FlaskCacheDataStorage(state.cache)

    def lti_error(stage, exc, status=400):
        if isinstance(exc, LtiServiceException):
            r = exc.response
            return jsonify(error=str(exc), stage=stage, platform_status=r.status_code,
                           platform_body=r.text[:4000], url=r.url,
                           platform_headers=dict(r.headers)), 502
        return jsonify(error=f"{type(exc).__name__}: {exc}", stage=stage), status

    def restore(launch_id):
        return FlaskMessageLaunch.from_cache(launch_id, FlaskRequest(), tool_conf(), launch_data_storage=storage())

    # --- LTI ----------------------------------------------------------------------------------

    @app.get("/jwks")
    def jwks():
        with state.lock:
            return jsonify(keys=[k.jwk for k in state.keys])

    @app.route("/login", methods=["GET", "POST"])
    def login():
        params = request.args if request.method == "GET" else request.form
        with state.lock:
            state.logins.append({"method": request.method, "params": dict(params)})
        if not params.get("target_link_uri"):
            return jsonify(error="missing target_link_uri", stage="login"), 400
        try:
            oidc = FlaskOIDCLogin(FlaskRequest(), tool_conf(), launch_data_storage=storage())
            return oidc.redirect(launch_url())
        except (OIDCException, LtiException, Exception) as e:  # pylint: disable=broad-except
            return lti_error("login", e)

    @app.post("/launch")
    def launch():
        form = request.form
        if "id_token" not in form and "error" in form:
            return jsonify(platform_error=form.get("error"), error_description=form.get("error_description"),
                           state=form.get("state")), 400
        try:
            message_launch = FlaskMessageLaunch(FlaskRequest(), tool_conf(), launch_data_storage=storage())
            body = message_launch.get_launch_data()  # validates
        except (LtiException, Exception) as e:  # pylint: disable=broad-except
            return lti_error("launch", e)

        nonce = body.get("nonce")
        with state.lock:
            if nonce in state.used_nonces:
                return jsonify(error="replayed id_token (nonce already used); pylti1p3 itself accepted it",
                               stage="launch-replay"), 400
            state.used_nonces.add(nonce)

        header = jwt.get_unverified_header(form["id_token"])
        if message_launch.is_deep_link_launch():
            with state.lock:
                knobs, state.next_deep_link = state.next_deep_link, {}
            item = LineItem().set_score_maximum(knobs.get("score_maximum", 100)).set_label(knobs.get("label", "テスト1"))
            if knobs.get("tag"):
                item.set_tag(knobs["tag"])
            resource = (DeepLinkResource()
                        .set_url(launch_url())
                        .set_title(knobs.get("title", "漢字テスト1"))
                        .set_lineitem(item)
                        .set_custom_params(knobs.get("custom", {"activity": "kanji-1"})))
            if knobs.get("type"):
                resource.set_type(knobs["type"])
            deep_link = message_launch.get_deep_link()
            if knobs.get("aud_as_string") or "data" in knobs:
                message = deep_link.get_message_jwt([resource])
                if knobs.get("aud_as_string"):
                    message["aud"] = message["aud"][0]
                if "data" in knobs:  # null: the claim is left out
                    if knobs["data"] is None:
                        message.pop(DL_DATA, None)
                    else:
                        message[DL_DATA] = knobs["data"]
                html = deep_link.get_response_form_html(deep_link.encode_jwt(message))
            else:
                html = deep_link.output_response_form([resource])
            claims = escape(json.dumps({"header": header, "claims": body}, ensure_ascii=False))
            page = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Deep Linking</title></head>"
                    f"<body>{html}<pre id=\"launch-data\" hidden>{claims}</pre></body></html>")
            response = make_response(page)
            response.headers["Content-Type"] = "text/html; charset=utf-8"
            response.headers["X-Launch-Id"] = message_launch.get_launch_id()
            return response

        result = {
            "launch_id": message_launch.get_launch_id(),
            "header": header,
            "claims": body,
            "iss": body.get("iss"),
            "aud": body.get("aud"),
            "azp": body.get("azp"),
            "sub": body.get("sub"),
            "message_type": body.get(LTI + "message_type"),
            "deployment_id": body.get(LTI + "deployment_id"),
            "roles": body.get(LTI + "roles"),
            "context": body.get(LTI + "context"),
            "resource_link": body.get(LTI + "resource_link"),
            "custom": body.get(LTI + "custom"),
            "locale": body.get("locale") or (body.get(LTI + "launch_presentation") or {}).get("locale"),
            "has_ags": message_launch.has_ags(),
            "has_nrps": message_launch.has_nrps(),
            "is_resource_launch": message_launch.is_resource_launch(),
            "is_student": message_launch.check_student_access(),
            "is_teacher": message_launch.check_teacher_access(),
        }
        return jsonify(result)

    @app.post("/score")
    def score():
        data = request.get_json(force=True)
        try:
            ml = restore(data["launch_id"])
            ags = ml.get_ags()
            grade = (Grade()
                     .set_score_given(data["score"])
                     .set_score_maximum(data.get("score_maximum", 100))
                     .set_timestamp(data.get("timestamp") or now_iso())
                     .set_activity_progress(data.get("activity_progress", "Completed"))
                     .set_grading_progress(data.get("grading_progress", "FullyGraded"))
                     .set_user_id(data["user_id"]))
            if data.get("comment"):
                grade.set_comment(data["comment"])
            lineitem = LineItem({"id": data["lineitem"]}) if data.get("lineitem") else None
            answer = ags.put_grade(grade, lineitem)
            return jsonify(ok=True, grade=json.loads(grade.get_value()), body=answer["body"])
        except (LtiException, Exception) as e:  # pylint: disable=broad-except
            return lti_error("score", e)

    @app.post("/results")
    def results():
        data = request.get_json(force=True)
        try:
            ags = restore(data["launch_id"]).get_ags()
            lineitem = LineItem({"id": data["lineitem"]}) if data.get("lineitem") else None
            return jsonify(results=ags.get_grades(lineitem))
        except (LtiException, Exception) as e:  # pylint: disable=broad-except
            return lti_error("results", e)

    @app.post("/lineitems")
    def lineitems():
        data = request.get_json(force=True)
        try:
            return jsonify(lineitems=restore(data["launch_id"]).get_ags().get_lineitems())
        except (LtiException, Exception) as e:  # pylint: disable=broad-except
            return lti_error("lineitems", e)

    @app.post("/members")
    def members():
        data = request.get_json(force=True)
        try:
            ml = restore(data["launch_id"])
            nrps = ml.get_nrps()
            url = ml.get_launch_data()[NRPS_CLAIM]["context_memberships_url"]
            for name in ("limit", "role", "rlid"):
                if data.get(name) is not None:
                    url = add_param_to_url(url, name, data[name])
            found, page_urls, link_headers, context = [], [], [], None
            while url:
                if len(page_urls) >= 200:
                    return jsonify(error="more than 200 pages; paging loops?", page_urls=page_urls[:5]), 500
                page_urls.append(url)
                answer = nrps.get_nrps_data(url)  # pylti1p3: token, Accept, Link rel="next"
                body = answer["body"] or {}
                headers = {k.lower(): v for k, v in answer["headers"].items()}
                link_headers.append(headers.get("link"))
                if context is None:
                    context = body.get("context")
                found.extend(body.get("members", []))
                url = answer["next_page_url"]
            return jsonify(members=found, pages=len(page_urls), page_urls=page_urls,
                           link_headers=link_headers, context=context)
        except (LtiException, Exception) as e:  # pylint: disable=broad-except
            return lti_error("members", e)

    # --- xAPI: statements to the platform's LRS with an LTI service token ----------------------

    def xapi_connector(data):
        """pylti1p3's ServiceConnector of a stored launch, or of a registration named by issuer and
        client_id (no launch needed); and the issuer."""
        if data.get("launch_id"):
            ml = restore(data["launch_id"])
            return ml.get_service_connector(), ml.get_launch_data()
        registration = tool_conf().find_registration_by_params(data["issuer"], data["client_id"])
        if registration is None:
            raise LtiException(f"no registration for {data['issuer']} / {data['client_id']}")
        return ServiceConnector(registration), {"iss": data["issuer"]}

    def xapi_headers(token, version=None):
        return {"Authorization": "Bearer " + token, "X-Experience-API-Version": version or XAPI_VERSION,
                "Accept": "application/json"}

    @app.post("/xapi/statement")
    def xapi_statement():
        data = request.get_json(force=True)
        scopes = data.get("scopes") or [XAPI_SCOPE]
        try:
            connector, claims = xapi_connector(data)
            if data.get("sub"):  # a statement about someone else than the launch's user
                claims = dict(claims, sub=data["sub"])
            statement = build_statement(base(), claims, data)
            token = connector.get_access_token(scopes)  # client assertion → /lti/token, as for AGS
        except (LtiException, Exception) as e:  # pylint: disable=broad-except
            return lti_error("xapi-statement", e)
        url = claims["iss"].rstrip("/") + "/xapi/statements"
        body = [statement] if data.get("batch") else statement
        headers = dict(xapi_headers(token), **{"Content-Type": "application/json; charset=utf-8"})
        r = requests.post(url, data=json.dumps(body, ensure_ascii=False).encode("utf-8"), headers=headers, timeout=30)
        return jsonify(statement=statement, url=url, scope=" ".join(scopes), **lrs_answer(r))

    @app.post("/xapi/statements/get")
    def xapi_statements_get():
        data = request.get_json(force=True)
        scopes = data.get("scopes") or [XAPI_SCOPE]
        try:
            connector, claims = xapi_connector(data)
            token = connector.get_access_token(scopes)
        except (LtiException, Exception) as e:  # pylint: disable=broad-except
            return lti_error("xapi-get", e)
        params = {k: json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v
                  for k, v in (data.get("params") or {}).items()}
        url = claims["iss"].rstrip("/") + "/xapi/statements"
        r = requests.get(url, params=params, headers=xapi_headers(token, data.get("version")), timeout=30)
        return jsonify(url=r.url, scope=" ".join(scopes), **lrs_answer(r))

    # --- Dynamic Registration 1.0 (by hand) ---------------------------------------------------

    @app.get("/register")
    def register():
        config_url = request.args.get("openid_configuration")
        token = request.args.get("registration_token")
        exchange = {"openid_configuration": config_url, "registration_token_present": bool(token)}
        with state.lock:
            state.dynamic.append(exchange)
            overrides, state.next_registration = state.next_registration, {}
        if not config_url:
            exchange["error"] = "missing openid_configuration"
            return "missing openid_configuration", 400
        try:
            r = requests.get(config_url, headers={"Accept": "application/json"}, timeout=15)
            exchange["configuration_status"] = r.status_code
            config = r.json()
        except (requests.RequestException, ValueError) as e:
            exchange["error"] = f"could not read the platform configuration: {e}"
            return exchange["error"], 502
        exchange["configuration"] = config
        # DR 1.0 §3.5.1: the issuer must match the configuration URL's scheme and host.
        issuer = config.get("issuer", "")
        u, i = urlsplit(config_url), urlsplit(issuer)
        if (u.scheme, u.netloc) != (i.scheme, i.netloc):
            exchange["error"] = f"issuer {issuer!r} does not match the configuration URL {config_url!r}"
            return exchange["error"], 400
        b = base()
        body = {
            "application_type": "web",
            "response_types": ["id_token"],
            "grant_types": ["implicit", "client_credentials"],
            "initiate_login_uri": b + "/login",
            "redirect_uris": [b + "/launch"],
            "client_name": "pylti1p3 interop tool (dynamic)",
            "jwks_uri": b + "/jwks",
            "token_endpoint_auth_method": "private_key_jwt",
            "scope": " ".join(SCOPES),
            TOOL_CONFIGURATION: {
                "domain": urlsplit(b).netloc,
                "target_link_uri": b + "/launch",
                "custom_parameters": {"grade": "$Kakehashi.grade"},
                "claims": ["iss", "sub", "name"],
                "messages": [
                    {"type": "LtiResourceLinkRequest", "target_link_uri": b + "/launch"},
                    {"type": "LtiDeepLinkingRequest", "target_link_uri": b + "/launch",
                     "label": "漢字テストを追加", "placements": ["ContentArea"]},
                ],
            },
        }
        body.update(overrides)
        exchange["request"] = body
        endpoint = config.get("registration_endpoint")
        if not endpoint:
            exchange["error"] = "the platform configuration has no registration_endpoint"
            return exchange["error"], 502
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if token:
            headers["Authorization"] = "Bearer " + token
        try:
            r = requests.post(endpoint, data=json.dumps(body), headers=headers, timeout=15)
        except requests.RequestException as e:
            exchange["error"] = f"registration POST failed: {e}"
            return exchange["error"], 502
        exchange["registration_status"] = r.status_code
        exchange["registration_response"] = r.text[:4000]
        if not r.ok:
            exchange["error"] = f"the platform refused the registration: {r.status_code}"
            return f"registration refused: {r.status_code} {r.text[:1000]}", 502
        try:
            answer = r.json()
            client_id = answer["client_id"]
        except (ValueError, KeyError) as e:
            exchange["error"] = f"registration answer without client_id: {e}"
            return exchange["error"], 502
        deployment_id = (answer.get(TOOL_CONFIGURATION) or {}).get("deployment_id")
        registration = {
            "source": "dynamic",
            "issuer": issuer,
            "client_id": client_id,
            "deployment_ids": [deployment_id] if deployment_id else [],
            "auth_login_url": config.get("authorization_endpoint"),
            "auth_token_url": config.get("token_endpoint"),
            "auth_audience": config.get("authorization_server") or config.get("token_endpoint"),
            "key_set_url": config.get("jwks_uri"),
        }
        with state.lock:
            state.registrations.append(registration)
        exchange["registered"] = registration
        page = (
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>登録しました</title></head><body>"
            f"<p id=\"registered\" data-client-id=\"{client_id}\">Registered.</p>"
            "<script>window.parent.postMessage({subject:\"org.imsglobal.lti.close\"}, \"*\");"
            "if (window.opener) { window.opener.postMessage({subject:\"org.imsglobal.lti.close\"}, \"*\"); }"
            "</script></body></html>"
        )
        response = make_response(page)
        response.headers["Content-Type"] = "text/html; charset=utf-8"
        return response

    # --- Test-only ----------------------------------------------------------------------------

    @app.get("/test/config")
    def test_config():
        with state.lock:
            return jsonify(base_url=base(), registrations=state.registrations, dynamic=state.dynamic,
                           kids=[k.kid for k in state.keys], signing_kid=state.key.kid, logins=state.logins)

    @app.post("/test/register-platform")
    def test_register_platform():
        data = request.get_json(force=True)
        required = ("issuer", "client_id", "deployment_ids", "auth_login_url", "auth_token_url", "key_set_url")
        missing = [k for k in required if not data.get(k)]
        if missing or not isinstance(data.get("deployment_ids"), list):
            return jsonify(error=f"missing or malformed: {missing or ['deployment_ids']}"), 400
        registration = {k: data[k] for k in required}
        registration["auth_audience"] = data.get("auth_audience")
        registration["source"] = "cli"
        with state.lock:
            state.registrations = [r for r in state.registrations
                                   if (r["issuer"], r["client_id"]) != (data["issuer"], data["client_id"])]
            state.registrations.append(registration)
        return jsonify(ok=True)

    @app.post("/test/next-deep-link")
    def test_next_deep_link():
        knobs = request.get_json(force=True)
        allowed = {"title", "label", "score_maximum", "aud_as_string", "custom", "tag", "type", "data"}
        if not isinstance(knobs, dict) or not set(knobs) <= allowed:
            return jsonify(error=f"knobs are {sorted(allowed)}"), 400
        with state.lock:
            state.next_deep_link = knobs
        return jsonify(ok=True)

    @app.post("/test/next-registration")
    def test_next_registration():
        overrides = request.get_json(force=True)
        if not isinstance(overrides, dict):
            return jsonify(error="a JSON object"), 400
        with state.lock:
            state.next_registration = overrides
        return jsonify(ok=True)

    @app.post("/test/assertion")
    def test_assertion():
        data = request.get_json(force=True)
        client_id = data["client_id"]
        now = int(time.time())
        claims = {
            "iss": data.get("iss", client_id),
            "sub": data.get("sub", client_id),
            "aud": data["aud"],
            "iat": now - 5,
            "exp": now + int(data.get("exp_in", 60)),
            "jti": data.get("jti") or "interop-" + str(uuid.uuid4()),
        }
        with state.lock:
            key = state.key
        private_pem = Key().private_pem if data.get("foreign_key") else key.private_pem
        headers = {"kid": data.get("kid", key.kid)}
        return jsonify(assertion=jwt.encode(claims, private_pem, algorithm="RS256", headers=headers),
                       claims=claims, kid=headers["kid"])

    @app.post("/test/rotate-key")
    def test_rotate_key():
        data = request.get_json(silent=True) or {}
        new = Key()
        with state.lock:
            state.keys = [new] if data.get("drop_old") else state.keys + [new]
            return jsonify(kids=[k.kid for k in state.keys], signing_kid=new.kid)

    return app


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    base_ref = [None]
    app = build_app(base_ref, State())
    httpd = make_server("127.0.0.1", args.port, app, threaded=True)
    base_ref[0] = f"http://127.0.0.1:{httpd.server_port}"
    print(f"PORT {httpd.server_port}", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
