"""A small OpenID provider for Kakehashi's interop tests, built on Authlib.

It is a real, independent peer: Authlib's authorization-code grant with its OpenID Connect
extension (``OpenIDCode``) and PKCE (``CodeChallenge``, required, S256 only), RS256 ID tokens
signed with a key generated at start, and client authentication at the token endpoint by
``client_secret_basic`` or ``client_secret_post``.

Run::

    python oidc_provider.py --port 0 --client-id CID --client-secret SECRET \
        --redirect-uri http://127.0.0.1:8080/signin/oidc/callback

With ``--port 0`` the system picks a free port. Either way the first line printed on stdout is
``PORT <number>``; the issuer is exactly ``http://127.0.0.1:<number>`` (no trailing slash).

Endpoints: ``/.well-known/openid-configuration``, ``/authorize``, ``/token``, ``/jwks``,
``/userinfo``.

There is no login form. The person who signs in at the next ``/authorize`` is staged
beforehand (used once)::

    POST /test/next-login
    {"sub": "...", "email": "...", "preferred_username": "...", "amr": ["pwd"]}

Claims other than ``sub`` and ``amr`` follow the granted scopes as OpenID Connect says:
``email`` and ``email_verified`` (true unless staged otherwise) with scope ``email``,
``preferred_username``/``name``/``given_name``/``family_name`` with scope ``profile``.
Without a staged person ``/authorize`` answers 400.

Knobs that make the *next* ID token misbehave (each applies once, then resets)::

    POST /test/config
    {"audience": "someone-else"}      aud is not the client
    {"expires_in": -300}              exp lies that many seconds from now (negative: the past)
    {"nonce": "not-the-one-sent"}     nonce differs from the one in the authorization request
    {"issuer": "http://elsewhere"}    iss differs from the discovery document
    {"foreign_key": true}             signed by a key that /jwks does not publish (same kid)

``GET /test/log`` lists what happened at the token endpoint (client auth method used, whether a
code verifier came along, the ID token claims issued), newest last.
"""

import argparse
import secrets
import sys
import threading
import time

from flask import Flask, jsonify, request
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import ClientMixin, InvalidRequestError, grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode

SCOPES = ["openid", "profile", "email"]
PROFILE_CLAIMS = ("preferred_username", "name", "given_name", "family_name")


