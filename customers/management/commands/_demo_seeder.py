"""The writer of the demo data (``seed_demo``): bulk inserts, estate by estate, with the fields
``save()`` would derive computed here, and one initial history row per record."""

import math
import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from faker import Faker
from pypinyin import Style, lazy_pinyin

from core.validators import (
    credit_code_check_char,
    organisation_code_check_char,
    resident_id_check_char,
)
from customers.dossiers import format_archive_number, unit_sort_key
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

from ._demo_data import (
    _USCC_ALPHABET,
    COMPANY_FORMS,
    COMPANY_TRADES,
    CONTACT_RELATIONS,
    DISTRICTS,
    ENTERPRISE_CONTACT_ROLES,
    ESTATES,
    HISTORY_DAY_FIELDS,
    HISTORY_REASON,
    ID_REGIONS,
    MOBILE_PREFIXES,
    SERVICE_CENTRES,
    STREETS,
    TRADE_NAME_1,
    TRADE_NAME_2,
    USCC_REGIONS,
    _suffix,
)


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
            if relation in ("配偶", "父亲", "母亲"):
                relations.remove(relation)  # one spouse, one father, one mother per household
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
                    sort_key=unit_sort_key(unit),
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
