"""The sample's registry, read as the plugin reads it, for the self-tests that exercise the sample's contracts."""

from pathlib import Path

from contracts.registry import SAMPLE, load_registry

REGISTRY = load_registry(SAMPLE, Path(__file__).resolve().parents[1])
TABLES = REGISTRY.tables
TABLES_BY_NAME = REGISTRY.by_name
TABLES_BY_FILE = REGISTRY.by_file
NOT_TABLES = REGISTRY.not_tables
