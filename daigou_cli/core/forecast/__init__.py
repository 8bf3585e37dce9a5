"""Demand forecasting and statistical reorder points (issue 8): methods on one SKU's daily
demand, the calendar of shopping events, the SQL that gathers demand, the reorder policy,
and a backtest. `engine` ties them together for `daigou report forecast` and `reorder`."""
