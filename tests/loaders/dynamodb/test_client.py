"""Clients: fake credentials for a local endpoint, the credential chain for AWS, a pool for every worker."""

import pytest

from loaders.dynamodb.client import aws_client, endpoint_client
from loaders.dynamodb.endpoint import is_loopback
from loaders.errors import ClientSetupError


@pytest.fixture
def clean_aws_env(monkeypatch, tmp_path):
    for name in (
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_DYNAMODB",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def test_a_local_endpoint_never_gets_real_credentials(clean_aws_env, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALLOOKINGKEY00")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-looking-secret")
    made = endpoint_client("http://127.0.0.1:5000", workers=16)
    credentials = made._request_signer._credentials
    assert (credentials.access_key, credentials.secret_key) == ("testing", "testing")
    assert made.meta.region_name == "us-east-1"
    assert made.meta.config.max_pool_connections >= 16
    assert made.meta.config.retries["mode"] == "standard"


def test_a_configured_region_is_kept_for_an_endpoint(clean_aws_env, monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    assert endpoint_client("http://127.0.0.1:5000").meta.region_name == "eu-west-1"


def test_aws_without_a_region_is_refused_with_the_remedy(clean_aws_env):
    with pytest.raises(ClientSetupError, match="Set AWS_REGION"):
        aws_client()


def test_aws_without_credentials_is_refused_with_the_remedy(clean_aws_env, monkeypatch):
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    with pytest.raises(ClientSetupError, match="no AWS credentials"):
        aws_client()


def test_aws_uses_the_credential_chain(clean_aws_env, monkeypatch):
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIACHAINKEY00000000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "chain-secret")
    made = aws_client()
    assert made._request_signer._credentials.access_key == "AKIACHAINKEY00000000"
    assert not is_loopback(made.meta.endpoint_url)


def write_profile(path, name: str, key: str, secret: str) -> None:
    path.write_text(f"[{name}]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n")


def test_a_named_profile_signs_also_for_a_local_endpoint(clean_aws_env, monkeypatch, tmp_path):
    write_profile(tmp_path / "credentials", "loader", "AKIALOADERKEY0000000", "loader-secret")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    credentials = endpoint_client("http://127.0.0.1:5000", profile="loader")._request_signer._credentials
    assert (credentials.access_key, credentials.secret_key) == ("AKIALOADERKEY0000000", "loader-secret")


def test_a_missing_profile_is_refused_with_the_remedy(clean_aws_env):
    with pytest.raises(ClientSetupError, match="no AWS profile named 'nobody'.*drop --aws-profile"):
        endpoint_client("http://127.0.0.1:5000", profile="nobody")
