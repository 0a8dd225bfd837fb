"""Therapist accounts, logins, CSRF and rate limits on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.config import Settings

PASSWORD = "een lange zin als wachtwoord"


@pytest.fixture
def cheap_settings(fixture_settings: Settings) -> Settings:
    # Cheap argon2 keeps the suite fast; test_password_hashes_are_argon2id checks the defaults.
    return fixture_settings.model_copy(update={"argon2_time_cost": 1, "argon2_memory_kib": 1024})


@pytest.fixture
def web(cheap_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(cheap_settings)) as c:
        yield c


def register(c: TestClient, email: str = "anna@praktijk.nl", password: str = PASSWORD) -> None:
    r = c.post("/api/v1/therapists", json={"email": email, "password": password})
    assert r.status_code == 201, r.text


def login(c: TestClient, email: str = "anna@praktijk.nl", password: str = PASSWORD) -> str:
    r = c.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return str(r.json()["csrf_token"])


def test_register_login_me_logout(web: TestClient) -> None:
    register(web, "Anna@Praktijk.NL")
    r = web.post("/api/v1/auth/login", json={"email": "anna@praktijk.nl", "password": PASSWORD})
    assert r.status_code == 200
    cookies = r.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookies if c.startswith("vg_sessie="))
    assert "HttpOnly" in session_cookie
    assert "SameSite=strict" in session_cookie
    assert "Max-Age=" in session_cookie
    assert "Secure" not in session_cookie  # not configured in tests
    csrf = r.json()["csrf_token"]
    assert web.cookies.get("vg_csrf") == csrf

    me = web.get("/api/v1/auth/me")
    assert me.status_code == 200
    assert me.json()["therapist"]["email"] == "anna@praktijk.nl"

    assert web.post("/api/v1/auth/logout").status_code == 403  # no CSRF header
    assert web.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert web.get("/api/v1/auth/me").status_code == 401


def test_a_logged_out_cookie_stays_dead(web: TestClient) -> None:
    register(web)
    login(web)
    stolen = web.cookies.get("vg_sessie")
    csrf = web.cookies.get("vg_csrf")
    web.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf or ""})
    web.cookies.set("vg_sessie", stolen or "")
    assert web.get("/api/v1/auth/me").status_code == 401


def test_secure_cookies_when_configured(cheap_settings: Settings) -> None:
    settings = cheap_settings.model_copy(update={"cookie_secure": True})
    with TestClient(create_app(settings), base_url="https://testserver") as c:
        register(c)
        r = c.post("/api/v1/auth/login", json={"email": "anna@praktijk.nl", "password": PASSWORD})
        assert all("Secure" in h for h in r.headers.get_list("set-cookie"))


@pytest.mark.parametrize(
    ("password", "status"),
    [("kort", 422), ("elf tekens!", 422), ("twaalf teken", 201), ("x" * 1025, 422)],
)
def test_password_length_rules(web: TestClient, password: str, status: int) -> None:
    r = web.post("/api/v1/therapists", json={"email": "b@praktijk.nl", "password": password})
    assert r.status_code == status
    if status == 422:
        assert r.json()["detail"]


def test_duplicate_registration_is_refused(web: TestClient) -> None:
    register(web)
    r = web.post("/api/v1/therapists", json={"email": "ANNA@praktijk.nl", "password": PASSWORD})
    assert r.status_code == 409
    assert r.json()["code"] == "email_taken"


def test_unknown_email_and_wrong_password_answer_the_same(web: TestClient) -> None:
    register(web)
    unknown = web.post("/api/v1/auth/login", json={"email": "x@y.nl", "password": PASSWORD})
    wrong = web.post(
        "/api/v1/auth/login", json={"email": "anna@praktijk.nl", "password": "nee" * 5}
    )
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()
    assert "set-cookie" not in unknown.headers
    assert "set-cookie" not in wrong.headers


def test_login_is_rate_limited_per_account(web: TestClient) -> None:
    register(web)
    for _ in range(5):
        r = web.post(
            "/api/v1/auth/login", json={"email": "anna@praktijk.nl", "password": "fout" * 4}
        )
        assert r.status_code == 401
    r = web.post("/api/v1/auth/login", json={"email": "anna@praktijk.nl", "password": PASSWORD})
    assert r.status_code == 429
    assert r.json()["code"] == "too_many_attempts"
    # Another account from the same address is not locked by this one.
    register(web, "bob@praktijk.nl")
    login(web, "bob@praktijk.nl")


def test_cross_site_requests_are_refused(web: TestClient) -> None:
    register(web)
    csrf = login(web)
    r = web.post(
        "/api/v1/clients",
        json={"pseudonym": "Stel A"},
        headers={"X-CSRF-Token": csrf, "Origin": "https://evil.example"},
    )
    assert r.status_code == 403
    r = web.post(
        "/api/v1/clients",
        json={"pseudonym": "Stel A"},
        headers={"X-CSRF-Token": csrf, "Sec-Fetch-Site": "cross-site"},
    )
    assert r.status_code == 403
    r = web.post("/api/v1/clients", json={"pseudonym": "Stel A"}, headers={"X-CSRF-Token": "x"})
    assert r.status_code == 403
    r = web.post(
        "/api/v1/clients",
        json={"pseudonym": "Stel A"},
        headers={"X-CSRF-Token": csrf, "Origin": "http://testserver"},
    )
    assert r.status_code == 201
    login_attempt = web.post(
        "/api/v1/auth/login",
        json={"email": "anna@praktijk.nl", "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
    )
    assert login_attempt.status_code == 403


def test_change_password_ends_other_logins(web: TestClient, cheap_settings: Settings) -> None:
    register(web)
    csrf = login(web)
    with TestClient(create_app(cheap_settings)) as other:
        login(other)
        r = web.post(
            "/api/v1/auth/password",
            json={"current_password": "helemaal fout!!", "new_password": "een nieuwe lange zin"},
            headers={"X-CSRF-Token": csrf},
        )
        assert r.status_code == 401
        r = web.post(
            "/api/v1/auth/password",
            json={"current_password": PASSWORD, "new_password": "een nieuwe lange zin"},
            headers={"X-CSRF-Token": csrf},
        )
        assert r.status_code == 204
        assert other.get("/api/v1/auth/me").status_code == 401
        assert web.get("/api/v1/auth/me").status_code == 200
    web.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})
    r = web.post("/api/v1/auth/login", json={"email": "anna@praktijk.nl", "password": PASSWORD})
    assert r.status_code == 401
    login(web, password="een nieuwe lange zin")


def test_sessions_expire_when_idle(cheap_settings: Settings) -> None:
    settings = cheap_settings.model_copy(update={"session_idle_minutes": 0})
    with TestClient(create_app(settings)) as c:
        register(c)
        login(c)
        r = c.get("/api/v1/auth/me")
        assert r.status_code == 401
        assert "niet actief" in r.json()["detail"]


def test_password_hashes_are_argon2id(fixture_settings: Settings) -> None:
    from api.therapists.security import Passwords

    passwords = Passwords(fixture_settings)
    stored = passwords.hash(PASSWORD)
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,")
    assert passwords.verify(PASSWORD, stored) == (True, None)
    assert passwords.verify("iets anders dan dit", stored)[0] is False
    assert passwords.verify(PASSWORD, None) == (False, None)


def test_old_parameters_are_rehashed_on_login(web: TestClient, cheap_settings: Settings) -> None:
    from sqlalchemy import create_engine, text

    register(web)
    engine = create_engine(cheap_settings.database_url)
    with engine.connect() as conn:
        before = conn.execute(text("select password_hash from therapists")).scalar_one()
    stronger = cheap_settings.model_copy(update={"argon2_time_cost": 2})
    with TestClient(create_app(stronger)) as c:
        login(c)
    with engine.connect() as conn:
        after = conn.execute(text("select password_hash from therapists")).scalar_one()
    engine.dispose()
    assert ",t=1," in before
    assert ",t=2," in after


def test_second_factor_with_recovery_codes(web: TestClient) -> None:
    import pyotp

    register(web)
    csrf = login(web)
    headers = {"X-CSRF-Token": csrf}
    r = web.post("/api/v1/auth/totp/enable", json={"code": "123456"}, headers=headers)
    assert r.status_code == 409  # setup not started
    setup = web.post("/api/v1/auth/totp/setup", headers=headers).json()
    assert setup["otpauth_uri"].startswith("otpauth://totp/")
    totp = pyotp.TOTP(setup["secret"])
    wrong = "000000" if totp.now() != "000000" else "111111"
    r = web.post("/api/v1/auth/totp/enable", json={"code": wrong}, headers=headers)
    assert r.status_code == 401
    r = web.post("/api/v1/auth/totp/enable", json={"code": totp.now()}, headers=headers)
    assert r.status_code == 200
    codes = r.json()["recovery_codes"]
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert web.get("/api/v1/auth/me").json()["therapist"]["second_factor"] is True
    web.post("/api/v1/auth/logout", headers=headers)

    creds = {"email": "anna@praktijk.nl", "password": PASSWORD}
    r = web.post("/api/v1/auth/login", json=creds)
    assert r.status_code == 401
    assert r.json()["code"] == "second_factor_required"
    assert "set-cookie" not in r.headers
    r = web.post("/api/v1/auth/login", json=creds | {"totp_code": wrong})
    assert r.json()["code"] == "wrong_second_factor"
    r = web.post("/api/v1/auth/login", json=creds | {"recovery_code": codes[0]})
    assert r.status_code == 200
    r = web.post("/api/v1/auth/login", json=creds | {"recovery_code": codes[0]})
    assert r.status_code == 401  # a recovery code works once
    r = web.post("/api/v1/auth/login", json=creds | {"recovery_code": codes[1].upper()})
    assert r.status_code == 200


def test_new_recovery_codes_replace_the_old_ones(web: TestClient) -> None:
    import pyotp

    register(web)
    headers = {"X-CSRF-Token": login(web)}
    url = "/api/v1/auth/totp/recovery-codes"
    r = web.post(url, json={"password": PASSWORD, "code": "123456"}, headers=headers)
    assert r.status_code == 409
    assert r.json()["code"] == "totp_not_enabled"
    totp = pyotp.TOTP(web.post("/api/v1/auth/totp/setup", headers=headers).json()["secret"])
    old = web.post("/api/v1/auth/totp/enable", json={"code": totp.now()}, headers=headers)
    old_codes = old.json()["recovery_codes"]
    wrong = "000000" if totp.now() != "000000" else "111111"
    r = web.post(url, json={"password": "not my password", "code": wrong}, headers=headers)
    assert r.status_code == 401
    r = web.post(url, json={"password": PASSWORD, "code": wrong}, headers=headers)
    assert r.json()["code"] == "wrong_second_factor"
    r = web.post(url, json={"password": PASSWORD, "code": totp.now()}, headers={})
    assert r.status_code == 403  # no CSRF token
    # A code is good once, and enabling used the current one: use the next step's code.
    import time

    r = web.post(
        url,
        json={"password": PASSWORD, "code": totp.at(time.time() + 30)},
        headers=headers,
    )
    assert r.status_code == 200, r.text
    new_codes = r.json()["recovery_codes"]
    assert len(new_codes) == 10
    assert not set(new_codes) & set(old_codes)
    web.post("/api/v1/auth/logout", headers=headers)
    creds = {"email": "anna@praktijk.nl", "password": PASSWORD}
    r = web.post("/api/v1/auth/login", json=creds | {"recovery_code": old_codes[2]})
    assert r.status_code == 401
    r = web.post("/api/v1/auth/login", json=creds | {"recovery_code": new_codes[0]})
    assert r.status_code == 200


def test_a_totp_code_is_good_only_once() -> None:
    import time

    import pyotp

    from api.therapists import totp as totp_module

    secret = pyotp.random_base32()
    step = int(time.time()) // 30
    code = pyotp.TOTP(secret).at(step * 30)
    assert totp_module._matching_step(secret, code, None) == step
    assert totp_module._matching_step(secret, code, step) is None
    assert totp_module._matching_step(secret, "12a456", None) is None


def test_sessions_end_at_the_absolute_limit_even_when_active(cheap_settings: Settings) -> None:
    settings = cheap_settings.model_copy(update={"session_absolute_hours": 0})
    with TestClient(create_app(settings)) as c:
        register(c)
        login(c)
        assert c.get("/api/v1/auth/me").status_code == 401


def test_password_hashing_is_bounded(cheap_settings: Settings) -> None:
    """Parallel logins never run more argon2 hashes at once than configured (memory bound)."""
    import threading
    import time

    from api.therapists.security import Passwords

    passwords = Passwords(cheap_settings.model_copy(update={"max_concurrent_password_hashes": 2}))
    inner = passwords._hasher
    running = 0
    peak = 0
    lock = threading.Lock()

    class Slow:
        def hash(self, password: str) -> str:
            nonlocal running, peak
            with lock:
                running += 1
                peak = max(peak, running)
            time.sleep(0.05)
            with lock:
                running -= 1
            return str(inner.hash(password))

    passwords._hasher = Slow()  # type: ignore[assignment]
    threads = [threading.Thread(target=passwords.hash, args=(PASSWORD,)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak == 2


def test_totp_seeds_are_encrypted_at_rest(web: TestClient, cheap_settings: Settings) -> None:
    import pyotp
    from sqlalchemy import create_engine, text

    register(web)
    csrf = login(web)
    headers = {"X-CSRF-Token": csrf}
    secret = web.post("/api/v1/auth/totp/setup", headers=headers).json()["secret"]
    web.post("/api/v1/auth/totp/enable", json={"code": pyotp.TOTP(secret).now()}, headers=headers)
    engine = create_engine(cheap_settings.database_url)
    with engine.connect() as conn:
        stored = conn.execute(text("select totp_secret from therapists")).scalar_one()
    engine.dispose()
    assert secret not in stored
    assert len(stored) > 100  # a Fernet token, not the 32-character seed
    # With another SECRET_KEY the seed cannot be read: a TOTP code no longer logs in.
    rotated = cheap_settings.model_copy(update={"secret_key": "another key " * 4})
    with TestClient(create_app(rotated)) as other:
        r = other.post(
            "/api/v1/auth/login",
            json={
                "email": "anna@praktijk.nl",
                "password": PASSWORD,
                "totp_code": pyotp.TOTP(secret).now(),
            },
        )
        assert r.status_code == 401
