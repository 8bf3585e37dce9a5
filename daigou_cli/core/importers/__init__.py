"""Importers: one module per file format. Each turns CSV rows into canonical records and
hands them to one writer, through the machinery in `common` (reading, decoding, header
matching, all-or-nothing, reject files)."""
