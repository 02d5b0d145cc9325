"""Embedded site climates: monthly statistics that calibrate a synthetic typical year.

A site file (``inputs/sites/<name>.yaml``) holds the location and twelve monthly values
per climate statistic. Every statistic must say where it comes from: a ``sources`` entry
(page address or document title), an ``estimates`` entry (a one-line reason), or both
when some months are sourced and others estimated.
"""

from __future__ import annotations

import logging
import zoneinfo
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from dcpower import paths
from dcpower.errors import ScenarioError
from dcpower.safe_yaml import load_yaml, read_text, yaml_problem

logger = logging.getLogger(__name__)

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

#: Fields that hold numbers and so must carry a source or an estimate note.
DATA_FIELDS = (
    "latitude",
    "longitude",
    "altitude_m",
    "wind_height_m",
    "roughness_length_m",
    "ghi_kwh_per_m2",
    "temp_air_mean_c",
    "temp_air_diurnal_range_c",
    "wind_speed_mean_m_per_s",
    "wind_weibull_k",
)

#: The synthetic year's dew-point model: given all together, or none (no humidity).
DEW_POINT_FIELDS = (
    "dew_point_mean_c",
    "dew_point_seasonal_slope",
    "dew_point_anomaly_slope",
    "dew_point_anomaly_slope_per_c",
    "dew_point_anomaly_sd_c",
)

#: Optional number fields: they too need a source or an estimate note when given.
OPTIONAL_DATA_FIELDS = (
    "design_temp_air_c",
    "temp_anomaly_sd_c",
    *DEW_POINT_FIELDS,
    "design_wet_bulb_c",
)

#: Allowed range of each monthly statistic, (low, high), inclusive.
_MONTHLY_BOUNDS: dict[str, tuple[float, float]] = {
    "ghi_kwh_per_m2": (0.0, 350.0),
    "temp_air_mean_c": (-60.0, 50.0),
    "temp_air_diurnal_range_c": (0.0, 30.0),
    "wind_speed_mean_m_per_s": (0.1, 30.0),
    "wind_weibull_k": (1.0, 5.0),
}

Monthly = Annotated[list[float], Field(json_schema_extra={"months": 12})]


