import datetime
import itertools

import factory

from core.roles import Role
from core.validators import credit_code_check_char, resident_id_check_char
from customers import services
from customers.models import Building, Customer, Estate, Occupancy, ServiceCentre, Unit

from ..factories import user_with_role

_sequence = itertools.count(101)


def resident_id(birth=datetime.date(1985, 6, 15), sex="M", region="110101"):
    """A valid 18-digit resident ID (MOD 11-2) for the given birth date and sex."""
    n = next(_sequence)
    seq = (n * 2 + (1 if sex == "M" else 0)) % 1000  # the 17th digit is odd for men
    region = f"{int(region) + n // 500:06d}"
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + resident_id_check_char(body)


def resident_id_of(first17):
    """``first17`` completed with its ISO 7064 MOD 11-2 check character."""
    return first17 + resident_id_check_char(first17)


def credit_code_of(first17):
    """``first17`` completed with its GB 32100-2015 check character."""
    return first17 + credit_code_check_char(first17)


def credit_code(n=None):
    n = next(_sequence) if n is None else n
    body = f"91440300{n:09d}"[:17]
    return body + credit_code_check_char(body)


class ServiceCentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCentre

    name = factory.Sequence(lambda n: f"第{n}服务中心")
    code = factory.Sequence(lambda n: f"SC{n}")


class EstateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Estate

    name = factory.Sequence(lambda n: f"翠湖苑{n}期")
    code = factory.Sequence(lambda n: f"CH{n}")
    service_centre = factory.SubFactory(ServiceCentreFactory)


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    estate = factory.SubFactory(EstateFactory)
    number = factory.Sequence(lambda n: str(n + 1))


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    building = factory.SubFactory(BuildingFactory)
    entrance = "1"
    floor = 12
    room = factory.Sequence(lambda n: f"12{n:02d}")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    kind = Customer.Kind.INDIVIDUAL
    name = factory.Sequence(lambda n: f"张伟{n}")
    sex = "M"
    birth_date = datetime.date(1985, 6, 15)
    id_number = factory.LazyAttribute(lambda c: resident_id(c.birth_date, c.sex))
    mobile = factory.Sequence(lambda n: f"138{n:08d}")
    address = "上海市浦东新区世纪大道100号"


class EnterpriseFactory(CustomerFactory):
    kind = Customer.Kind.ENTERPRISE
    name = factory.Sequence(lambda n: f"深圳市华强贸易有限公司{n}")
    sex = ""
    birth_date = None
    id_number = ""
    credit_code = factory.LazyFunction(credit_code)
    mobile = ""
    landline = "0755-83456789"


def front_desk_user():
    return user_with_role(Role.FRONT_DESK)


def dossier_for(unit=None, *, actor=None, secrecy="C"):
    unit = unit or UnitFactory()
    dossier = services.dossier_open(unit=unit, actor=actor or front_desk_user())
    if secrecy != "C":
        dossier.secrecy_level = secrecy
        dossier.save(update_fields=["secrecy_level"])
    return dossier


def moved_in(
    dossier=None,
    customer=None,
    *,
    role=Occupancy.Role.OWNER,
    verified=True,
    recorder=None,
    verifier=None,
    day=datetime.date(2024, 3, 1),
):
    """A customer moved into the dossier's unit, verified by a second person by default."""
    from customers.permissions import can_view_dossier, grant_dossier, revoke_dossier

    dossier = dossier or dossier_for()
    customer = customer or CustomerFactory()
    recorder = recorder or front_desk_user()
    verifier = verifier or (user_with_role(Role.MANAGER) if verified else None)
    # services write only into a dossier the actor may see (R17): a confidential dossier's
    # people are granted on it for the move, and the grant is taken back after it
    lent = [p for p in (recorder, verifier) if p is not None and not can_view_dossier(p, dossier)]
    for person in lent:
        grant_dossier(person, dossier)
    occupancy = services.move_in_record(
        unit=dossier.unit, customer=customer, role=role, moved_in=day, actor=recorder
    )
    if verified:
        occupancy = services.occupancy_verify(occupancy=occupancy, actor=verifier)
    for person in lent:
        revoke_dossier(person, dossier)
    return occupancy


def move_in_post(unit, **customer):
    data = {
        "move-estate": unit.building.estate_id,
        "move-building": unit.building_id,
        "move-unit": unit.pk,
        "move-role": "owner",
        "move-moved_in": "2026-11-01",
        "customer-kind": "individual",
        "customer-name": "陈静",
        "customer-sex": "F",
        "customer-birth_date": "1990-03-07",
        "customer-id_number": resident_id(datetime.date(1990, 3, 7), "F"),
        "customer-mobile": "13812345678",
        "customer-address": "深圳市南山区科技园路1号",
    }
    data.update({f"customer-{k}": v for k, v in customer.items()})
    return data
