"""What the plan shows of a table: its counts, the attributes that change, and examples with personal values masked."""

from loaders.deploy.diff import diff_items
from loaders.deploy.plan import TablePlan
from tests.sample import TABLES_BY_NAME

PASSENGERS = TABLES_BY_NAME["passengers"]


def passenger(number: int, **changed) -> dict:
    item = {
        "passenger_id": {"S": f"PX{number:07d}"},
        "first_name": {"S": "Deepa"},
        "email": {"S": f"deepa{number}@example.org"},
        "nationality": {"S": "ID"},
        "frequent_flyer_tier": {"S": "GOLD"},
    }
    return item | changed


def test_a_plan_counts_the_attributes_that_change_and_masks_personal_values_in_its_examples():
    live = [passenger(n) for n in range(1, 5)]
    new = [
        passenger(1, email={"S": "new1@example.org"}, frequent_flyer_tier={"S": "PLATINUM"}),
        passenger(2, frequent_flyer_tier={"S": "SILVER"}),
        passenger(3, nationality={"N": "62"}),
        passenger(4),
    ]
    plan = TablePlan(PASSENGERS, "passengers", exists=True)
    diff_items(plan, new, [live])

    summary = plan.summary()
    assert (summary["update"], summary["unchanged"]) == (3, 1)
    assert summary["attributes"] == {"frequent_flyer_tier": 2, "email": 1, "nationality": 1}
    assert summary["examples"]["update"] == [
        {
            "key": "passenger_id=PX0000001",
            "changes": {"email": ["S <masked>", "S <masked>"], "frequent_flyer_tier": ["S 'GOLD'", "S 'PLATINUM'"]},
        },
        {"key": "passenger_id=PX0000002", "changes": {"frequent_flyer_tier": ["S 'GOLD'", "S 'SILVER'"]}},
        {"key": "passenger_id=PX0000003", "changes": {"nationality": ["S 'ID'", "N 62"]}},
    ]
    assert "example.org" not in str(summary)


def test_an_attribute_the_export_adds_shows_as_absent_before_and_a_long_value_is_cut():
    plan = TablePlan(PASSENGERS, "passengers", exists=True)
    diff_items(
        plan,
        [passenger(1, nationality={"S": "x" * 100})],
        [[{k: v for k, v in passenger(1).items() if k != "nationality"}]],
    )
    [example] = plan.update_examples()
    assert example["changes"]["nationality"] == ["absent", "S '" + "x" * 39 + "..."]
