"""Field parsers: one small pure module per kind of value (seq, bodies, dates,
quantities, text blocks)."""
