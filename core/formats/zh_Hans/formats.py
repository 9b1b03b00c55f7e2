# One format per language (docs/core.md, Language): dates 2026年12月2日, times 14:05. The short
# formats are the same, so a page never shows one date two ways. Input formats are Django's.
DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
