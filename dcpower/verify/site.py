"""All checks of one site, in a fixed order: :class:`_SiteChecker`.

The class brings together the checks of each concern (one module each, all built on
:class:`~dcpower.verify.technologies._TechnologyChecks`) and runs them, most basic first.
"""

from __future__ import annotations

from dcpower.verify.balance import _BalanceChecks
from dcpower.verify.coupling import _CouplingChecks
from dcpower.verify.emissions import _EmissionChecks
from dcpower.verify.records import _fixed_check
from dcpower.verify.reliability import _ReliabilityChecks
from dcpower.verify.summary import _SummaryChecks


class _SiteChecker(
    _BalanceChecks, _ReliabilityChecks, _EmissionChecks, _CouplingChecks, _SummaryChecks
):
    """All checks of one site; each ``_check_*`` method appends its records to ``out``."""

    def run(self) -> list[dict]:
        """Run every check of the site, in a fixed order (most basic first)."""
        if self.n == 0:
            self.out.append(
                _fixed_check(
                    self.s.site_id,
                    "dispatch rows",
                    False,
                    None,
                    None,
                    "-",
                    "dispatch.csv has no rows for this site",
                )
            )
            return self.out
        self._check_hours()
        self._check_balance()
        self._check_load_matches_profiles()
        self._check_non_negative()
        self._check_totals()
        self._check_heat_balance()
        self._check_technologies()
        self._check_recomputed()
        self._check_grid()
        self._check_n_plus_k()
        self._check_on_site_fuel()
        self._check_n_minus_1()
        self._check_outage_windows()
        if self.shifting:
            self._check_workload_limits()
        self._check_emission_limits()
        self._check_water_limit()
        self._check_summary()
        self.out.append(
            _fixed_check(
                self.s.site_id,
                "required columns present",
                not self.missing,
                None,
                None,
                "-",
                "missing: " + ", ".join(sorted(self.missing)) if self.missing else "",
            )
        )
        return self.out
