# One format per language (docs/core.md, Language): dates 2 Dec 2026, times 14:05 (24 hours,
# as the Chinese pages). The short formats are the same. Input formats are Django's.
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
