"""Realistic Chinese demo data for development and benchmarks.

``manage.py seed_demo --units N [--if-empty] [--seed S] [--no-history]``

Builds service centres, estates (苑/小区), buildings (栋), entrances (单元) and units (房号),
one dossier per unit (R1) with its archive number (R2), customers (individual households with
valid resident ID numbers, enterprises with valid unified social credit codes), sections
(occupancies: owners, tenants, moved-out owners, move-ins awaiting verification), household
members and contacts (some replaced, R10).

Everything is written with ``bulk_create`` in batches, estate by estate, inside one
transaction: no per-row ``save()``, no signals and none of the services (which check
permissions, notify and audit one move at a time). The fields ``save()`` would derive are
computed here instead (``Customer.name_initials``, normalised numbers), as is the dossier
status that ``_refresh_status`` would set.

History (django-simple-history): ``bulk_create`` writes none, so one initial history row per
record is written with ``bulk_history_create`` (change reason "演示数据"), dated the day the
record's story starts (move-in, joining, contact valid from, dossier opened). ``--no-history``
skips them, which is about a third faster for large benchmark databases.

Without ``--if-empty`` every run *appends* new estates; an estate name or code that is taken
gets a suffix (翠湖苑二期 / CH2). With ``--if-empty`` nothing happens once any dossier exists, so
``make run`` can call it every time. The same ``--seed`` on the same database gives the same
data. Like ``create_demo_users``, the command is refused unless ``DEBUG`` is on: it writes
invented personal data.
"""

import math
import random
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from faker import Faker
from pypinyin import Style, lazy_pinyin

from core.validators import (
    credit_code_check_char,
    organisation_code_check_char,
    resident_id_check_char,
)
from customers.models import (
    ArchiveNumber,
    Building,
    Contact,
    Customer,
    Dossier,
    Estate,
    HouseholdMember,
    Occupancy,
    ServiceCentre,
    Unit,
)
from customers.services import format_archive_number

HISTORY_REASON = "演示数据"
# the record's own date that its initial history row carries
HISTORY_DAY_FIELDS = ("moved_in", "joined_on", "valid_from", "opened_on")

SERVICE_CENTRES = [
    ("第一服务中心", "SC1"),
    ("第二服务中心", "SC2"),
    ("第三服务中心", "SC3"),
    ("第四服务中心", "SC4"),
]

# (name, code): the code goes into the archive numbers.
ESTATES = [
    ("翠湖苑", "CH"),
    ("锦绣花园", "JX"),
    ("滨江华府", "BJ"),
    ("碧水湾", "BS"),
    ("金色家园", "JS"),
    ("阳光花园", "YG"),
    ("海棠湾", "HT"),
    ("枫林绿洲", "FL"),
    ("紫荆苑", "ZJ"),
    ("龙腾苑", "LT"),
    ("东方明珠花园", "DF"),
    ("世纪花城", "SJ"),
    ("绿景新苑", "LJ"),
    ("丽水佳园", "LS"),
    ("香樟园", "XZ"),
    ("玉兰苑", "YL"),
    ("书香门第", "SX"),
    ("怡景湾", "YJ"),
    ("瑞祥家园", "RX"),
    ("华庭雅苑", "HY"),
    ("君悦府", "JY"),
    ("天鹅湖花园", "TE"),
    ("星河湾", "XH"),
    ("万象华府", "WX"),
    ("松涛苑", "ST"),
    ("金地名郡", "JD"),
    ("桃源居", "TY"),
    ("和谐家园", "HX"),
    ("南山花园", "NS"),
    ("春华苑", "CY"),
    ("明珠苑", "MZ"),
    ("半山御园", "BM"),
]
CHINESE_NUMERALS = "零一二三四五六七八九十"

