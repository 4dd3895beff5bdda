"""Keep credentials out of the report: endpoints without user info, environment by allow-list."""
from __future__ import annotations

from importlib.metadata import version

from loaders.endpoint import shown

# The report's environment section shows only these; CI variables can carry tokens.
SHOWN_METADATA = ("Python", "Platform", "Packages", "Plugins")


def safe_endpoint(url: str | None) -> str:
    """An endpoint as it may be shown: no user info, query or fragment (see loaders.endpoint.shown)."""
    return shown(url)


# The packages whose versions decide what a run means.
REPORTED_PACKAGES = ("pandas", "pandera", "great_expectations", "boto3", "botocore", "moto")


def safe_metadata(metadata: dict, extra: dict[str, str]) -> None:
    """Reduce pytest-metadata's environment to the allow-list, in place, and add `extra`."""
    for key in list(metadata):
        if key not in SHOWN_METADATA:
            del metadata[key]
    metadata.setdefault("Packages", {}).update({name: version(name) for name in REPORTED_PACKAGES})
    metadata.update(extra)