class State:
    """Everything the provider remembers; one lock guards it (the server is threaded)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.codes = {}  # code -> dict
        self.used_nonces = set()
        self.tokens = {}  # access token -> claims of the person
        self.next_login = None
        self.knobs = {}
        self.log = []

    def take(self, attr, empty):
        with self.lock:
            value = getattr(self, attr)
            setattr(self, attr, empty)
            return value


class Client(ClientMixin):
    def __init__(self, client_id, client_secret, redirect_uri):
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uri = redirect_uri

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uri

    def get_allowed_scope(self, scope):
        if not scope:
            return ""
        return " ".join(s for s in scope.split() if s in SCOPES)

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri == self.redirect_uri

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(client_secret or "", self.client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return endpoint == "token" and method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


class Code:
    """An issued authorization code (what Authlib's AuthorizationCodeMixin asks of one)."""

    def __init__(self, code, client_id, redirect_uri, scope, nonce, challenge, method, person):
        self.code = code
        self.client_id = client_id
        self.redirect_uri = redirect_uri
        self.scope = scope
        self.nonce = nonce
        self.code_challenge = challenge
        self.code_challenge_method = method
        self.person = person
        self.auth_time = int(time.time())

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time

    def get_acr(self):
        return None

    def get_amr(self):
        return self.person.get("amr")


class StrictPKCE(CodeChallenge):
    """PKCE for every client, confidential ones too, and S256 only."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: missing 'code_challenge'")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("PKCE: 'code_challenge_method' must be S256")
        return super().validate_code_challenge(grant, redirect_uri)


def build_app(issuer_ref, client, state):
    """issuer_ref: a one-element list, filled once the port is known."""
    signing_key = RSAKey.generate_key(2048, {"use": "sig", "alg": "RS256"}, private=True, auto_kid=True)
    kid = signing_key.kid
    # Same kid and algorithm, different key: a token signed with it must fail verification.
    foreign_key = RSAKey.generate_key(2048, {"use": "sig", "alg": "RS256", "kid": kid}, private=True)

    class OpenIDCodeWithKnobs(OpenIDCode):
        """Authlib's OpenID extension; the knobs act through its claim and key hooks."""

        active = threading.local()

        def knobs(self):
            return getattr(self.active, "knobs", {})

        def resolve_client_private_key(self, client):
            return foreign_key if self.knobs().get("foreign_key") else signing_key

        def get_client_algorithm(self, client):
            return "RS256"

        def get_encode_header(self, client):
            return {"alg": "RS256", "kid": kid, "typ": "JWT"}

        def get_client_claims(self, client):
            knobs = self.knobs()
            now = int(time.time())
            exp = now + int(knobs.get("expires_in", 600))
            iat = min(now, exp - 600)
            return {
                "iss": knobs.get("issuer", issuer_ref[0]),
                "aud": knobs.get("audience", client.get_client_id()),
                "iat": iat,
                "exp": exp,
                "auth_time": iat,
            }

        def get_authorization_code_claims(self, authorization_code):
            claims = super().get_authorization_code_claims(authorization_code)
            if "nonce" in self.knobs():
                claims["nonce"] = self.knobs()["nonce"]
            return claims

        def exists_nonce(self, nonce, req):
            with state.lock:
                return nonce in state.used_nonces

        def generate_user_info(self, user, scope):
            scopes = scope.split()
            info = UserInfo(sub=user["sub"])
            if "email" in scopes and "email" in user:
                info["email"] = user["email"]
                info["email_verified"] = user.get("email_verified", True)
            if "profile" in scopes:
                for name in PROFILE_CLAIMS:
                    if name in user:
                        info[name] = user[name]
            return info

        def encode_id_token(self, token, req):
            self.active.knobs = state.take("knobs", {})
            try:
                id_token = super().encode_id_token(token, req)
            finally:
                knobs, self.active.knobs = self.knobs(), {}
            with state.lock:
                state.log[-1]["knobs"] = knobs
            return id_token

    class CodeGrant(grants.AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

        def save_authorization_code(self, code, req):
            data = req.payload.data
            item = Code(
                code,
                req.client.get_client_id(),
                req.payload.redirect_uri,
                req.scope,
                data.get("nonce"),
                data.get("code_challenge"),
                data.get("code_challenge_method"),
                req.user,
            )
            with state.lock:
                state.codes[code] = item
                if item.nonce:
                    state.used_nonces.add(item.nonce)
            return item

        def query_authorization_code(self, code, client):
            with state.lock:
                item = state.codes.get(code)
            if item and item.client_id == client.get_client_id() and time.time() - item.auth_time < 300:
                return item
            return None

        def delete_authorization_code(self, authorization_code):
            with state.lock:
                state.codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code):
            return authorization_code.person

        def create_token_response(self):
            with state.lock:
                state.log.append(
                    {
                        "auth_method": self.request.auth_method,
                        "code_verifier": bool(self.request.form.get("code_verifier")),
                    }
                )
            return super().create_token_response()

    def save_token(token, req):
        with state.lock:
            state.tokens[token["access_token"]] = req.user

    app = Flask("kakehashi-interop-op")
    server = AuthorizationServer(
        app, query_client=lambda cid: client if cid == client.client_id else None, save_token=save_token
    )
    server.register_grant(CodeGrant, [OpenIDCodeWithKnobs(require_nonce=True), StrictPKCE(required=True)])

    @app.get("/.well-known/openid-configuration")
    def discovery():
        iss = issuer_ref[0]
        return jsonify(
            issuer=iss,
            authorization_endpoint=iss + "/authorize",
            token_endpoint=iss + "/token",
            jwks_uri=iss + "/jwks",
            userinfo_endpoint=iss + "/userinfo",
            response_types_supported=["code"],
            grant_types_supported=["authorization_code"],
            subject_types_supported=["public"],
            id_token_signing_alg_values_supported=["RS256"],
            scopes_supported=SCOPES,
            token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
            code_challenge_methods_supported=["S256"],
            claims_supported=["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "amr", "email",
                              "email_verified", *PROFILE_CLAIMS],
        )

    @app.get("/jwks")
    def jwks():
        return jsonify(keys=[signing_key.as_dict(private=False)])

    @app.get("/authorize")
    def authorize():
        person = state.take("next_login", None)
        if person is None:
            return jsonify(error="no_staged_login", error_description="POST /test/next-login first"), 400
        try:
            grant = server.get_consent_grant(end_user=person)
        except OAuth2Error as error:
            return server.handle_error_response(None, error)
        return server.create_authorization_response(grant_user=person, grant=grant)

    @app.post("/token")
    def token():
        return server.create_token_response()

    @app.get("/userinfo")
    def userinfo():
        header = request.headers.get("Authorization", "")
        with state.lock:
            person = state.tokens.get(header[7:]) if header.startswith("Bearer ") else None
        if person is None:
            return jsonify(error="invalid_token"), 401
        return jsonify({k: v for k, v in person.items() if k != "amr"})

    @app.post("/test/next-login")
    def next_login():
        person = request.get_json(force=True)
        if not isinstance(person, dict) or not person.get("sub"):
            return jsonify(error="'sub' is required"), 400
        with state.lock:
            state.next_login = person
        return jsonify(ok=True)

    @app.post("/test/config")
    def config():
        knobs = request.get_json(force=True)
        allowed = {"audience", "expires_in", "nonce", "issuer", "foreign_key"}
        if not isinstance(knobs, dict) or not set(knobs) <= allowed:
            return jsonify(error=f"knobs are {sorted(allowed)}"), 400
        with state.lock:
            state.knobs = knobs
        return jsonify(ok=True)

    @app.get("/test/log")
    def log():
        with state.lock:
            return jsonify(state.log)

    return app


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--redirect-uri", required=True)
    args = parser.parse_args(argv)

    issuer_ref = [None]
    app = build_app(issuer_ref, Client(args.client_id, args.client_secret, args.redirect_uri), State())
    httpd = make_server("127.0.0.1", args.port, app, threaded=True)
    issuer_ref[0] = f"http://127.0.0.1:{httpd.server_port}"
    print(f"PORT {httpd.server_port}", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
