"""Labels: the same rules, variables and precedence as the TypeScript SDK."""

from __future__ import annotations

import pytest
from spans import attributes

import sightline
from sightline.labels import LabelError, check_labels, labels_from_env, merge_labels


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ({"Team": "a"}, 'label key "Team" is invalid'),
        ({"a-b": "x"}, 'label key "a-b" is invalid'),
        ({"x" * 64: "v"}, "is invalid"),
        ({"sightline_host": "x"}, 'label key "sightline_host" is reserved'),
        ({"team": 3}, 'label "team" must have a string value, got int'),
        ({"team": "x" * 257}, 'label "team" is 257 characters long; values are at most 256'),
        ({f"k{i}": "v" for i in range(65)}, "too many labels: 65; at most 64"),
    ],
)
def test_labels_that_break_a_rule_name_the_label_and_the_rule(labels, message):
    with pytest.raises(LabelError, match=message):
        check_labels(labels)


def test_environment_labels_skip_what_is_invalid_and_say_why():
    seen = []
    env = {"SIGHTLINE_LABEL_TEAM": "search", "SIGHTLINE_LABEL_BAD-KEY": "x", "OTHER": "y"}
    assert labels_from_env(env, seen.append) == {"team": "search"}
    assert seen == ['SIGHTLINE_LABEL_BAD-KEY: label key "bad-key" is invalid: keys match ^[a-z][a-z0-9_]{0,62}$ '
                    "(lowercase letters, digits, _); the variable is ignored"]


def test_precedence_system_then_environment_then_explicit():
    merged = merge_labels({"sightline_os": "linux"}, {"team": "env", "region": "eu"}, {"team": "code"})
    assert merged == {"sightline_os": "linux", "team": "code", "region": "eu"}


def test_labels_reach_every_span_and_follow_changes(monkeypatch):
    monkeypatch.setenv("SIGHTLINE_LABEL_REGION", "eu")
    handle = sightline.init(exporter="memory", labels={"team": "search"})
    labels = sightline.get_labels()
    assert labels["team"] == "search" and labels["region"] == "eu"
    assert labels["sightline_sdk_version"] == sightline.SDK_VERSION
    assert labels["sightline_runtime"].startswith("python 3.")

    @sightline.observe
    def step() -> None:
        pass

    step()
    sightline.add_label("experiment", "b")
    sightline.remove_label("region")
    step()
    sightline.set_labels({"only": "this"}, replace=True)
    step()
    first, second, third = (attributes(s) for s in handle.memory.spans)
    assert first["sightline.label.team"] == "search" and first["sightline.label.region"] == "eu"
    assert second["sightline.label.experiment"] == "b" and "sightline.label.region" not in second
    assert third["sightline.label.only"] == "this" and "sightline.label.team" not in third
    assert third["sightline.label.sightline_sdk_version"] == sightline.SDK_VERSION
    with pytest.raises(LabelError, match="is a system label and cannot be removed"):
        sightline.remove_label("sightline_os")
    with pytest.raises(LabelError, match="reserved"):
        sightline.add_label("sightline_os", "x")


def test_label_functions_need_init():
    with pytest.raises(RuntimeError, match=r"get_labels: call sightline.init\(\) first"):
        sightline.get_labels()
