"""The money side of ``seed_demo_records``: six months of management-fee charges with their
payments and some arrears, deposits of every kind in every settlement state, and the tenants'
leases (renewed, ended and signed again, one tenant moving out), through their services."""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from customers import services as customer_services
from records.finance import leases as finance_leases
from records.finance import selectors
from records.finance import services as finance
from records.models import Deposit, Lease

MONTHS = 6  # of management-fee charges
PAYMENT_METHODS = ["wechat", "wechat", "alipay", "transfer", "cash", "card"]


class MoneyRecords:
    """Mixed into ``Filler``: uses its rng, clock (``on``), dates, numbers and users."""

    # --- charges and payments -------------------------------------------------------------
    def periods(self):
        """The last MONTHS billing periods before this month, oldest first: (YYYY-MM, 1st)."""
        first = self.today.replace(day=1)
        result = []
        for _ in range(MONTHS):
            first = (first - datetime.timedelta(days=1)).replace(day=1)
            result.append(first)
        return [(f"{d:%Y-%m}", d) for d in reversed(result)]

    def monthly_fee(self, slot):
        estate = slot.unit.building.estate
        rate = self.rates.setdefault(
            estate.pk, Decimal(self.rng.choice(["2.50", "2.80", "3.20", "3.50", "4.20"]))
        )
        if slot.unit.usage != "residential":
            rate *= 2
        return ((slot.unit.area or Decimal("90")) * rate).quantize(Decimal("0.01"))

    def charges(self, slot, *, owing):
        """Management fee for the last six months; a dossier ``owing`` left 1-3 unpaid (one
        paid in part)."""
        amount = self.monthly_fee(slot)
        periods = [
            (p, d)
            for p, d in self.periods()
            if d >= slot.owner.moved_in.replace(day=1) and (slot.dossier.pk, p) not in self.charged
        ]
        unpaid = self.rng.randint(1, min(3, len(periods))) if owing and periods else 0
        for n, (period, first) in enumerate(periods):
            due = first.replace(day=15)
            with self.on(first):
                charge = finance.charge_add(
                    dossier=slot.dossier,
                    data={"item": "management", "period": period, "amount": amount, "due_on": due},
                    actor=self.clerk,
                )
            part = amount
            left = len(periods) - n  # this one and the later ones
            if left <= unpaid:
                if left < unpaid or self.rng.random() < 0.5:
                    continue  # not paid at all
                part = (amount / 2).quantize(Decimal("0.01"))  # the oldest one paid in part
            late = self.rng.random() < 0.15
            paid_on = self.after(due, 1, 25) if late else self.after(first, 0, 14)
            with self.on(paid_on):
                finance.payment_record(
                    charge=charge,
                    data={
                        "paid_on": paid_on,
                        "amount": part,
                        "method": self.rng.choice(PAYMENT_METHODS),
                        "receipt_number": self.receipt("SK", paid_on),
                    },
                    actor=self.clerk,
                )
        if unpaid:
            self.arrears.append(slot)

    # --- deposits -------------------------------------------------------------------------
    def deposit(self, slot, *, kind, amount, received_on, payer, section=None, note=""):
        with self.on(received_on):
            return finance.deposit_record(
                dossier=slot.dossier,
                section=section,
                data={
                    "kind": kind,
                    "payer": payer,
                    "amount": Decimal(amount),
                    "received_on": received_on,
                    "receipt_number": self.receipt("YJ", received_on),
                    "note": note,
                },
                actor=self.clerk,
            )

    def settle(self, deposit, *, day, refund=None, reason, decide=True, approve=True, note=""):
        """Ask for a refund (``refund`` yuan) or a forfeit (``refund`` None); a manager decides
        a few days later unless ``decide`` is off."""
        with self.on(day):
            deposit = finance.deposit_request_settlement(
                deposit=deposit,
                settlement=finance.FORFEIT if refund is None else finance.REFUND,
                refund_amount=None if refund is None else Decimal(refund),
                reason=reason,
                actor=self.clerk,
            )
        if not decide:
            return deposit
        settled = self.after(day, 1, 4)
        with self.on(settled):
            return finance.deposit_decide(
                deposit=deposit,
                approve=approve,
                note=note,
                refund_receipt_number=self.receipt("TK", settled) if refund is not None else "",
                settled_on=settled,
                actor=self.manager,
            )

    KEY_SCENARIOS = ["refunded", "forfeited", "forfeit_requested", "refund_requested", "rejected"]

    def key_deposits(self, dossiers):
        """Key deposits paid at move-in: most held, the others in every settlement state; an
        access-card deposit for some."""
        count = max(len(self.KEY_SCENARIOS) + 1, len(dossiers) // 3)
        # the refund of a moved-out owner's key deposit first: their section is closed
        ordered = sorted(dossiers, key=lambda s: not s.closed)
        chosen = ordered[:1] + self.rng.sample(ordered[1:], min(count, len(ordered)) - 1)
        scenarios = self.KEY_SCENARIOS + ["held"] * (len(chosen) - len(self.KEY_SCENARIOS))
        for slot, scenario in zip(chosen, scenarios, strict=False):
            section = slot.closed[-1] if scenario == "refunded" and slot.closed else slot.owner
            amount = self.rng.choice(["200.00", "300.00", "500.00"])
            deposit = self.deposit(
                slot,
                kind=Deposit.Kind.KEYS,
                amount=amount,
                received_on=section.moved_in,
                payer=self.person(section.customer),
                section=section,
                note="入伙时交付钥匙三把",
            )
            since = section.moved_in
            if scenario == "refunded":
                if section.moved_out:
                    day, reason = self.after(section.moved_out, 1, 5), "迁出时钥匙已全部交回"
                else:
                    day, reason = self.ago(30, 120, not_before=since), "客户交回全部钥匙"
                self.settle(deposit, day=day, refund=amount, reason=reason)
            elif scenario == "forfeited":
                day = self.ago(20, 90, not_before=since)
                self.settle(deposit, day=day, reason="客户遗失钥匙，按约定不予退还")
            elif scenario == "forfeit_requested":
                day = self.ago(1, 5, not_before=since)
                self.settle(deposit, day=day, reason="门禁钥匙损坏无法使用", decide=False)
            elif scenario == "refund_requested":
                day = self.ago(1, 5, not_before=since)
                self.settle(
                    deposit, day=day, refund=amount, reason="客户申请退还钥匙押金", decide=False
                )
            elif scenario == "rejected":
                self.settle(
                    deposit,
                    day=self.ago(10, 40, not_before=since),
                    refund=amount,
                    reason="客户申请退还钥匙押金",
                    approve=False,
                    note="钥匙尚未全部交回，暂不退还",
                )
            if self.rng.random() < 0.5:
                self.deposit(
                    slot,
                    kind=Deposit.Kind.ACCESS_CARD,
                    amount="50.00",
                    received_on=slot.owner.moved_in,
                    payer=self.person(slot.owner.customer),
                    note="门禁卡两张",
                )

    # --- leases -----------------------------------------------------------------------------
    def lease(self, slot, *, start, years, rent, number, deposit=True, renewal_of=None):
        signed = max(start - datetime.timedelta(days=self.rng.randint(3, 15)), slot.since)
        signed = min(signed, self.today)
        ends = start + relativedelta(years=years) - datetime.timedelta(days=1)
        data = {
            "tenant": slot.tenant.customer,
            "landlord": slot.owner.customer.name,
            "contract_number": number,
            "signed_on": signed,
            "starts_on": start,
            "ends_on": ends,
            "rent": rent,
            "payment_cycle": self.rng.choice(list(Lease.Cycle.values)),
            "note": "",
        }
        if deposit and renewal_of is None:
            data.update(
                deposit_amount=rent * 2,
                deposit_receipt_number=self.receipt("YJ", signed),
                deposit_received_on=signed,
                deposit_payer=self.person(slot.tenant.customer),
            )
        with self.on(signed):
            if renewal_of is not None:
                return finance_leases.lease_renew(lease=renewal_of, data=data, actor=self.clerk)
            return finance_leases.lease_record(dossier=slot.dossier, data=data, actor=self.clerk)

    def contract_number(self, day):
        self.serial += 1
        return f"ZL-{day.year}-{self.serial:05d}"

    def leases(self, tenants):
        """Every tenant's lease with its deposit: some renewed year after year, some ended
        and signed again, one tenant moving out (lease ended, deposit refunded in part)."""
        for j, slot in enumerate(tenants):
            area = slot.unit.area or Decimal("80")
            rent = (area * self.rng.randint(45, 85) / 100).quantize(Decimal("1")) * 100
            start = slot.since
            scenario = j % 3
            if scenario == 1 and start > self.today - datetime.timedelta(days=200):
                scenario = 0
            if scenario == 0:  # renewed year after year while it runs out
                start = max(start, self.today - relativedelta(years=4))
                lease = self.lease(
                    slot, start=start, years=1, rent=rent, number=self.contract_number(start)
                )
                while lease.ends_on < self.today:
                    nxt = lease.ends_on + datetime.timedelta(days=1)
                    rent = (rent * Decimal("1.03")).quantize(Decimal("1"))
                    lease = self.lease(
                        slot,
                        start=nxt,
                        years=1,
                        rent=rent,
                        number=self.contract_number(nxt),
                        renewal_of=lease,
                    )
            elif scenario == 1:  # ended after a few months, a new lease at a new rent
                start = max(start, self.today - datetime.timedelta(days=self.rng.randint(200, 500)))
                first = self.lease(
                    slot, start=start, years=1, rent=rent, number=self.contract_number(start)
                )
                ended = self.after(start, 90, 180)
                with self.on(ended):
                    finance_leases.lease_terminate(
                        lease=first,
                        terminated_on=ended,
                        reason="双方协商调整租金，原合同解除",
                        actor=self.clerk,
                    )
                self.settle(
                    first.deposit,
                    day=self.after(ended, 1, 5),
                    refund=first.deposit.amount,
                    reason="原租赁合同解除，押金全额退还",
                )
                nxt = ended + datetime.timedelta(days=1)
                lease = self.lease(
                    slot, start=nxt, years=2, rent=rent - 200, number=self.contract_number(nxt)
                )
            else:  # a two-year lease running now
                start = max(start, self.today - datetime.timedelta(days=self.rng.randint(30, 600)))
                lease = self.lease(
                    slot, start=start, years=2, rent=rent, number=self.contract_number(start)
                )
            if j == 0 and len(tenants) > 2:
                self.move_out(slot, lease)

    def move_out(self, slot, lease):
        """The tenant leaves: the lease ends, the deposit is refunded less the repairs, the
        section is closed (R8)."""
        left = self.ago(5, 20, not_before=lease.starts_on)
        with self.on(left):
            finance_leases.lease_terminate(
                lease=lease, terminated_on=left, reason="租户退租迁出", actor=self.clerk
            )
        deposit = selectors.lease_deposit_in_force(lease)
        if deposit is not None:
            deposit.refresh_from_db()
            self.settle(
                deposit,
                day=self.after(left, 1, 3),
                refund=deposit.amount - 300,
                reason="退租验房：墙面污损，扣除修补费300元",
            )
        with self.on(left):
            customer_services.occupancy_move_out(
                occupancy=slot.tenant, moved_out=left, actor=self.clerk, note="租户退租"
            )
        slot.closed.append(slot.tenant)
        slot.tenant, slot.occupant = None, slot.owner.customer
