"""Settings come from CPC_ variables; production refuses the development secret."""

import pytest
from pydantic import ValidationError

from service.settings import DEVELOPMENT_AUDIT_KEY, DEVELOPMENT_SECRET_KEY, Settings


def test_the_embedded_defaults_run_on_sqlite_in_development() -> None:
    settings = Settings()
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.is_development
    assert settings.min_notice_working_days == 5
    assert settings.consent_deadline_working_days == 1


def test_production_refuses_the_development_secret_key() -> None:
    with pytest.raises(ValidationError, match="CPC_SECRET_KEY is still the development key"):
        Settings(env="production", secret_key=DEVELOPMENT_SECRET_KEY)


def test_production_refuses_a_short_secret_key() -> None:
    with pytest.raises(ValidationError, match="at least 32 characters"):
        Settings(env="production", secret_key="short")


def test_lists_are_read_from_comma_separated_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CPC_PREVIOUS_SECRET_KEYS", "one, two")
    monkeypatch.setenv("CPC_TRAINEE_EMAIL_DOMAINS", "council.example,university.example")
    settings = Settings()
    assert settings.previous_secret_keys == ["one", "two"]
    assert settings.trainee_email_domains == ["council.example", "university.example"]


def test_an_unknown_bank_holiday_region_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CPC_BANK_HOLIDAY_REGION", "wales-only")
    with pytest.raises(ValidationError):
        Settings()


STRONG = "q8Jx2mZr7Lw4Np1Kv9Ts6Hd3Fg5Bc0Ya-e_Ru"
AUDIT = "Zt4Rm8Wq2Xn6Vb1Pk7Jc3Hf9Gd5Ls0Ye-a_Qo"


@pytest.mark.parametrize(
    ("previous", "complaint"),
    [
        (DEVELOPMENT_SECRET_KEY, "public development key"),
        ("x", "at least 32 characters"),
        ("a" * 40, "too predictable"),
    ],
)
def test_production_refuses_a_weak_or_public_previous_key(previous: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=f"CPC_PREVIOUS_SECRET_KEYS .*{complaint}"):
        Settings(
            env="production",
            secret_key=STRONG,
            audit_key=AUDIT,
            previous_secret_keys=[STRONG[::-1], previous],
        )


@pytest.mark.parametrize(
    ("audit_key", "complaint"),
    [
        (DEVELOPMENT_AUDIT_KEY, "public development key"),
        ("short", "at least 32 characters"),
        (STRONG, "must differ from CPC_SECRET_KEY"),
    ],
)
def test_production_refuses_a_missing_weak_or_shared_audit_key(
    audit_key: str, complaint: str
) -> None:
    with pytest.raises(ValueError, match=complaint):
        Settings(env="production", secret_key=STRONG, audit_key=audit_key)


def test_production_takes_strong_keys_and_hides_the_api_pages_unless_asked() -> None:
    settings = Settings(
        env="production", secret_key=STRONG, audit_key=AUDIT, previous_secret_keys=[STRONG[::-1]]
    )
    assert not settings.api_docs_shown
    assert Settings(
        env="production", secret_key=STRONG, audit_key=AUDIT, api_docs=True
    ).api_docs_shown
    assert Settings().api_docs_shown  # development shows them


def test_trainees_can_register_only_with_passwords_and_a_domain_to_register_from() -> None:
    assert not Settings().trainee_registration_open  # the default: no domain, so no one could
    assert Settings(trainee_email_domains=["council.example"]).trainee_registration_open
    single_sign_on_only = Settings(
        trainee_email_domains=["council.example"],
        local_passwords=False,
        oidc_issuer="https://login.council.example",
        oidc_client_id="observers",
    )
    assert not single_sign_on_only.trainee_registration_open
