"""How Japanese pages and emails write dates and times: 2026年12月4日(金) 11:30 (see ``en``)."""

DATE_FORMAT = "Y年n月j日(D)"
DATETIME_FORMAT = "Y年n月j日(D) H:i"
SHORT_DATE_FORMAT = "Y年n月j日"
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"
MONTH_DAY_FORMAT = "n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
TIME_FORMAT = "H:i"
