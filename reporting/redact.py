"""Keep credentials out of the report's environment: an allow-list of what it shows (endpoints: loaders.dynamodb.endpoint.shown)."""

from __future__ import annotations

from importlib.metadata import version

# The report's environment section shows only these; CI variables can carry tokens.
SHOWN_METADATA = ("Python", "Platform", "Packages", "Plugins")


# The packages whose versions decide what a run means.
REPORTED_PACKAGES = ("pandas", "pandera", "great_expectations", "boto3", "botocore", "moto")


def safe_metadata(metadata: dict, extra: dict[str, str]) -> None:
    """Reduce pytest-metadata's environment to the allow-list, in place, and add `extra`."""
    for key in list(metadata):
        if key not in SHOWN_METADATA:
            del metadata[key]
    metadata.setdefault("Packages", {}).update({name: version(name) for name in REPORTED_PACKAGES})
    metadata.update(extra)
