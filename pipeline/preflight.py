"""What a run needs from its surroundings, asked before the gate: each fault found here stops the run at once.

The export must hold CSV files; the deployment (for a run that plans, syncs
or checks live tables) must answer a DynamoDB request signed with the run's
credentials in its region, and a given staging bucket must exist there.
Each check returns one line naming the cause and the remedy, or None. The
out dir's lock is `pipeline.stages.lock_out_dir`. Nothing here knows about pytest.
"""

from __future__ import annotations

from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
)

from contracts.errors import ContractError
from loaders.deploy.staging import s3_client
from loaders.dynamodb.client import make_client
from loaders.dynamodb.endpoint import scrub, shown
from loaders.dynamodb.tables import table_name
from loaders.rules.guard import install_guard
from pipeline.settings import Settings

# One quick try: a server that is not there is known in seconds, not after botocore's retries and the whole gate.
PREFLIGHT = Config(connect_timeout=3, read_timeout=15, retries={"mode": "standard", "total_max_attempts": 2})
# DescribeTable of a table that does not exist yet: the endpoint answered and took the credentials.
ANSWERED = frozenset({"ResourceNotFoundException"})
CREDENTIALS_REFUSED = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "MissingAuthenticationTokenException",
    }
)
ENDPOINT_REMEDY = "Check --endpoint-url or --aws, the region and the credentials."


def export_problem(settings: Settings) -> str | None:
    """An export folder without a single CSV file (the gate would fail every table of it, each at length)."""
    if not any(settings.data_dir.glob("*.csv")):
        return (
            f"--data-dir {settings.data_dir} holds no CSV file: point it at the export whose tables "
            f"{settings.registry.source} declares (ini: data_dir)"
        )
    return None


def _where(settings: Settings) -> str:
    return "AWS" if settings.aws else shown(settings.endpoint_url)


def deployment_problem(settings: Settings) -> str | None:
    """Whether the deployment answers: one DescribeTable of the first declared table, as the run itself would ask it.

    A run that starts its own server has nothing to ask yet. The same client
    the run uses (guard included), so the request is one AWS sees too.
    """
    if settings.starts_server or not settings.registry.tables:
        return None
    where = _where(settings)
    try:
        client = make_client(settings.endpoint_url, aws=settings.aws, profile=settings.aws_profile, config=PREFLIGHT)
        install_guard(client)
        client.describe_table(TableName=table_name(settings.registry.tables[0], settings.table_prefix))
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in ANSWERED:
            return _bucket_problem(settings)
        if code in CREDENTIALS_REFUSED:
            return _scrubbed(
                settings,
                f"DynamoDB at {where} refused the credentials ({code}): give valid ones "
                "(--aws-profile, the environment or ~/.aws/credentials), or renew them",
            )
        return _scrubbed(
            settings, f"DynamoDB at {where} answered DescribeTable with {code}: {_message(error)}. {ENDPOINT_REMEDY}"
        )
    except NoCredentialsError:
        return (
            f"no AWS credentials found for {where}: configure them as for the AWS CLI (the environment, "
            "~/.aws/credentials, SSO or an instance role), or name a profile with --aws-profile"
        )
    except NoRegionError:
        return "no AWS region is configured: set AWS_REGION (or AWS_DEFAULT_REGION), or a region in the profile of ~/.aws/config"
    except (EndpointConnectionError, ConnectTimeoutError):
        if settings.aws:
            return "AWS's DynamoDB endpoint for the configured region does not answer: check the network and the region"
        return _scrubbed(
            settings,
            f"nothing answers at {where}: start the server there, or correct --endpoint-url "
            "(or AWS_ENDPOINT_URL), or leave it out to let the run start a local server",
        )
    except ContractError as error:
        return _scrubbed(settings, str(error).rstrip("."))
    except BotoCoreError as error:
        return _scrubbed(settings, f"DynamoDB at {where}: {error}. {ENDPOINT_REMEDY}")
    return _bucket_problem(settings)


def _bucket_problem(settings: Settings) -> str | None:
    """A given staging bucket must exist where the run imports (the run creates a bucket only for its own server)."""
    if not settings.import_staging or settings.import_mode == "never":
        return None
    bucket, where = settings.imports().bucket, _where(settings)
    try:
        s3_client(None if settings.aws else settings.endpoint_url, profile=settings.aws_profile).head_bucket(
            Bucket=bucket
        )
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in ("404", "NoSuchBucket"):
            return (
                f"the staging bucket {bucket} does not exist at {where}: create it, or give --import-staging a bucket "
                "that exists (or --import=never)"
            )
        if code in ("403", "AccessDenied"):
            # The bucket exists (S3 answers 404 for one that does not); the load policy grants its key prefix only,
            # not the bucket-wide s3:ListBucket that HeadBucket needs, so whether the run may stage is learnt there.
            return None
        return _scrubbed(
            settings, f"the staging bucket {bucket} at {where}: {code} {_message(error)}. {ENDPOINT_REMEDY}"
        )
    except BotoCoreError as error:
        return _scrubbed(settings, f"the staging bucket {bucket} at {where}: {error}. {ENDPOINT_REMEDY}")
    return None


def _message(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Message", "") or str(error)


def _scrubbed(settings: Settings, text: str) -> str:
    """One line, with no secret of the endpoint URL in it."""
    return " ".join(scrub(text, settings.endpoint_url).split())
