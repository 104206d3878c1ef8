"""Non-working days (法定休假日) for the periods of the procedure laws.

民事诉讼法 art. 85 (2023 numbering; art. 82 before 2022): a period whose last day is a
法定休假日 ends on the first day after it. 法定休假日 are Saturdays and Sundays as well as
public holidays, except the weekend days the State Council moves to working days (调休).

The calendar is the `holidays` package's China calendar (python-holidays, the maintained
open calendar of public holidays): the statutory holidays of 全国年节及纪念日放假办法 and, for
each year the State Council has announced, its 国务院办公厅关于…年部分节假日安排的通知 (holidays
and 调休 working days), shipped with the package version installed (`SOURCE`). A year not yet
announced gets the statutory holidays and plain weekends. A deployment can add holidays and
working days of its own (`ECOLEADS_HOLIDAYS`, `ECOLEADS_WORKDAYS`); those win.
"""

import threading
from collections.abc import Collection
from datetime import date
from importlib.metadata import version

import holidays

SOURCE = (
    f"holidays {version('holidays')} (python-holidays: 全国年节及纪念日放假办法 and the State "
    "Council's yearly 部分节假日安排的通知, with 调休 working days)"
)


class NonWorkingDays:
    """`day in calendar` is true for a day that is not a working day in mainland China."""

    def __init__(self, extra_holidays: Collection[date] = (), workdays: Collection[date] = ()):
        self._extra = frozenset(extra_holidays)
        self._workdays = frozenset(workdays)
        self._china = holidays.country_holidays("CN")
        self._lock = threading.Lock()  # the package fills in a year the first time it is asked

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date) or day in self._workdays:
            return False
        if day in self._extra:
            return True
        with self._lock:
            return not self._china.is_working_day(day)

    def __repr__(self) -> str:
        return f"NonWorkingDays(+{len(self._extra)} holidays, +{len(self._workdays)} workdays)"


# Mainland China's calendar as shipped; deployments add their own days through the settings.
CHINA = NonWorkingDays()
