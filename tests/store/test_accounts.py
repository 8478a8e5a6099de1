"""Accounts: argon2 hashes, sessions by token digest, sign-in limits over a sliding window,
removal taking the account's data with it, and the ``offerlab users`` commands."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Literal

import pytest
from argon2 import PasswordHasher
from typer.testing import CliRunner

from offerlab.cli import app
from offerlab.errors import AuthenticationError, InputError, NotFoundError, TooManyAttemptsError
from offerlab.offers import parse_offer_text
from offerlab.prep.pipeline import load_pipeline
from offerlab.prep.practice import PracticeEntry
from offerlab.prep.readiness import PlannedWeek
from offerlab.store import Store
from offerlab.store.account_repository import (
    FAILURE_WINDOW,
    MAX_FAILURES_PER_ACCOUNT,
    MAX_FAILURES_PER_CLIENT,
    SESSION_LIFETIME,
    AccountRepository,
)
from offerlab.store.offer_repository import OfferRepository
from offerlab.store.prep_repository import PrepRepository

PASSWORD = "correct horse battery staple"
START = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(f"sqlite:///{tmp_path / 'accounts.sqlite3'}") as opened:
        yield opened


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(store: Store, clock: Clock) -> AccountRepository:
    return AccountRepository(store, clock=clock)


def test_passwords_are_kept_as_argon2id_hashes(accounts: AccountRepository, store: Store):
    account = accounts.add("Alice@Example.com", PASSWORD, admin=True)
    assert account.username == "alice@example.com"
    assert account.is_admin
    with store.engine.connect() as conn:
        from sqlalchemy import text

        stored = conn.execute(text("SELECT password_hash FROM accounts")).scalar_one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert PasswordHasher().verify(stored, PASSWORD)


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [
        ("a", PASSWORD, "not valid"),
        ("-alice", PASSWORD, "not valid"),
        ("al ice", PASSWORD, "not valid"),
        ("alice", "short", "expected 10 to 256"),
        ("alice", "x" * 257, "expected 10 to 256"),
    ],
)
def test_bad_names_and_passwords_are_refused(
    accounts: AccountRepository, name: str, password: str, message: str
):
    with pytest.raises(InputError, match=message):
        accounts.add(name, password)
    assert accounts.list() == []


def test_a_name_is_taken_once_whatever_its_case(accounts: AccountRepository):
    accounts.add("alice", PASSWORD)
    with pytest.raises(InputError, match="already exists"):
        accounts.add("ALICE", PASSWORD)


def test_sessions_are_found_by_token_and_end(accounts: AccountRepository, clock: Clock):
    accounts.add("alice", PASSWORD)
    signed = accounts.sign_in("alice", PASSWORD, "10.0.0.1")
    found = accounts.session(signed.token)
    assert found is not None
    assert found.account.username == "alice"
    assert found.csrf_token == signed.csrf_token
    assert found.expires_at == START + SESSION_LIFETIME
    assert accounts.session("not-a-token") is None
    clock.now = START + SESSION_LIFETIME
    assert accounts.session(signed.token) is None  # ended, and deleted
    clock.now = START
    assert accounts.session(signed.token) is None


def test_sign_out_and_a_new_password_end_sessions(accounts: AccountRepository):
    accounts.add("alice", PASSWORD)
    first = accounts.sign_in("alice", PASSWORD, "c")
    second = accounts.sign_in("alice", PASSWORD, "c")
    accounts.sign_out(first.token)
    assert accounts.session(first.token) is None
    assert accounts.session(second.token) is not None
    accounts.set_password("alice", "a brand new pass phrase")
    assert accounts.session(second.token) is None
    with pytest.raises(AuthenticationError):
        accounts.sign_in("alice", PASSWORD, "c")
    assert accounts.sign_in("alice", "a brand new pass phrase", "c").token


def test_failures_lock_an_account_for_the_window_then_let_it_go(
    accounts: AccountRepository, clock: Clock
):
    accounts.add("alice", PASSWORD)
    for minute in range(MAX_FAILURES_PER_ACCOUNT):
        clock.now = START + timedelta(minutes=minute)
        with pytest.raises(AuthenticationError, match="wrong account name or password"):
            accounts.sign_in("alice", "guess", f"10.0.0.{minute}")
    with pytest.raises(TooManyAttemptsError) as locked:
        accounts.sign_in("alice", PASSWORD, "10.0.0.99")
    # The oldest failure (at START) leaves the window at START + 15 min.
    assert locked.value.retry_after == int((START + FAILURE_WINDOW - clock.now).total_seconds()) + 1
    clock.now = START + FAILURE_WINDOW + timedelta(seconds=1)
    assert accounts.sign_in("alice", PASSWORD, "10.0.0.99").token
    # A success clears the account's failures.
    with pytest.raises(AuthenticationError):
        accounts.sign_in("alice", "guess", "10.0.0.1")
    assert accounts.sign_in("alice", PASSWORD, "10.0.0.1").token


def test_one_client_guessing_many_names_is_stopped(accounts: AccountRepository):
    for n in range(MAX_FAILURES_PER_CLIENT):
        with pytest.raises(AuthenticationError):
            accounts.sign_in(f"user{n}", "guess", "203.0.113.7")
    with pytest.raises(TooManyAttemptsError):
        accounts.sign_in("someone-else", "guess", "203.0.113.7")
    with pytest.raises(AuthenticationError):  # another client is not affected
        accounts.sign_in("someone-else", "guess", "198.51.100.1")


def test_removing_an_account_removes_its_data_and_ids_are_not_reused(
    accounts: AccountRepository, store: Store, examples: Path
):
    alice = accounts.add("alice", PASSWORD)
    bob = accounts.add("bob", PASSWORD)
    offer = parse_offer_text(
        (examples / "google-l5-kirkland.toml").read_text(), "google.toml", "toml"
    )
    for account in (alice, bob):
        OfferRepository(store, account.owner).add(offer)
        prep = PrepRepository(store, account.owner)
        day = date(2026, 11, 22)
        prep.save_plan(
            "loop",
            load_pipeline("microsoft-ml-engineer"),
            [PlannedWeek(1, day, day + timedelta(days=6), {"coding": 300})],
            {"plan": 1},
            start=day,
            interview_date=day + timedelta(days=30),
            hours_per_week=Decimal(10),
        )
        prep.log_practice(PracticeEntry(day, "coding", "two sum", 30, "failed", "off by one"))
    session = accounts.sign_in("alice", PASSWORD, "c")

    accounts.remove("alice")
    assert accounts.session(session.token) is None
    assert OfferRepository(store, alice.owner).list() == []
    assert PrepRepository(store, alice.owner).plan() is None
    assert PrepRepository(store, alice.owner).practice_counts() == {}
    assert len(OfferRepository(store, bob.owner).list()) == 1
    assert PrepRepository(store, bob.owner).plan("loop") is not None
    with pytest.raises(NotFoundError):
        accounts.get("alice")
    assert accounts.add("carol", PASSWORD).id > bob.id


def test_plan_names_are_per_owner(store: Store):
    day = date(2026, 11, 22)
    for owner in ("1", "2"):
        PrepRepository(store, owner).save_plan(
            "loop",
            load_pipeline("microsoft-ml-engineer"),
            [],
            {"owner": owner},
            start=day,
            interview_date=day + timedelta(days=30),
            hours_per_week=Decimal(10),
        )
    for owner in ("1", "2"):
        saved = PrepRepository(store, owner).plan("loop")
        assert saved is not None
        assert saved.document == {"owner": owner}
    with pytest.raises(NotFoundError):
        PrepRepository(store, "3").plan("loop")


runner = CliRunner()


def test_users_commands(tmp_path: Path):
    db = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    # Accounts go only into a database made by db upgrade: a mistyped URL is refused.
    typo = runner.invoke(app, ["users", "list", "--db", f"sqlite:///{tmp_path / 'typo.db'}"])
    assert typo.exit_code == 2
    assert "offerlab db upgrade --db" in typo.stderr
    assert not (tmp_path / "typo.db").exists()
    assert runner.invoke(app, ["db", "upgrade", "--db", db]).exit_code == 0
    added = runner.invoke(
        app, ["users", "add", "Alice", "--admin", "--password-stdin", "--db", db], input=PASSWORD
    )
    assert added.exit_code == 0, added.output
    assert "added administrator 'alice'" in added.stdout
    taken = runner.invoke(
        app, ["users", "add", "alice", "--password-stdin", "--db", db], input=PASSWORD
    )
    assert taken.exit_code == 2
    assert "already exists" in taken.stderr
    short = runner.invoke(app, ["users", "add", "bob", "--password-stdin", "--db", db], input="abc")
    assert short.exit_code == 2
    assert "expected 10 to 256" in short.stderr
    prompted = runner.invoke(
        app, ["users", "add", "bob", "--db", db], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert prompted.exit_code == 0, prompted.output
    differ = runner.invoke(app, ["users", "add", "carol", "--db", db], input=f"{PASSWORD}\nx\n")
    assert differ.exit_code == 2
    assert "differ" in differ.stderr

    listed = runner.invoke(app, ["users", "list", "--db", db])
    assert listed.exit_code == 0
    assert "alice" in listed.stdout
    assert "administrator" in listed.stdout
    assert "bob" in listed.stdout
    assert PASSWORD not in listed.stdout

    new = "another long pass phrase"
    changed = runner.invoke(
        app, ["users", "passwd", "bob", "--password-stdin", "--db", db], input=new
    )
    assert changed.exit_code == 0, changed.output
    with Store(db) as store:
        assert AccountRepository(store).sign_in("bob", new, "c").token

    kept = runner.invoke(app, ["users", "remove", "bob", "--db", db], input="n\n")
    assert kept.exit_code == 1
    assert "nothing removed" in kept.stdout
    removed = runner.invoke(app, ["users", "remove", "bob", "--yes", "--db", db])
    assert removed.exit_code == 0
    missing = runner.invoke(app, ["users", "remove", "bob", "--yes", "--db", db])
    assert missing.exit_code == 2
    assert "no account called 'bob'" in missing.stderr


def test_migration_0004_keeps_local_prep_data_and_matches_the_models(tmp_path: Path):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import text

    import offerlab.store.account_models
    import offerlab.store.offer_models
    import offerlab.store.prep_models  # noqa: F401 - every table in the metadata
    from offerlab.store.database import make_engine, upgrade
    from offerlab.store.models import Base

    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    upgrade(engine, "0003")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO prep_practice (logged_on, skill, problem, minutes, outcome, "
                "created_at) VALUES ('2026-11-01', 'coding', 'two sum', 30, 'solved', "
                "'2026-11-01 10:00:00')"
            )
        )
    upgrade(engine)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    with Store(f"sqlite:///{tmp_path / 'old.sqlite3'}") as store:
        assert PrepRepository(store).practice_counts() == {"coding": {"solved": 1}}
        assert PrepRepository(store, "1").practice_counts() == {}
    engine.dispose()


@pytest.mark.postgres
def test_users_commands_refuse_a_database_never_migrated(pg_url: str):
    listed = runner.invoke(app, ["users", "list", "--db", pg_url])
    assert listed.exit_code == 2
    assert "is at revision none (empty)" in listed.stderr
    assert runner.invoke(app, ["db", "upgrade", "--db", pg_url]).exit_code == 0
    assert runner.invoke(app, ["users", "list", "--db", pg_url]).exit_code == 0


def test_migration_0005_gives_existing_logs_to_the_plan_they_were_made_for(tmp_path: Path):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import text

    import offerlab.store.account_models
    import offerlab.store.offer_models
    import offerlab.store.prep_models  # noqa: F401 - every table in the metadata
    from offerlab.store.database import make_engine, upgrade
    from offerlab.store.models import Base

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine, "0004")
    plan = (
        "INSERT INTO prep_plans (id, owner, name, pipeline, template, start_date, "
        "interview_date, hours_per_week, weak, pipeline_doc, plan_doc, created_at) VALUES "
        "({id}, '{owner}', '{name}', 'big-tech-swe', 't', '{start}', '{end}', 10, '', '{{}}', "
        "'{{}}', '2026-11-01 10:00:00')"
    )
    practice = (
        "INSERT INTO prep_practice (owner, logged_on, skill, problem, minutes, outcome, "
        "created_at) VALUES ('{owner}', '{on}', 'coding', '{problem}', 30, 'solved', "
        "'2026-11-01 10:00:00')"
    )
    with engine.begin() as conn:
        for row in (
            {"id": 1, "owner": "", "name": "a", "start": "2026-11-01", "end": "2026-11-30"},
            {"id": 2, "owner": "", "name": "b", "start": "2026-11-20", "end": "2026-12-31"},
            {"id": 3, "owner": "7", "name": "c", "start": "2026-11-01", "end": "2026-11-10"},
        ):
            conn.execute(text(plan.format(**row)))
        for owner, on, problem in (
            ("", "2026-11-05", "only a"),  # only plan a covers the day
            ("", "2026-12-20", "only b"),
            ("", "2026-11-25", "both"),  # a and b: ambiguous, no plan
            ("7", "2027-03-01", "outside"),  # owner 7 has one plan: that one
        ):
            conn.execute(text(practice.format(owner=owner, on=on, problem=problem)))
    upgrade(engine)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        found = conn.execute(text("SELECT problem, plan_id FROM prep_practice")).all()
    rows = {str(problem): plan_id for problem, plan_id in found}
    assert rows == {"only a": 1, "only b": 2, "both": None, "outside": 3}
    engine.dispose()


class SlowHasher(PasswordHasher):
    """Cheap argon2 parameters, and a verify that takes 50 ms: long enough for every
    concurrent attempt to be inside its check at once if the count were not atomic."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:

        time.sleep(0.05)
        return super().verify(hash, password)


