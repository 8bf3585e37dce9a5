"""The reorder policy a forecast implies, (s, S):

    s (reorder point)  = demand over the lead time + safety stock
    safety stock       = z × √(var of lead-time demand + d² × σ_L²)
    S (order-up-to)    = s + max(EOQ, cover_days × d)
    suggested quantity = S − position, in whole packs, when the position is at or under s

z is the normal quantile of config service_level; d the forecast demand per day; σ_L the
lead time's standard deviation in days; EOQ = √(2 × annual demand × order_cost /
(holding_rate × unit cost)); the position is available (on hand less reserved) + incoming −
back-ordered, as `daigou reorder` counts it."""

import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from math import ceil, sqrt

from daigou_cli.core import config
from daigou_cli.core.forecast.methods import normal_quantile

SETTINGS = ("service_level", "cover_days", "order_cost", "holding_rate", "lead_days", "lead_time_cv",
            "event_uplift_cap")


@dataclass(frozen=True)
class Settings:
    service_level: float = 0.95
    cover_days: float = 28.0
    order_cost: float = 50.0      # base currency per purchase order
    holding_rate: float = 0.25    # share of the unit cost per year
    lead_days: float = 14.0       # when neither the product nor its supplier says
    lead_time_cv: float = 0.2     # σ_L / L when the ledger has too few deliveries to measure it
    event_uplift_cap: float = 4.0

    @property
    def z(self) -> float:
        return _z(self.service_level)


@lru_cache(maxsize=8)
def _z(service_level: float) -> float:
    return normal_quantile(service_level)


def settings(conn: sqlite3.Connection) -> Settings:
    return Settings(*(float(v) for v in config.get_many(conn, *SETTINGS)))


@dataclass(frozen=True)
class Policy:
    lead_time_demand: float
    safety_stock: float
    reorder_point: int       # s, whole units (rounded up)
    order_up_to: int         # S, whole units (rounded up)
    eoq: float | None


def eoq(daily: float, unit_cost: float | None, order_cost: float, holding_rate: float) -> float | None:
    """Economic order quantity in units; None without a unit cost or a holding cost."""
    if not unit_cost or unit_cost <= 0 or holding_rate <= 0 or daily <= 0:
        return None
    return sqrt(2.0 * daily * 365.0 * order_cost / (holding_rate * unit_cost))


def reorder_policy(lead_time_demand: float, lead_time_variance: float, daily: float, lead_sd: float,
                   z: float, cover_days: float, order_qty: float | None) -> Policy:
    safety = z * sqrt(max(lead_time_variance, 0.0) + daily * daily * lead_sd * lead_sd)
    s = lead_time_demand + max(safety, 0.0)
    big_s = s + max(order_qty or 0.0, cover_days * daily)
    return Policy(lead_time_demand, max(safety, 0.0), _up(s), _up(big_s), order_qty)


def _up(x: float) -> int:
    """Round up, forgiving float noise (14.000000000002 is 14)."""
    return max(int(ceil(x - 1e-9)), 0)


def packs(units: int, pack_size: int | None) -> int:
    """Round up to whole packs (0 stays 0)."""
    size = max(pack_size or 1, 1)
    return -(-units // size) * size if units > 0 else 0


def suggested_qty(policy: Policy, position: int, pack_size: int | None) -> int:
    """S − position in whole packs when the position is at or under s, else 0."""
    if policy.order_up_to <= 0 or position > policy.reorder_point:
        return 0
    return packs(max(policy.order_up_to - position, 1), pack_size)
