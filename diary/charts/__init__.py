"""The geometry of every chart, the carer's and the clinician's: where things go, not markup.

Each function returns a plain dataclass of coordinates, polyline point strings, ticks, labels
and words; the templates under ``templates/charts/`` draw it, so Django's autoescaping guards
every word that reaches an SVG. ``frame`` maps days and values to coordinates; ``carer`` is the
carer's 7-day score chart; ``trend`` (DDS trend, sparkline), ``heat`` (item heat map) and
``measure`` (steroid dose, PGA, weight, height) are the clinician's.
"""
