"""Market data: normalisation rules, bundled sources and bands, audit, level ladders and mapping."""
