"""Date formats for Hmong (hmn), which Django does not ship.

Django's month and weekday names have no Hmong translation, so the formats use numbers with
Hmong words around them: "Hnub tim 5 lub 1 hlis ntuj xyoo 2025" (the 5th of the 1st month,
year 2025). To be checked by a native Hmong speaker with the catalogue (locale/hmn).
"""

DATE_FORMAT = r"\H\n\u\b \t\i\m j \l\u\b n \h\l\i\s \n\t\u\j \x\y\o\o Y"
TIME_FORMAT = "G:i"
DATETIME_FORMAT = r"\H\n\u\b \t\i\m j \l\u\b n \h\l\i\s \n\t\u\j \x\y\o\o Y, G:i"
SHORT_DATE_FORMAT = "n/j/Y"
SHORT_DATETIME_FORMAT = "n/j/Y G:i"
MONTH_DAY_FORMAT = r"j \l\u\b n \h\l\i\s"
YEAR_MONTH_FORMAT = r"\l\u\b n \h\l\i\s \x\y\o\o Y"
FIRST_DAY_OF_WEEK = 0  # Sunday, as in the United States
DATE_INPUT_FORMATS = ["%m/%d/%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%m/%d/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