class SiteClimate(BaseModel):
    """Location and monthly climate statistics of one site.

    Attributes
    ----------
    name : str
        Site name, used in tables and file names.
    latitude : float
        Latitude, north positive. [deg]
    longitude : float
        Longitude, east positive. [deg]
    altitude_m : float
        Elevation above mean sea level. [m]
    timezone : str
        IANA time-zone name of local standard time (e.g. ``Asia/Baku``).
    wind_height_m : float
        Height above ground of the monthly wind statistics. [m]
    roughness_length_m : float
        Surface roughness length for the wind profile. [m]
    ghi_kwh_per_m2 : list of float
        Monthly totals of global horizontal irradiation, Jan..Dec. [kWh/m2]
    temp_air_mean_c : list of float
        Monthly mean air temperature at 2 m, Jan..Dec. [degC]
    temp_air_diurnal_range_c : list of float
        Monthly mean of (daily max - daily min) air temperature, Jan..Dec. [degC]
    wind_speed_mean_m_per_s : list of float
        Monthly mean wind speed at ``wind_height_m``, Jan..Dec. [m/s]
    wind_weibull_k : list of float
        Monthly Weibull shape parameter of hourly wind speed, Jan..Dec. [-]
    design_temp_air_c : float or None
        Design ambient dry bulb of the site (a climatic design statistic, named in its
        ``sources`` entry), at which N+k is checked. [degC]
    temp_anomaly_sd_c : float or None
        SD of the synthetic year's daily temperature anomaly. [degC]
    dew_point_mean_c, dew_point_seasonal_slope, dew_point_anomaly_slope, \
dew_point_anomaly_slope_per_c, dew_point_anomaly_sd_c : float or None
        The synthetic year's daily dew point (all five, or none: no humidity). [degC],
        [degC/degC], [degC/degC], [1/degC], [degC]
    design_wet_bulb_c : float or None
        Design ambient wet bulb (a climatic design statistic), for a wet-bulb PUE. [degC]
    sources : dict of str to str
        Field name -> where the figure comes from (address or document title).
    estimates : dict of str to str
        Field name -> why the figure is an estimate (unsourced, or partly derived).
    notes : str
        Free text about the site file.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="Site name. [-]", min_length=1)
    latitude: float = Field(description="Latitude, north positive. [deg]", ge=-90.0, le=90.0)
    longitude: float = Field(description="Longitude, east positive. [deg]", ge=-180.0, le=180.0)
    altitude_m: float = Field(
        description="Elevation above mean sea level. [m]", ge=-500.0, le=9000.0
    )
    timezone: str = Field(description="IANA time zone of local standard time. [-]")
    wind_height_m: float = Field(
        description="Height above ground of the wind statistics. [m]", gt=0.0, le=300.0
    )
    roughness_length_m: float = Field(
        description="Surface roughness length for the wind profile. [m]", gt=0.0, le=5.0
    )
    ghi_kwh_per_m2: Monthly = Field(
        description="Monthly total global horizontal irradiation, Jan..Dec. [kWh/m2]"
    )
    temp_air_mean_c: Monthly = Field(
        description="Monthly mean air temperature at 2 m, Jan..Dec. [degC]"
    )
    temp_air_diurnal_range_c: Monthly = Field(
        description="Monthly mean daily temperature range (max - min), Jan..Dec. [degC]"
    )
    wind_speed_mean_m_per_s: Monthly = Field(
        description="Monthly mean wind speed at wind_height_m, Jan..Dec. [m/s]"
    )
    wind_weibull_k: Monthly = Field(
        description="Monthly Weibull shape of hourly wind speed, Jan..Dec. [-]"
    )
    design_temp_air_c: float | None = Field(
        None,
        ge=-50.0,
        le=60.0,
        description=(
            "Design ambient dry bulb: a climatic design statistic, named with its source "
            "in sources.design_temp_air_c. [degC]"
        ),
    )
    temp_anomaly_sd_c: float | None = Field(
        None,
        ge=0.0,
        le=10.0,
        description=(
            "SD of the synthetic year's daily temperature anomaly, which sets how hot its "
            "heat waves get (calibrated on a station's extreme annual dry bulb: "
            "benchmarks/calibrate_temperature.py); none = 2.5 degC "
            "(dcpower.weather.synthetic.TEMP_ANOMALY_SD_C). [degC]"
        ),
    )
    dew_point_mean_c: float | None = Field(
        None,
        ge=-40.0,
        le=35.0,
        description=(
            "Synthetic years' humidity: annual mean of the daily dew point (with the four "
            "dew_point_* fields below, calibrated on a station's humidity design values: "
            "benchmarks/calibrate_humidity.py); none = the synthetic year has no humidity "
            "(a wet-bulb PUE then needs a weather file with it). [degC]"
        ),
    )
    dew_point_seasonal_slope: float | None = Field(
        None,
        ge=0.0,
        le=2.0,
        description=(
            "Rise of the daily dew point per degree of the seasonal (climatological) daily "
            "mean temperature above its annual mean. [degC/degC]"
        ),
    )
    dew_point_anomaly_slope: float | None = Field(
        None,
        ge=-3.0,
        le=2.0,
        description=(
            "Change of the daily dew point per degree of the day's temperature anomaly, on "
            "a day of the annual mean seasonal temperature (negative: warm spells bring "
            "drier air). [degC/degC]"
        ),
    )
    dew_point_anomaly_slope_per_c: float | None = Field(
        None,
        ge=-0.5,
        le=0.5,
        description=(
            "Change of that anomaly slope per degree of the day's seasonal temperature "
            "above its annual mean (negative: summer heat waves are dry, winter cold "
            "spells too). [1/degC]"
        ),
    )
    dew_point_anomaly_sd_c: float | None = Field(
        None,
        ge=0.0,
        le=10.0,
        description="SD of the daily dew point's own anomaly (an AR(1) of its own). [degC]",
    )
    design_wet_bulb_c: float | None = Field(
        None,
        ge=-50.0,
        le=40.0,
        description=(
            "Design ambient wet bulb, for a PUE that follows the wet bulb: a climatic design "
            "statistic, named with its source in sources.design_wet_bulb_c. [degC]"
        ),
    )
    sources: dict[str, str] = Field(
        default_factory=dict, description="Field name -> source of the figure. [-]"
    )
    estimates: dict[str, str] = Field(
        default_factory=dict, description="Field name -> reason the figure is an estimate. [-]"
    )
    notes: str = Field(default="", description="Free text about the site file. [-]")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"timezone {value!r} is not an IANA time-zone name (e.g. 'Asia/Baku')"
            ) from exc
        return value

    @field_validator(*_MONTHLY_BOUNDS, mode="after")
    @classmethod
    def _twelve_months_in_range(cls, value: list[float], info) -> list[float]:
        if len(value) != 12:
            raise ValueError(f"needs 12 monthly values (Jan..Dec), got {len(value)}")
        low, high = _MONTHLY_BOUNDS[info.field_name]
        bad = [(MONTHS[i], v) for i, v in enumerate(value) if not low <= v <= high]
        if bad:
            month, v = bad[0]
            raise ValueError(f"{month} value {v} is outside the allowed range [{low}, {high}]")
        return value

    @model_validator(mode="after")
    def _every_figure_has_provenance(self) -> SiteClimate:
        known = set(DATA_FIELDS) | set(OPTIONAL_DATA_FIELDS)
        for mapping in ("sources", "estimates"):
            unknown = set(getattr(self, mapping)) - known
            if unknown:
                raise ValueError(
                    f"{mapping} names unknown fields {sorted(unknown)}; "
                    f"allowed: {[*DATA_FIELDS, *OPTIONAL_DATA_FIELDS]}"
                )
        given = [*DATA_FIELDS, *(f for f in OPTIONAL_DATA_FIELDS if getattr(self, f) is not None)]
        missing = [f for f in given if f not in self.sources and f not in self.estimates]
        if missing:
            raise ValueError(
                f"fields {missing} have neither a 'sources' nor an 'estimates' entry; "
                "every figure needs one"
            )
        given_dew = [f for f in DEW_POINT_FIELDS if getattr(self, f) is not None]
        if given_dew and len(given_dew) != len(DEW_POINT_FIELDS):
            absent = [f for f in DEW_POINT_FIELDS if f not in given_dew]
            raise ValueError(
                f"dew-point model incomplete: {given_dew} given, {absent} missing; "
                f"allowed: all of {list(DEW_POINT_FIELDS)} or none"
            )
        if self.roughness_length_m >= self.wind_height_m:
            raise ValueError(
                f"roughness_length_m={self.roughness_length_m} must be below "
                f"wind_height_m={self.wind_height_m}"
            )
        return self

    @property
    def annual_ghi_kwh_per_m2(self) -> float:
        """Annual global horizontal irradiation [kWh/m2]."""
        return float(sum(self.ghi_kwh_per_m2))

    def metadata(self, source: str = "") -> dict:
        """Return the weather metadata dict (pvlib-style keys) of this site.

        Parameters
        ----------
        source : str, optional
            Text for the ``source`` key; defaults to the site file's name.

        Returns
        -------
        dict
            Keys ``name, latitude, longitude, altitude`` [m], ``tz``, ``wind_height_m`` [m],
            ``roughness_length_m`` [m] and ``source``.
        """
        return {
            "name": self.name,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "altitude": self.altitude_m,
            "tz": self.timezone,
            "wind_height_m": self.wind_height_m,
            "roughness_length_m": self.roughness_length_m,
            "source": source or f"dcpower site climate '{self.name}'",
        }

    def source_of(self, field: str) -> str:
        """Where a figure comes from: its source, else its estimate note [-]."""
        return self.sources.get(field) or f"ESTIMATE: {self.estimates.get(field, '')}"

    @property
    def has_humidity(self) -> bool:
        """Whether synthetic years of this site carry humidity (the dew-point model) [-]."""
        return self.dew_point_mean_c is not None


def sites_dir() -> Path:
    """Return the folder of the embedded site files (``inputs/sites``)."""
    return paths.inputs_dir() / "sites"


def available_sites() -> list[str]:
    """Return the names of the embedded sites, sorted.

    Returns
    -------
    list of str
        File stems of ``inputs/sites/*.yaml``.
    """
    folder = sites_dir()
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.yaml"))


def _format_validation_error(path: Path, exc: ValidationError) -> str:
    lines = [f"site file {path} is invalid:"]
    for err in exc.errors():
        field = ".".join(str(part) for part in err["loc"]) or "(file)"
        value = err.get("input")
        shown = repr(value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        lines.append(f"  field '{field}' = {shown}: {err['msg']}")
    return "\n".join(lines)


def site_file(name_or_path: str | Path) -> Path:
    """Return the file of a site: ``inputs/sites/<name>.yaml`` for a bare name, else the path.

    Raises
    ------
    ScenarioError
        If there is no such file (for an unknown name, the message lists the sites).
    """
    text = str(name_or_path)
    looks_like_path = (
        isinstance(name_or_path, Path) or text.endswith((".yaml", ".yml")) or "/" in text
    )
    if looks_like_path:
        path = Path(name_or_path)
        if not path.is_file():
            raise ScenarioError(f"site file {path} does not exist")
        return path
    path = sites_dir() / f"{text.lower()}.yaml"
    if not path.is_file():
        raise ScenarioError(
            f"site {text!r} is unknown; available sites: {available_sites()} "
            f"(or give the path of a site YAML file)"
        )
    return path


def read_site_file(path: Path) -> dict:
    """Return the fields of a site file as written (with its ``sources`` and ``estimates``).

    Raises
    ------
    ScenarioError
        In one line, if the file cannot be read (see :func:`dcpower.safe_yaml.read_text`), is
        not valid YAML, or does not hold a mapping.
    """
    try:
        raw = load_yaml(read_text(path))
    except ValueError as exc:
        raise ScenarioError(f"site file {exc}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"site file {path}: {yaml_problem(exc)}") from None
    if not isinstance(raw, dict):
        raise ScenarioError(
            f"site file {path} must hold a mapping of fields, got {type(raw).__name__}"
        )
    return raw


def load_site(name_or_path: str | Path) -> SiteClimate:
    """Load and validate a site climate file.

    Parameters
    ----------
    name_or_path : str or Path
        A bare site name (``"baku"``), looked up as ``inputs/sites/<name>.yaml``, or the path
        of a YAML site file.

    Returns
    -------
    SiteClimate
        The validated site.

    Raises
    ------
    ScenarioError
        If the site is unknown (the message lists the available sites), the file is not
        valid YAML, or a field is missing or out of range (the message names field and value).
    """
    path = site_file(name_or_path)
    raw = read_site_file(path)
    try:
        site = SiteClimate.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(_format_validation_error(path, exc)) from None
    logger.debug("loaded site %s from %s", site.name, path)
    return site
