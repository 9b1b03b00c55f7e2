"""The service side of ``seed_demo_records``: renovations, violations, complaints, repairs,
visits, letters and applications, each in every state, through their services."""

import datetime
from decimal import Decimal

from records.applications import services as applications
from records.complaints import services as complaints
from records.letters import services as letters
from records.models import Application, Complaint, Deposit, Visit
from records.renovations import services as renovations
from records.repairs import services as repairs

from . import _demo_texts as texts

RENOVATION_STATES = [
    "accepted_violation",
    "accepted",
    "in_progress_violation",
    "in_progress",
    "approved",
    "applied",
    "rejected",
]
CHANNELS = list(Complaint.Channel.values)
COMPLAINT_STATES = ["closed", "replied", "open"]
REPAIR_STATES = ["reported", "ordered", "completed", "closed", "closed_visit"]
APPLICATION_STATES = ["approved", "rejected", "withdrawn", "submitted"]
INSPECTORS = ["工程部 张工", "工程部 李工", "工程部 陈工"]
REPAIRERS = ["工程部 张师傅", "工程部 李师傅", "水电组 王师傅", "水电组 刘师傅"]


def _days(n):
    return datetime.timedelta(days=n)


class ServiceRecords:
    """Mixed into ``Filler``: uses its rng, clock (``on``), dates and users."""

    def service_records(self, dossiers):
        self.renovations(dossiers)
        self.violations(dossiers)
        self.complaints(dossiers)
        self.repairs(dossiers)
        self.visits(dossiers)
        self.letters(dossiers)
        self.applications(dossiers)

    def spread(self, dossiers, scenarios, extra, share):
        """Pair every scenario (each state at least once) and then random ``extra`` ones, up
        to ``share`` of the dossiers, with dossiers taken at random, each once per round."""
        count = max(len(scenarios), int(len(dossiers) * share))
        items = list(scenarios) + [self.rng.choice(extra) for _ in range(count - len(scenarios))]
        pairs, pool = [], []
        for item in items:
            if not pool:
                pool = self.rng.sample(dossiers, len(dossiers))
            pairs.append((pool.pop(), item))
        return pairs

    # --- secondary renovations (二装) ------------------------------------------------------
    def renovations(self, dossiers):
        extra = ["accepted", "accepted", "in_progress", "accepted_violation"]
        for slot, state in self.spread(dossiers, RENOVATION_STATES, extra, 1 / 6):
            self.renovation(slot, state)

    def renovation(self, slot, state):
        owner = slot.owner
        lasting = state.startswith("accepted") or state == "rejected"
        if lasting and owner.moved_in > self.today - _days(200):
            state = "approved"  # not enough time since the move-in for the whole story
        span = {"approved": (6, 15), "applied": (0, 5), "rejected": (60, 200)}.get(state)
        span = span or ((200, 700) if state.startswith("accepted") else (30, 60))
        applied = self.ago(*span, not_before=owner.moved_in)
        planned_start = applied + _days(self.rng.randint(7, 14))
        amount = Decimal(self.rng.choice(["2000.00", "3000.00", "5000.00"]))
        contractor, licence = self.rng.choice(texts.CONTRACTORS)
        data = {
            "applicant": self.person(owner.customer),
            "applied_on": applied,
            "scope": self.rng.choice(texts.RENOVATION_SCOPES),
            "contractor": contractor,
            "contractor_licence": licence,
            "contractor_contact": self.fake.name(),
            "contractor_phone": self.mobile(),
            "planned_start": planned_start,
            "planned_end": planned_start + _days(self.rng.randint(45, 90)),
            "deposit_amount": amount,
            "deposit_receipt": self.receipt("YJ", applied),
        }
        with self.on(applied):
            renovation = renovations.renovation_apply(
                dossier=slot.dossier, data=data, actor=self.clerk
            )
        if state == "applied":
            return  # awaiting the manager's decision
        decided = self.after(applied, 1, 4)
        approve = state != "rejected"
        with self.on(decided):
            renovation = renovations.renovation_decide(
                renovation=renovation,
                approve=approve,
                note="材料齐全，同意施工" if approve else texts.RENOVATION_REJECTION,
                permit_number=renovations.next_permit_number(decided) if approve else "",
                actor=self.manager,
            )
        if not approve:
            self.settle(
                renovation.deposit,
                day=self.after(decided, 1, 5),
                refund=amount,
                reason="装修申请未获批准，押金全额退还",
            )
            return
        if state == "approved":
            return
        if state.startswith("accepted"):
            started = max(planned_start, decided)
        else:
            started = self.after(decided, 1, 5)
        with self.on(started):
            renovation = renovations.renovation_start(
                renovation=renovation, started_on=started, actor=self.clerk
            )
        with_violation = state.endswith("violation")
        if state.startswith("in_progress"):
            self.inspection(renovation, self.after(started, 3, 10), issues=with_violation)
            return
        last = self.inspection(renovation, self.after(started, 5, 12))
        kept = Decimal("0")
        if with_violation:
            found = self.after(last, 10, 20)
            violation = self.inspection(renovation, found, issues=True)
            fixed = self.after(found, 3, 8)
            with self.on(fixed):
                renovations.violation_rectify(
                    violation=violation,
                    rectified_on=fixed,
                    rectification=texts.RENOVATION_VIOLATION[2],
                    actor=self.clerk,
                )
            last = self.inspection(renovation, self.after(fixed, 1, 5))
            kept = Decimal("1000.00")
        accepted = self.after(max(data["planned_end"], last), 3, 10)
        with self.on(accepted):
            renovations.renovation_accept(
                renovation=renovation, accepted_on=accepted, note="验收合格", actor=self.manager
            )
        reason = "装修验收合格，押金退还"
        if kept:
            reason = "装修验收合格；违规施工扣除押金1000元"
        self.settle(
            renovation.deposit, day=self.after(accepted, 3, 10), refund=amount - kept, reason=reason
        )

    def inspection(self, renovation, day, *, issues=False):
        """One site inspection; with ``issues`` a violation is recorded and returned, else
        the day."""
        result = "issues" if issues else "passed"
        violation = None
        if issues:
            category, description, _fix = texts.RENOVATION_VIOLATION
            violation = {
                "category": category,
                "description": description,
                "notice_number": self.notice_number(day),
                "rectify_by": day + _days(7),
            }
        with self.on(day):
            _inspection, found = renovations.inspection_record(
                renovation=renovation,
                data={
                    "inspected_on": day,
                    "inspector": self.rng.choice(INSPECTORS),
                    "result": result,
                    "findings": texts.INSPECTION_FINDINGS[result],
                },
                violation=violation,
                actor=self.clerk,
            )
        return found if issues else day

    def notice_number(self, day):
        self.serial += 1
        return f"ZG-{day.year}-{self.serial:05d}"

    # --- violations (违规) -------------------------------------------------------------------
    def violations(self, dossiers):
        extra = ["rectified", "open", "rectified"]
        pairs = self.spread(dossiers, ["rectified", "open"], extra, 1 / 10)
        for k, (slot, state) in enumerate(pairs):
            category, description, rectification = texts.VIOLATIONS[k % len(texts.VIOLATIONS)]
            found = self.ago(10, 300, not_before=slot.since)
            with self.on(found):
                violation = renovations.violation_record(
                    dossier=slot.dossier,
                    data={
                        "category": category,
                        "occurred_on": found,
                        "description": description,
                        "notice_number": self.notice_number(found),
                        "rectify_by": found + _days(self.rng.randint(7, 15)),
                    },
                    actor=self.clerk,
                )
            if state == "rectified":
                fixed = self.after(found, 3, 20)
                with self.on(fixed):
                    renovations.violation_rectify(
                        violation=violation,
                        rectified_on=fixed,
                        rectification=rectification,
                        actor=self.clerk,
                    )

    # --- complaints (R42) and their return visits (R43) -----------------------------------
    def complaints(self, dossiers):
        base = [(channel, state) for state in COMPLAINT_STATES for channel in CHANNELS]
        extra = [(c, s) for c in CHANNELS for s in ("closed", "closed", "replied", "open")]
        for k, (slot, (channel, state)) in enumerate(self.spread(dossiers, base, extra, 1 / 3)):
            if k % 4 == 1:  # R42: a major one, by telephone as they come
                category = texts.MAJOR_CATEGORIES[(k // 4) % len(texts.MAJOR_CATEGORIES)]
            else:
                category = texts.MINOR_CATEGORIES[k % len(texts.MINOR_CATEGORIES)]
            subject, heard = texts.COMPLAINTS[category]
            self.complaint(slot, channel, state, category, subject, heard)
        if len(dossiers) >= 3:  # a collective complaint by three households (R42)
            first, *others = self.rng.sample(dossiers, 3)
            category, subject, heard = texts.COLLECTIVE
            self.complaint(
                first,
                "letter",
                "closed",
                category,
                subject,
                heard,
                others=[s.dossier for s in others],
            )

    def complaint(self, slot, channel, state, category, subject, heard, others=()):
        span = {"closed": (30, 300), "replied": (10, 60), "open": (0, 10)}[state]
        day = self.ago(*span, not_before=slot.since)
        received = self.moment(day)
        complainant = self.person(slot.occupant)
        with self.on(day, received):
            complaint = complaints.complaint_record(
                dossier=slot.dossier,
                data={
                    "complainant": complainant,
                    "channel": channel,
                    "category": category,
                    "received_at": received,
                    "subject": subject,
                    "heard": heard,
                    "is_written": channel == Complaint.Channel.LETTER,
                    "households": 1 + len(others),
                    "other_dossiers": list(others),
                },
                actor=self.clerk,
            )
            if not complaint.is_major and self.rng.random() < 0.3:
                complaints.complaint_report(complaint=complaint, actor=self.clerk)
            self.step(complaint, "asked")
        if state == "open":
            if self.rng.random() < 0.5:
                with self.on(self.after(day, 0, 1)):
                    self.step(complaint, "followed")
            return
        with self.on(self.after(day, 0, 1)):
            self.step(complaint, "followed")
        handled = self.after(day, 1, 4)
        with self.on(handled):
            if complaint.is_written:
                complaints.complaint_reply(
                    complaint=complaint,
                    written_reply=texts.COMPLAINT_REPLY,
                    replied_on=handled,
                    reply_reference=self.letter_number(handled, "物业复"),
                    actor=self.clerk,
                )
            else:
                complaints.complaint_mark_handled(complaint=complaint, actor=self.clerk)
        if state == "replied":
            return  # awaiting its return visit (R43)
        visited = self.after(handled, 2, 10)
        with self.on(visited):
            self.step(complaint, "rechecked")
            self.return_visit(
                slot,
                visited,
                complaint=complaint,
                person=complainant,
                visitor=self.manager if complaint.is_major else self.clerk,
                purpose="投诉回访",
            )
            self.step(complaint, "logged")
            complaints.complaint_close(complaint=complaint, actor=self.clerk)

    def step(self, complaint, step):
        complaints.complaint_step(
            complaint=complaint, step=step, note=texts.COMPLAINT_STEPS[step], actor=self.clerk
        )

    def return_visit(self, slot, day, *, person, visitor, purpose, complaint=None, repair=None):
        complaints.visit_record(
            dossier=slot.dossier,
            data={
                "kind": Visit.Kind.RETURN_VISIT,
                "method": self.rng.choice(list(Visit.Method.values)),
                "visited_on": day,
                "visitor": visitor,
                "visited_person": person,
                "complaint": complaint,
                "repair": repair,
                "purpose": purpose,
                "notes": self.rng.choice(texts.RETURN_VISIT_NOTES),
                "satisfaction": self.rng.choice([5, 5, 4, 4, 3]),
            },
            actor=self.clerk,
        )

    # --- repairs (报修) -----------------------------------------------------------------------
    def repairs(self, dossiers):
        extra = ["closed", "closed", "closed_visit", "completed"]
        pairs = self.spread(dossiers, REPAIR_STATES, extra, 1 / 2)
        for k, (slot, state) in enumerate(pairs):
            self.repair(slot, state, texts.REPAIRS[k % len(texts.REPAIRS)])

    def repair(self, slot, state, what):
        location, problem, work, cost = what
        span = {"reported": (0, 2), "ordered": (1, 5), "completed": (3, 15)}.get(state, (10, 300))
        day = self.ago(*span, not_before=slot.since)
        reported_at = self.moment(day)
        person = self.person(slot.occupant)
        with self.on(day, reported_at):
            repair = repairs.repair_report(
                dossier=slot.dossier,
                data={
                    "reported_by_name": person,
                    "reported_at": reported_at,
                    "location": location,
                    "description": problem,
                },
                actor=self.clerk,
            )
        if state == "reported":
            return
        ordered = self.after(day, 0, 1)
        with self.on(ordered):
            repair = repairs.repair_order(
                repair=repair,
                assigned_to=self.rng.choice(REPAIRERS),
                work_order_number=repairs.next_work_order_number(ordered),
                actor=self.clerk,
            )
        if state == "ordered":
            return
        done = self.after(ordered, 0, 3)
        completed_at = min(
            max(self.moment(done), reported_at + datetime.timedelta(hours=2)),
            self.moment(self.today),
        )
        completed_at = max(completed_at, reported_at)
        with self.on(done, completed_at):
            repair = repairs.repair_complete(
                repair=repair,
                completed_at=completed_at,
                work_done=work,
                cost=Decimal(cost) if cost else None,
                actor=self.clerk,
            )
        if state == "completed":
            return  # awaiting the customer's feedback
        heard = self.after(done, 1, 5)
        satisfaction = self.rng.choice([5, 5, 5, 4, 4, 3, 2])
        with self.on(heard):
            repairs.repair_feedback(
                repair=repair,
                satisfaction=satisfaction,
                feedback=texts.REPAIR_FEEDBACK[satisfaction],
                actor=self.clerk,
            )
        if state == "closed_visit":
            visited = self.after(heard, 1, 7)
            with self.on(visited):
                self.return_visit(
                    slot,
                    visited,
                    repair=repair,
                    person=person,
                    visitor=self.clerk,
                    purpose="维修回访",
                )

    # --- visits (R43: managers yearly, staff quarterly) ------------------------------------
    def visits(self, dossiers):
        for slot in dossiers:
            person = self.person(slot.occupant)
            if self.rng.random() < 0.6:
                self.visit(slot, self.ago(10, 330, not_before=slot.since), self.manager, person)
            if self.rng.random() < 0.5:
                self.visit(slot, self.ago(5, 80, not_before=slot.since), self.clerk, person)
                if self.rng.random() < 0.5:
                    self.visit(slot, self.ago(95, 170, not_before=slot.since), self.clerk, person)

    def visit(self, slot, day, visitor, person):
        manager = visitor == self.manager
        purposes = texts.VISIT_PURPOSES_MANAGER if manager else texts.VISIT_PURPOSES_STAFF
        purpose = self.rng.choice(purposes)
        with self.on(day):
            complaints.visit_record(
                dossier=slot.dossier,
                data={
                    "kind": Visit.Kind.VISIT,
                    "method": "phone" if purpose.startswith("电话") else "in_person",
                    "visited_on": day,
                    "visitor": visitor,
                    "visited_person": person,
                    "purpose": purpose,
                    "notes": self.rng.choice(texts.VISIT_NOTES),
                    "satisfaction": self.rng.choice([5, 4, 4, 3]),
                },
                actor=visitor,
            )

    # --- letters (往来函) ---------------------------------------------------------------------
    def letters(self, dossiers):
        base = ["reply", "reply", "notice", "incoming"]
        pairs = self.spread(dossiers, base, ["reply", "notice"], 1 / 5)
        for k, (slot, kind) in enumerate(pairs):
            name = slot.occupant.name
            if kind == "notice":
                subject, summary = texts.NOTICES[k % len(texts.NOTICES)]
                self.letter(
                    slot, "out", self.ago(5, 200, not_before=slot.since), name, subject, summary
                )
                continue
            subject, reply_subject, summary = texts.LETTERS[k % len(texts.LETTERS)]
            dated = self.ago(15, 300, not_before=slot.since)
            incoming = self.letter(slot, "in", dated, name, subject, summary, reference="")
            if kind == "reply":
                self.letter(
                    slot,
                    "out",
                    self.after(dated, 3, 10),
                    name,
                    reply_subject,
                    "已书面答复",
                    in_reply_to=incoming,
                )
        for slot in self.arrears:  # the arrears are reminded in writing
            subject, summary = texts.ARREARS_NOTICE
            self.letter(slot, "out", self.ago(1, 10), slot.occupant.name, subject, summary)

    def letter(
        self,
        slot,
        direction,
        dated,
        counterpart,
        subject,
        summary,
        *,
        reference=None,
        in_reply_to=None,
    ):
        if reference is None:
            reference = self.letter_number(dated)
        with self.on(dated):
            return letters.letter_record(
                dossier=slot.dossier,
                data={
                    "direction": direction,
                    "dated": dated,
                    "reference": reference,
                    "counterpart": counterpart,
                    "subject": subject,
                    "summary": summary,
                    "in_reply_to": in_reply_to,
                },
                actor=self.clerk,
            )

    # --- applications (申请) ------------------------------------------------------------------
    def applications(self, dossiers):
        kinds = list(Application.Kind.values)
        base = [(kind, state) for kind in kinds for state in APPLICATION_STATES]
        extra = [(kind, state) for kind in kinds for state in ("approved", "approved", "submitted")]
        for slot, (kind, state) in self.spread(dossiers, base, extra, 1 / 4):
            self.application(slot, kind, state)

    def application(self, slot, kind, state):
        applied = self.ago(*((0, 10) if state == "submitted" else (10, 300)), not_before=slot.since)
        details, refusal = texts.APPLICATIONS[kind]
        data = {
            "kind": kind,
            "applicant": self.person(slot.occupant),
            "applied_on": applied,
            "details": details,
        }
        if kind in applications.NEEDS_VALIDITY:
            data["valid_from"] = applied + _days(3)
            data["valid_until"] = data["valid_from"] + _days(364 if kind == "parking" else 1)
        with self.on(applied):
            application = applications.application_submit(
                dossier=slot.dossier, data=data, actor=self.clerk
            )
        if state == "submitted":
            return  # awaiting the manager's decision
        decided = self.after(applied, 1, 3)
        with self.on(decided):
            if state == "withdrawn":
                applications.application_withdraw(
                    application=application, note="客户来电撤回申请", actor=self.clerk
                )
                return
            applications.application_decide(
                application=application,
                approve=state == "approved",
                note="" if state == "approved" else refusal,
                actor=self.manager,
            )
        if state != "approved":
            return
        if kind == "parking":  # the space is let against a parking deposit
            self.deposit(
                slot,
                kind=Deposit.Kind.PARKING,
                amount="500.00",
                received_on=decided,
                payer=data["applicant"],
                note="地下车位租用押金",
            )
        elif kind == "overtime":  # a works bond, paid back once the work is done
            bond = self.deposit(
                slot,
                kind=Deposit.Kind.OTHER,
                amount="1000.00",
                received_on=decided,
                payer=data["applicant"],
                note="加班施工保证金",
            )
            if data["valid_until"] < self.today:
                self.settle(
                    bond,
                    day=self.after(data["valid_until"], 1, 5),
                    refund="1000.00",
                    reason="加班施工结束，现场检查无问题",
                )