DISTRICTS = ["南山区", "福田区", "罗湖区", "宝安区", "龙岗区", "龙华区"]
STREETS = [
    "深南大道",
    "滨海大道",
    "沙河西路",
    "科苑南路",
    "南海大道",
    "北环大道",
    "红荔路",
    "莲花路",
    "福华路",
    "新洲路",
    "华侨城路",
    "梅林路",
    "布吉路",
    "宝安大道",
    "创业路",
    "龙岗大道",
    "民治大道",
    "留仙大道",
    "桃园路",
    "后海大道",
    "香蜜湖路",
    "东门中路",
]
# Where people were born: real county-level codes (GB/T 2260).
ID_REGIONS = [
    "110101",  # 北京 东城
    "110105",  # 北京 朝阳
    "120101",  # 天津 和平
    "210102",  # 沈阳 和平
    "310104",  # 上海 徐汇
    "310115",  # 上海 浦东
    "320102",  # 南京 玄武
    "320115",  # 南京 江宁
    "330102",  # 杭州 上城
    "330106",  # 杭州 西湖
    "350203",  # 厦门 思明
    "360102",  # 南昌 东湖
    "370202",  # 青岛 市南
    "410105",  # 郑州 金水
    "420106",  # 武汉 武昌
    "430104",  # 长沙 岳麓
    "440106",  # 广州 天河
    "440303",  # 深圳 罗湖
    "440304",  # 深圳 福田
    "440305",  # 深圳 南山
    "440306",  # 深圳 宝安
    "450103",  # 南宁 青秀
    "500103",  # 重庆 渝中
    "510107",  # 成都 武侯
    "610113",  # 西安 雁塔
]
# Where enterprises are registered (the company is in Shenzhen, area code 0755).
USCC_REGIONS = ["440300", "440303", "440304", "440305", "440306", "440307", "440309"]
MOBILE_PREFIXES = [f"13{d}" for d in range(10)] + [
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    *(f"18{d}" for d in range(10)),
]
COMPANY_TRADES = ["科技", "贸易", "实业", "投资", "餐饮管理", "文化传播", "电子", "物流", "咨询"]
TRADE_NAME_1 = list("华鑫瑞恒德信达通盛泰安宏嘉和兴汇联创博远鼎金天润")
TRADE_NAME_2 = list("盛达信通丰泰源昌业隆成美辉科亚威捷益")
COMPANY_FORMS = ["有限公司", "有限公司", "有限公司", "股份有限公司"]
CONTACT_RELATIONS = ["配偶", "子女", "兄弟", "姐妹", "朋友", "亲属"]
ENTERPRISE_CONTACT_ROLES = ["行政主管", "财务经理", "办公室主任", "总经理助理"]
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _suffix(n: int) -> str:
    return f"{CHINESE_NUMERALS[n]}期" if n <= 10 else f"{n}期"


