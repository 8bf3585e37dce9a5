"""Reports: one module per report, each a function taking a connection and plain values and
returning rows computed in SQL. `period` turns --period/--from/--to into a time window."""
