"""Market data: normalisation rules, bundled sources and bands, audit, level ladders and mapping.

The package itself exports nothing: import from its modules. The ones other packages use are
``ports`` (what a record store provides: :class:`~offerlab.market.ports.MarketRecords`),
``stats`` (percentiles, component bands, level statistics), ``service`` (band queries and a
company's ladder of bands), ``bands``, ``levels`` and ``normalize``; the rest is private by
convention.
"""
