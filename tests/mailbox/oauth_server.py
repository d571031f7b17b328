"""A small OAuth 2.0 authorization server for tests, on loopback in a thread.

It does what Microsoft's and Google's do for the CRM: ``/authorize`` signs in
``next_user`` at once and sends the browser back with a code; ``/token`` trades a code
(checking the client, the redirect URI and the PKCE S256 verifier) or a refresh token
for tokens, with an ID token naming the user; ``/revoke`` forgets a refresh token (RFC
7009); ``/introspect`` tells Dovecot's oauth2 passdb whose an access token is (RFC 7662).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

CLIENT_ID = "crm-test-client"
CLIENT_SECRET = "crm-test-secret"


def _s256(verifier: str) -> str:
    # Written out here, not imported from the code under test.
    return (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    )


def _id_token(email: str) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    claims = {"sub": "a1b2c3", **({"email": email} if email else {})}
    return f"{part({'alg': 'none'})}.{part(claims)}.sig"


class OAuthServer:
    def __init__(self):
        self.next_user = "ola@firma.no"
        self.lifetime = 3600  # seconds an access token lives
        self.rotate_refresh = True  # a new refresh token with each refresh (as Microsoft)
        self.email_claim = True  # the ID token names the user's address
        self.codes: dict[str, dict] = {}
        self.access: dict[str, tuple[str, float]] = {}  # token -> (user, expires)
        self.refresh: dict[str, str] = {}  # live refresh token -> user
        self.calls: list[tuple[str, dict]] = []  # (path, form) of each token-endpoint call
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                url = urlsplit(self.path)
                if url.path != "/authorize":
                    return self._send(404, {})
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                code = secrets.token_urlsafe(16)
                with server.lock:
                    server.codes[code] = {**query, "user": server.next_user}
                back = {"code": code, "state": query.get("state", "")}
                self.send_response(302)
                self.send_header("Location", query["redirect_uri"] + "?" + urlencode(back))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                path = urlsplit(self.path).path
                with server.lock:
                    server.calls.append((path, form))
                    status, body = server.answer(path, form)
                self._send(status, body)

            def _send(self, status, body):
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    # -- the endpoints -------------------------------------------------------------------
    def answer(self, path: str, form: dict) -> tuple[int, dict]:
        if path == "/token":
            return self._token(form)
        if path == "/revoke":
            self.refresh.pop(form.get("token", ""), None)
            return 200, {}
        if path == "/introspect":
            user, expires = self.access.get(form.get("token", ""), ("", 0))
            if not user or expires < time.time():
                return 200, {"active": False}
            return 200, {"active": True, "username": user, "email": user}
        return 404, {}

    def _token(self, form: dict) -> tuple[int, dict]:
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") == "authorization_code":
            grant = self.codes.pop(form.get("code", ""), None)
            if (
                grant is None
                or grant.get("redirect_uri") != form.get("redirect_uri")
                or grant.get("code_challenge_method") != "S256"
                or grant.get("code_challenge") != _s256(form.get("code_verifier", ""))
            ):
                return 400, {"error": "invalid_grant"}
            return 200, self._issue(grant["user"], refresh=True, id_token=True)
        if form.get("grant_type") == "refresh_token":
            token = form.get("refresh_token", "")
            user = self.refresh.get(token)
            if user is None:
                return 400, {"error": "invalid_grant", "error_description": "revoked"}
            if self.rotate_refresh:
                del self.refresh[token]
            return 200, self._issue(user, refresh=self.rotate_refresh, id_token=False)
        return 400, {"error": "unsupported_grant_type"}

    def _issue(self, user: str, *, refresh: bool, id_token: bool) -> dict:
        access = secrets.token_urlsafe(24)
        self.access[access] = (user, time.time() + self.lifetime)
        answer = {"access_token": access, "token_type": "Bearer", "expires_in": self.lifetime}
        if refresh:
            token = secrets.token_urlsafe(24)
            self.refresh[token] = user
            answer["refresh_token"] = token
        if id_token:
            answer["id_token"] = _id_token(user if self.email_claim else "")
        return answer

    # -- for the tests -------------------------------------------------------------------
    def revoke_all(self, user: str) -> None:
        """As when the user removes the app at the provider: refresh tokens go."""
        with self.lock:
            for token in [t for t, u in self.refresh.items() if u == user]:
                del self.refresh[token]

    def expire_access(self) -> None:
        """The provider forgets every access token (as after a password change)."""
        with self.lock:
            self.access.clear()

    def token_calls(self, grant_type: str) -> int:
        return sum(1 for p, f in self.calls if p == "/token" and f.get("grant_type") == grant_type)

    def start(self) -> OAuthServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> OAuthServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
