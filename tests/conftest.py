"""Shared fixtures: a small two-site scenario that solves in about a second per site."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

ALL_TECHS = [
    "pv_fixed",
    "pv_single_axis",
    "wind_onshore",
    "battery_li_ion",
    "recip_engine",
    "aero_gt",
]

#: models/caspian-hub.yaml, cut to a 48-hour summer window (hours 4800-4847, late July).
SMALL_SCENARIO: dict = {
    "name": "small-hub",
    "description": "caspian-hub semantics on a 48 h summer window (tests)",
    "sites": {
        "aktau": {
            "climate": "aktau",
            "data_center": {"it_capacity_mw": 40, "utilization": 0.8},
            "technologies": list(ALL_TECHS),
        },
        "baku": {
            "climate": "baku",
            "data_center": {"it_capacity_mw": 40, "utilization": 0.8},
            "technologies": list(ALL_TECHS),
        },
    },
    "technologies": {t: {} for t in [*ALL_TECHS, "frame_gt", "ccgt"]},
    "economics": {},
    "reliability": {"redundancy_k": 1, "hourly_n_minus_1": True, "ride_through_min": 15},
    "time": {"kind": "window", "start_hour": 4800, "n_hours": 48},
    "solver": {"time_limit_s": 60, "mip_gap": 0.01, "threads": 1, "commitment": "relaxed"},
}


@pytest.fixture
def small_scenario_dict() -> dict:
    """A fresh deep copy of :data:`SMALL_SCENARIO`, free to edit."""
    return copy.deepcopy(SMALL_SCENARIO)


@pytest.fixture
def write_scenario(tmp_path: Path) -> Callable[..., Path]:
    """Write a scenario dict (default: the small scenario) as YAML in tmp_path; return its path."""

    def write(raw: dict | None = None, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(raw if raw is not None else SMALL_SCENARIO, sort_keys=False))
        return path

    return write


@pytest.fixture
def small_scenario(write_scenario) -> Path:
    """Path of the small two-site scenario YAML."""
    return write_scenario()


@pytest.fixture(scope="module")
def small_scenario_module(tmp_path_factory) -> Path:
    """The small scenario written once per test module (for a solve shared by its tests)."""
    path = tmp_path_factory.mktemp("scenario") / "small-hub.yaml"
    path.write_text(yaml.safe_dump(SMALL_SCENARIO, sort_keys=False))
    return path
