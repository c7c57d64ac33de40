"""How English pages and emails write dates and times (FORMAT_MODULE_PATH): Thu 4 Dec 2026, 11:30.

Templates use the names (``|date:"DATETIME_FORMAT"``), never a pattern of their own, so this file
and its Japanese twin are the one place the format is decided.
"""

DATE_FORMAT = "D j M Y"
DATETIME_FORMAT = "D j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "F Y"
TIME_FORMAT = "H:i"