def test_the_sign_in_limit_holds_under_concurrency(store_url: str):
    """40 wrong guesses at one account at once: at most the limit are checked."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    with Store(store_url, columnar=False) as opened:
        accounts = AccountRepository(opened, hasher=SlowHasher())
        accounts.add("alice", PASSWORD)
        start = threading.Barrier(40)

        def guess(i: int) -> str:
            start.wait()
            try:
                accounts.sign_in("alice", f"wrong guess {i}", f"10.0.0.{i}")
            except AuthenticationError:
                return "checked"
            except TooManyAttemptsError:
                return "refused"
            return "signed in"

        with ThreadPoolExecutor(40) as pool:
            outcomes = list(pool.map(guess, range(40)))
        assert outcomes.count("checked") == MAX_FAILURES_PER_ACCOUNT, outcomes
        assert outcomes.count("refused") == 40 - MAX_FAILURES_PER_ACCOUNT
        # The right password is refused too while the account is locked.
        with pytest.raises(TooManyAttemptsError):
            accounts.sign_in("alice", PASSWORD, "10.0.1.1")


def test_a_name_no_account_can_have_is_a_wrong_name_on_every_backend(store_url: str):
    """A NUL (PostgreSQL cannot store or compare it), a space, 10,000 characters."""
    with Store(store_url, columnar=False) as opened:
        accounts = AccountRepository(opened, hasher=SlowHasher())
        accounts.add("alice", PASSWORD)
        for name in ("ali\x00ce", "alice smith", "a" * 10_000, "\x00"):
            with pytest.raises(AuthenticationError, match="wrong account name or password"):
                accounts.sign_in(name, PASSWORD, "10.0.0.1")
        with pytest.raises(AuthenticationError):
            accounts.sign_in("alice", "wrong", "bad\x00client")
        assert accounts.sign_in("alice", PASSWORD, "10.0.0.2").account.username == "alice"