class _Seeder:
    def __init__(self, *, seed, batch_size, history, recorder, verifier, out):
        self.rng = random.Random(seed)  # noqa: S311 - invented demo data, not secrets
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.batch_size = batch_size
        self.history = history
        self.recorder, self.verifier = recorder, verifier
        self.out = out
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.counts = dict.fromkeys(
            [
                "estates",
                "buildings",
                "units",
                "dossiers",
                "customers",
                "enterprises",
                "occupancies",
                "members",
                "contacts",
                "history",
            ],
            0,
        )
        self.appending = Dossier.objects.exists()
        self.used_ids: set[str] = set()
        self.used_codes: set[str] = set()
        self.used_numbers: set[str] = set()
        self.reused_owners = 0  # per estate
        if self.appending:
            self.used_ids.update(
                Customer.objects.exclude(id_number="").values_list("id_number", flat=True)
            )
            self.used_codes.update(
                Customer.objects.exclude(credit_code="").values_list("credit_code", flat=True)
            )

    # --- writing -------------------------------------------------------------------------
    def _insert(self, model, objs, key=None):
        if not objs:
            return
        model.objects.bulk_create(objs, batch_size=self.batch_size)
        if self.history:
            for obj in objs:  # dated the day it happened, so the dossier-as-of page knows it
                day = next(filter(None, (getattr(obj, f, None) for f in HISTORY_DAY_FIELDS)), None)
                if day:
                    moment = timezone.make_aware(datetime(day.year, day.month, day.day, 9))
                    obj._history_date = min(moment, self.now)
            model.history.bulk_history_create(
                objs,
                batch_size=self.batch_size,
                default_user=self.recorder,
                default_change_reason=HISTORY_REASON,
                default_date=self.now,
            )
            self.counts["history"] += len(objs)
        if key:
            self.counts[key] += len(objs)

    # --- small generators ------------------------------------------------------------------
    def days_after(self, start: date, low: int, high: int) -> date:
        return min(start + timedelta(days=self.rng.randint(low, high)), self.today)

    def at_office_hours(self, day: date) -> datetime:
        moment = datetime(day.year, day.month, day.day, self.rng.randint(9, 17))
        moment += timedelta(minutes=self.rng.randint(0, 59))
        return min(timezone.make_aware(moment), self.now)

    def mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def landline(self, first_digit="8") -> str:
        return f"0755-{first_digit}{self.rng.randrange(10**7):07d}"

    def street_address(self) -> str:
        return (
            f"深圳市{self.rng.choice(DISTRICTS)}{self.rng.choice(STREETS)}"
            f"{self.rng.randint(1, 3999)}号"
        )

    def person_name(self, sex: str, surname: str | None = None) -> tuple[str, str]:
        """(full name, surname)."""
        surname = surname or self.fake.last_name()
        given = self.fake.first_name_male() if sex == "M" else self.fake.first_name_female()
        return surname + given, surname

    def birth_date(self, oldest: int, youngest: int) -> date:
        """Somebody aged between ``youngest`` and ``oldest`` years today."""
        start = self.today.replace(year=self.today.year - oldest, day=1)
        span = (self.today.replace(year=self.today.year - youngest, day=1) - start).days
        return start + timedelta(days=self.rng.randrange(max(span, 1)))

    def resident_id(self, born: date, sex: str) -> str:
        """A valid, unused 18-character number: region, birth date, sequence (odd for men),
        check character."""
        while True:
            sequence = self.rng.randrange(100)
            sex_digit = self.rng.choice("13579" if sex == "M" else "02468")
            first17 = f"{self.rng.choice(ID_REGIONS)}{born:%Y%m%d}{sequence:02d}{sex_digit}"
            number = first17 + resident_id_check_char(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def credit_code(self) -> str:
        """91 (enterprise at the market regulator) + region + organisation code + check."""
        while True:
            if self.rng.random() < 0.6:  # codes issued since 2015: "MA" + 6 characters
                body = "MA" + "".join(self.rng.choice(_USCC_ALPHABET) for _ in range(6))
            else:  # an older organisation code: eight digits
                body = f"{self.rng.randrange(10**8):08d}"
            org = body + organisation_code_check_char(body)
            first17 = "91" + self.rng.choice(USCC_REGIONS) + org
            code = first17 + credit_code_check_char(first17)
            if code not in self.used_codes:
                self.used_codes.add(code)
                return code

    # --- property structure ----------------------------------------------------------------
    def service_centres(self):
        centres = []
        for name, code in SERVICE_CENTRES:
            centre, _created = ServiceCentre.objects.get_or_create(
                name=name, defaults={"code": code, "phone": self.landline()}
            )
            centres.append(centre)
        return centres

    def estates(self, count, centres):
        names = set(Estate.objects.values_list("name", flat=True))
        codes = set(Estate.objects.values_list("code", flat=True))
        pool = ESTATES[:]
        self.rng.shuffle(pool)
        estates = []
        for i in range(count):
            base_name, base_code = pool[i % len(pool)]
            name, code, n = base_name, base_code, 1
            while name in names or code in codes:
                n += 1
                name, code = base_name + _suffix(n), f"{base_code}{n}"
            names.add(name)
            codes.add(code)
            estate = Estate(
                name=name,
                code=code,
                service_centre=centres[i % len(centres)],
                address=self.street_address(),
            )
            # handed over to the buyers between 2003 and three years ago
            estate.delivered_on = date(2003, 1, 1) + timedelta(
                days=self.rng.randrange((self.today - date(2003, 1, 1)).days - 3 * 365)
            )
            estates.append(estate)
        self._insert(Estate, estates, "estates")
        return estates

    def units_of(self, building, size):
        entrances = 2 if size >= 40 else 1
        per_floor = self.rng.choice([2, 2, 3, 4]) if size >= 60 else 2
        floors = math.ceil(size / (entrances * per_floor))
        shops = floors > 3 and self.rng.random() < 0.2
        units = []
        for floor in range(1, floors + 1):
            for entrance in range(1, entrances + 1):
                for k in range(1, per_floor + 1):
                    if len(units) == size:
                        return units
                    commercial = shops and floor == 1
                    area = self.rng.uniform(30, 200) if commercial else self.rng.uniform(55, 165)
                    units.append(
                        Unit(
                            building=building,
                            entrance=str(entrance),
                            floor=floor,
                            # rooms are numbered across the entrances: 1201 1202 | 1203 1204
                            room=str(floor * 100 + (entrance - 1) * per_floor + k),
                            usage=Unit.Usage.COMMERCIAL if commercial else Unit.Usage.RESIDENTIAL,
                            area=Decimal(f"{area:.2f}"),
                        )
                    )
        return units

    def archive_numbers(self, units):
        """format_archive_number for each unit; a number issued before gets a suffix, as
        ``_issue_archive_number`` does."""
        bases = [format_archive_number(u) for u in units]
        if self.appending:
            for i in range(0, len(bases), 1000):
                chunk = bases[i : i + 1000]
                self.used_numbers.update(
                    ArchiveNumber.objects.filter(number__in=chunk).values_list("number", flat=True)
                )
        numbers = []
        for base in bases:
            candidate, n = base, 1
            while candidate in self.used_numbers:
                n += 1
                candidate = f"{base}-{n}"
            self.used_numbers.add(candidate)
            numbers.append(candidate)
        return numbers

    # --- people ---------------------------------------------------------------------------
    def individual(self, unit=None, oldest=80, youngest=25):
        sex = self.rng.choice("MF")
        born = self.birth_date(oldest, youngest)
        name, surname = self.person_name(sex)
        customer = Customer(
            kind=Customer.Kind.INDIVIDUAL,
            name=name,
            sex=sex,
            birth_date=born,
            id_number=self.resident_id(born, sex),
            mobile=self.mobile(),
            landline=self.landline("2") if self.rng.random() < 0.1 else "",
            address=self._home_address(unit),
            created_by=self.recorder,
        )
        customer.surname = surname
        if self.rng.random() < 0.2:
            customer.email = f"{self._initials(name)}{self.rng.randint(10, 9999)}@example.com"
        return customer

    def enterprise(self, unit=None):
        code = self.credit_code()
        customer = Customer(
            kind=Customer.Kind.ENTERPRISE,
            name=(
                f"深圳市{self.rng.choice(TRADE_NAME_1)}{self.rng.choice(TRADE_NAME_2)}"
                f"{self.rng.choice(COMPANY_TRADES)}"
                f"{self.rng.choice(COMPANY_FORMS)}"
            ),
            credit_code=code,
            tax_number=code,  # since 2015 the credit code is also the tax number
            legal_representative=self.person_name(self.rng.choice("MF"))[0],
            licence_valid_until=self.today + timedelta(days=self.rng.randint(-200, 3650)),
            annual_review_date=self.today - timedelta(days=self.rng.randint(10, 400)),
            landline=self.landline(),
            mobile=self.mobile() if self.rng.random() < 0.5 else "",
            address=self._home_address(unit) if unit else self.street_address(),
            created_by=self.recorder,
        )
        return customer

    def customer(self, unit=None, **kwargs):
        customer = (
            self.enterprise(unit) if self.rng.random() < 0.08 else self.individual(unit, **kwargs)
        )
        customer.name_initials = self._initials(customer.name)
        customer.units = 0
        return customer

    def _home_address(self, unit):
        if unit is None or self.rng.random() < 0.3:
            return self.street_address()
        building = unit.building
        estate = building.estate
        return f"{estate.address}{estate.name}{building.number}栋{unit.entrance}单元{unit.room}"

    @staticmethod
    def _initials(name):
        # as Customer.save() does
        return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()[:100]

    def members(self, customer, since):
        members = []
        relations = ["配偶", "儿子", "女儿"]
        if customer.birth_date > self.today.replace(year=self.today.year - 55, day=1):
            relations += ["父亲", "母亲"]
        for _ in range(self.rng.choice([1, 1, 2, 2, 3])):
            relation = self.rng.choice(relations)
            if relation == "配偶":
                sex = "F" if customer.sex == "M" else "M"
                born = customer.birth_date + timedelta(days=self.rng.randint(-2000, 2000))
                name, _surname = self.person_name(sex)
            elif relation in ("儿子", "女儿"):
                sex = "M" if relation == "儿子" else "F"
                born = customer.birth_date + timedelta(days=self.rng.randint(22 * 365, 38 * 365))
                name, _surname = self.person_name(
                    sex, customer.surname if customer.sex == "M" else None
                )
            else:
                sex = "M" if relation == "父亲" else "F"
                born = customer.birth_date - timedelta(days=self.rng.randint(20 * 365, 35 * 365))
                name, _surname = self.person_name(
                    sex, customer.surname if relation == "父亲" else None
                )
            born = max(min(born, self.today - timedelta(days=30)), date(1920, 1, 1))
            adult = (self.today - born).days >= 18 * 365
            joined = max(since, born)
            member = HouseholdMember(
                customer=customer,
                name=name,
                relation=relation,
                sex=sex,
                birth_date=born,
                id_number=self.resident_id(born, sex),
                mobile=self.mobile() if adult else "",
                joined_on=joined,
            )
            if self.rng.random() < 0.05 and joined < self.today - timedelta(days=60):
                member.left_on = self.days_after(joined, 30, 3000)
            members.append(member)
        return members

    def contacts(self, customer, since):
        """1-2 current contacts; some replaced an earlier one (R10). Returns (current, old)."""
        current, old = [], []
        kinds = [Contact.Kind.EMERGENCY, Contact.Kind.DAILY]
        if customer.kind == Customer.Kind.ENTERPRISE:
            kinds.reverse()
        for kind in kinds[: self.rng.choice([1, 1, 2])]:
            contact = self._contact(customer, kind, since)
            current.append(contact)
            if self.rng.random() < 0.08 and since < self.today - timedelta(days=60):
                contact.valid_from = self.days_after(since, 30, 3000)
                earlier = self._contact(customer, kind, since)
                earlier.valid_until = contact.valid_from
                earlier.replaced_by = contact
                old.append(earlier)
        return current, old

    def _contact(self, customer, kind, since):
        sex = self.rng.choice("MF")
        if customer.kind == Customer.Kind.ENTERPRISE:
            relation = self.rng.choice(ENTERPRISE_CONTACT_ROLES)
        else:
            relation = self.rng.choice(CONTACT_RELATIONS)
        return Contact(
            customer=customer,
            kind=kind,
            name=self.person_name(sex)[0],
            relation=relation,
            mobile=self.mobile(),
            valid_from=since,
            recorded_by=self.recorder,
        )

    # --- sections --------------------------------------------------------------------------
    def section(self, dossier, customer, role, number, status, moved_in, moved_out=None):
        occupancy = Occupancy(
            dossier=dossier,
            customer=customer,
            role=role,
            section_number=number,
            status=status,
            moved_in=moved_in,
            moved_out=moved_out,
            recorded_by=self.recorder,
        )
        if status != Occupancy.Status.PENDING:
            occupancy.verified_by = self.verifier
            occupancy.verified_at = self.at_office_hours(self.days_after(moved_in, 0, 3))
            customer.locked = True  # locked at verification (R9), and stays locked
        if status == Occupancy.Status.MOVED_OUT:
            occupancy.closed_by = self.recorder
        customer.units += role == Occupancy.Role.OWNER and status == Occupancy.Status.ACTIVE
        return occupancy

    def sections_of(self, dossier, unit, owners, reuse_owner=False):
        """The unit's history: about 85% occupied (some by a second owner, some with a tenant),
        a few move-ins awaiting verification, the rest vacant. Returns (sections, new customers)."""
        Status, Role = Occupancy.Status, Occupancy.Role
        sections, customers = [], []
        number = 0

        def add(customer, role, status, moved_in, moved_out=None, *, new=True):
            nonlocal number
            number += 1
            if new:
                customers.append(customer)
            sections.append(
                self.section(dossier, customer, role, number, status, moved_in, moved_out)
            )
            return sections[-1]

        opened = dossier.opened_on
        roll = self.rng.random()
        first_in = self.days_after(opened, 0, 200)
        # an earlier owner who sold and left, when there were years enough for it
        if roll < 0.88 and self.rng.random() < 0.12 and first_in < self.today - timedelta(days=800):
            moved_out = self.days_after(first_in, 365, (self.today - first_in).days - 60)
            add(self.customer(unit), Role.OWNER, Status.MOVED_OUT, first_in, moved_out)
            first_in = self.days_after(moved_out, 1, 60)
        if roll < 0.85:
            owner = None
            if owners and (reuse_owner or self.rng.random() < 0.005):  # R11: several units
                candidates = [c for c in owners if c.units < 3]
                owner = self.rng.choice(candidates) if candidates else None
            if owner:
                add(owner, Role.OWNER, Status.ACTIVE, first_in, new=False)
                self.reused_owners += 1
            else:
                owner = self.customer(unit)
                add(owner, Role.OWNER, Status.ACTIVE, first_in)
            if owner.units == 1 and owner.kind == Customer.Kind.INDIVIDUAL:
                owners.append(owner)
            if self.rng.random() < 0.118:
                tenant_in = self.days_after(first_in, 30, 2000)
                add(self.customer(oldest=60, youngest=20), Role.TENANT, Status.ACTIVE, tenant_in)
            elif self.rng.random() < 0.01:
                pending_in = self.days_after(max(first_in, self.today - timedelta(days=20)), 0, 20)
                add(self.customer(oldest=60, youngest=20), Role.TENANT, Status.PENDING, pending_in)
            dossier.status = Dossier.Status.OCCUPIED
        elif roll < 0.87:
            pending_in = max(first_in, self.today - timedelta(days=self.rng.randint(0, 20)))
            add(self.customer(unit), Role.OWNER, Status.PENDING, pending_in)
            dossier.status = Dossier.Status.PENDING
        else:
            dossier.status = Dossier.Status.VACANT
        return sections, customers

    # --- one estate at a time ----------------------------------------------------------------
    def seed_estate(self, estate, quota):
        rng = self.rng
        n_buildings = max(1, round(quota / 180))
        if quota >= 16:
            n_buildings = max(n_buildings, 2)
        sizes = [quota // n_buildings + (i < quota % n_buildings) for i in range(n_buildings)]
        buildings = [
            Building(estate=estate, number=str(i), name=f"{i}栋") for i in range(1, n_buildings + 1)
        ]
        self._insert(Building, buildings, "buildings")
        units = [
            u for b, size in zip(buildings, sizes, strict=True) for u in self.units_of(b, size)
        ]
        self._insert(Unit, units, "units")

        dossiers = []
        for unit, number in zip(units, self.archive_numbers(units), strict=True):
            dossiers.append(
                Dossier(
                    unit=unit,
                    archive_number=number,
                    secrecy_level="B" if rng.random() < 0.03 else "C",
                    opened_on=self.days_after(estate.delivered_on, 0, 90),
                    opened_by=self.recorder,
                )
            )
        sections, customers, owners = [], [], []
        self.reused_owners = 0
        for dossier, unit in zip(dossiers, units, strict=True):
            # a handful of owners of several units: about 1 in 200, and one in every estate
            unit_sections, unit_customers = self.sections_of(
                dossier, unit, owners, reuse_owner=self.reused_owners == 0
            )
            sections += unit_sections
            customers += unit_customers
        self._insert(Dossier, dossiers, "dossiers")
        ArchiveNumber.objects.bulk_create(
            [ArchiveNumber(number=d.archive_number, dossier=d) for d in dossiers],
            batch_size=self.batch_size,
        )
        self._insert(Customer, customers, "customers")
        self.counts["enterprises"] += sum(c.kind == Customer.Kind.ENTERPRISE for c in customers)
        self._insert(Occupancy, sections, "occupancies")

        since = {}
        for occupancy in sections:
            since.setdefault(occupancy.customer, occupancy.moved_in)
        members, current, old = [], [], []
        for customer in customers:
            if customer.kind == Customer.Kind.INDIVIDUAL:
                members += self.members(customer, since[customer])
            new, replaced = self.contacts(customer, since[customer])
            current += new
            old += replaced
        self._insert(HouseholdMember, members, "members")
        self._insert(Contact, current, "contacts")
        self._insert(Contact, old, "contacts")

    def run(self, units):
        centres = self.service_centres()
        n_estates = min(len(ESTATES), max(min(3, math.ceil(units / 10)), math.ceil(units / 4000)))
        quotas = [units // n_estates + (i < units % n_estates) for i in range(n_estates)]
        for estate, quota in zip(self.estates(n_estates, centres), quotas, strict=True):
            self.seed_estate(estate, quota)
            self.out(f"  {estate.code:<5} {estate.name}: {quota} units")


class Command(BaseCommand):
    help = (
        "Bulk-create realistic Chinese demo data: estates, buildings, units, one dossier per "
        "unit, customers, sections, household members and contacts (development only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=60, help="Units to create (default 60).")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if any dossier exists (so it can run on every start).",
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed (default 2026): same data."
        )
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="Skip the initial django-simple-history rows (faster for benchmarks).",
        )
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Refused: demo data is only made when DEBUG is on.")
        units = options["units"]
        if units < 1:
            raise CommandError("--units must be at least 1.")
        if options["if_empty"] and Dossier.objects.exists():
            self.stdout.write("Dossiers exist already: no demo data added (--if-empty).")
            return
        started = time.perf_counter()
        recorder, verifier = self._demo_users()
        seeder = _Seeder(
            seed=options["seed"],
            batch_size=options["batch_size"],
            history=not options["no_history"],
            recorder=recorder,
            verifier=verifier,
            out=self.stdout.write if options["verbosity"] > 1 else lambda _msg: None,
        )
        with transaction.atomic():
            seeder.run(units)
        counts = seeder.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: {counts['estates']} estates, {counts['buildings']} buildings, "
                f"{counts['units']} units, {counts['dossiers']} dossiers, "
                f"{counts['customers']} customers ({counts['enterprises']} enterprises), "
                f"{counts['occupancies']} sections, {counts['members']} household members, "
                f"{counts['contacts']} contacts, {counts['history']} history rows "
                f"in {time.perf_counter() - started:.1f} s."
            )
        )

    @staticmethod
    def _demo_users():
        """The demo front desk records, the demo manager verifies (R4: two different people)."""
        user_model = get_user_model()
        recorder = user_model.objects.filter(username="frontdesk").first()
        verifier = user_model.objects.filter(username="manager").first()
        if recorder and verifier:
            return recorder, verifier
        users = []
        for username, last, first in [("seed_recorder", "周", "敏"), ("seed_verifier", "吴", "刚")]:
            user, created = user_model.objects.get_or_create(
                username=username, defaults={"last_name": last, "first_name": first}
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            users.append(user)
        return users
