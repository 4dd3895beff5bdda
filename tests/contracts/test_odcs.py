"""`dynamodb-contracts odcs`: every document is valid ODCS and says what the table's contract declares."""

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml
from open_data_contract_standard.model import OpenDataContractStandard

from contracts import odcs
from contracts.registry import load_registry, parent_key
from plugin.cli import main, odcs_command
from tests.sample import REGISTRY, TABLES

ROOT = Path(__file__).resolve().parents[2]
# The standard's own JSON Schema, vendored with its source and licence (odcs_schema/README.md).
SCHEMA = json.loads(
    (Path(__file__).parent / "odcs_schema" / "odcs-json-schema-v3.1.0.json").read_text(encoding="utf-8")
)
NAMES = [t.name for t in TABLES]
# datacontract-cli, in a venv of its own (`make datacontract`): its pins conflict with requirements.lock's.
DATACONTRACT = ROOT / ".venv-datacontract" / "bin" / "datacontract"


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("odcs")
    assert (
        main(
            [
                "odcs",
                "--contracts",
                "contracts.tables",
                "--region",
                "me-central-1",
                "--table-prefix",
                "staging-",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    return out


def read(folder: Path, table) -> dict:
    return yaml.safe_load((folder / odcs.file_name(table)).read_text(encoding="utf-8"))


def test_one_document_is_written_per_table(exported):
    assert sorted(p.name for p in exported.iterdir()) == sorted(f"{name}.odcs.yaml" for name in NAMES)


@pytest.mark.parametrize("table", TABLES, ids=NAMES)
def test_the_document_validates_against_the_odcs_json_schema(exported, table):
    validator = jsonschema.Draft201909Validator(SCHEMA, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER)
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(read(exported, table))
    ]
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("table", TABLES, ids=NAMES)
def test_the_document_loads_into_the_standards_model(exported, table):
    contract = OpenDataContractStandard.from_string((exported / odcs.file_name(table)).read_text(encoding="utf-8"))
    assert contract.apiVersion == odcs.API_VERSION
    assert [p.name for p in contract.schema_[0].properties] == list(table.columns)


def lint(document: Path, results: Path) -> list[str]:
    """What `datacontract lint` finds wrong with `document`: the reasons of its checks that did not pass."""
    if not DATACONTRACT.exists():
        pytest.fail(
            f"{DATACONTRACT.relative_to(ROOT)} is missing: run `make datacontract` (requirements-datacontract.lock)",
            pytrace=False,
        )
    done = subprocess.run(
        [DATACONTRACT, "lint", "--all-errors", "--output-format", "json", "--output", results, document],
        cwd=results.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if not results.exists():
        return [
            f"datacontract lint exited {done.returncode} without results: {done.stderr.strip() or done.stdout.strip()}"
        ]
    reasons = [
        f"{c['name']}: {c['reason']}" for c in json.loads(results.read_text())["checks"] if c["result"] != "passed"
    ]
    return reasons or ([] if done.returncode == 0 else [f"datacontract lint exited {done.returncode}"])


@pytest.mark.parametrize("table", TABLES, ids=NAMES)
def test_datacontract_lint_accepts_the_document(exported, table, tmp_path):
    problems = lint(exported / odcs.file_name(table), tmp_path / "lint.json")
    assert not problems, "\n".join(problems)


def test_datacontract_lint_rejects_a_document_that_breaks_the_standard(exported, tmp_path):
    doc = read(exported, REGISTRY.by_name["flights"])
    doc["schema"][0]["properties"][0]["logicalType"] = "integr"
    broken = tmp_path / "flights.odcs.yaml"
    broken.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    assert any("'integr' is not one of" in problem for problem in lint(broken, tmp_path / "lint.json"))


@pytest.mark.parametrize("table", TABLES, ids=NAMES)
def test_the_key_foreign_keys_personal_data_and_gsis_are_in_the_document(exported, table):
    doc = read(exported, table)
    (obj,) = doc["schema"]
    props = {p["name"]: p for p in obj["properties"]}
    assert obj["physicalName"] == f"staging-{table.name}"
    assert {n: p["primaryKeyPosition"] for n, p in props.items() if p.get("primaryKey")} == {
        n: i + 1 for i, n in enumerate(table.key)
    }
    for fk in table.foreign_keys:
        parent = REGISTRY.parent(fk)
        targets = [r["to"] for r in props[fk.column].get("relationships", ())]
        assert any(t.endswith(f"schema/{parent.name}/properties/{parent_key(fk, parent)}") for t in targets), (
            fk,
            targets,
        )
    assert {
        n for n, p in props.items() if p.get("classification") == "restricted" and "pii" in p.get("tags", ())
    } == table.pii
    custom = {c["property"]: c["value"] for c in doc["servers"][0]["customProperties"]}
    assert custom["tableName"] == f"staging-{table.name}"
    assert [i["indexName"] for i in custom["globalSecondaryIndexes"]] == [i.name for i in table.indexes]
    assert [k["attributeName"] for k in custom["keySchema"]] == list(table.key)


@pytest.mark.parametrize(
    "fk",
    [(t, fk) for t in TABLES for fk in t.foreign_keys],
    ids=[f"{t.name}.{fk.column}->{fk.parent}" for t in TABLES for fk in t.foreign_keys],
)
def test_every_relationship_points_at_a_property_of_a_written_document(exported, fk):
    table, fk = fk
    (prop,) = [p for p in read(exported, table)["schema"][0]["properties"] if p["name"] == fk.column]
    for relationship in prop["relationships"]:
        file, _, path = relationship["to"].rpartition("#/")
        _, object_id, _, property_id = path.split("/")
        target = yaml.safe_load((exported / (file or odcs.file_name(table))).read_text(encoding="utf-8"))
        (obj,) = [o for o in target["schema"] if o["id"] == object_id]
        assert property_id in {p["id"] for p in obj["properties"]}


def test_ranges_value_sets_and_patterns_become_quality_rules(exported):
    props = {p["name"]: p for p in read(exported, REGISTRY.by_name["aircraft_types"])["schema"][0]["properties"]}
    assert props["seats"]["logicalTypeOptions"] == {"exclusiveMinimum": 0}
    assert props["seats"]["quality"][0]["implementation"] == {"check": "greater_than", "min_value": 0}
    (value_set,) = props["type_code"]["quality"]
    assert value_set["metric"] == "invalidValues" and "B787-9" in value_set["arguments"]["validValues"]


def test_the_contracts_of_the_folders_ini_are_exported(tmp_path, capsys):
    example = ROOT / "examples" / "bikeshare"
    assert odcs_command(["--region", "eu-west-1", "-o", str(tmp_path)], example) == 0
    assert "bikeshare_contracts.py" in capsys.readouterr().out
    declared = load_registry("bikeshare_contracts.py", example).tables
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(odcs.file_name(t) for t in declared)


def test_without_a_region_the_command_says_how_to_give_one(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    with pytest.raises(SystemExit) as stop:
        odcs_command(["-o", str(tmp_path)], ROOT)
    assert stop.value.code == 2 and "give --region, or set AWS_REGION" in capsys.readouterr().err


def test_a_table_prefix_dynamodb_would_refuse_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit):
        odcs_command(["--region", "eu-west-1", "--table-prefix", "bad prefix ", "-o", str(tmp_path)], ROOT)
    assert "--table-prefix='bad prefix '" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
