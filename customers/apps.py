from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers and dossiers")

    def ready(self):
        from core import audience
        from core.navigation import NavItem, register

        from . import event_kinds, services  # noqa: F401  (services declare the workflows)
        from .models import Dossier, DossierEvent
        from .permissions import dossier_visible_to, is_confidential_object, users_who_see

        # notify(..., about=dossier) tells only those who may see the dossier, and the lists
        # of notifications show only what is about dossiers the reader may see (R17)
        audience.register(Dossier, users_who_see, dossier_visible_to)
        # opening a confidential dossier, or anything in one, is logged in the admin (R21)
        audience.register_confidential(is_confidential_object)
        event_kinds.register(DossierEvent.Kind)
        # what waits for a person, on the home page
        from . import worklist

        worklist.register()

        # the list's order follows a unit renumbered or moved, whichever way it was saved
        from django.db.models.signals import post_save

        from .dossiers import structure_changed
        from .models import Building, Estate, Unit

        for model in (Estate, Building, Unit):
            post_save.connect(structure_changed, sender=model, dispatch_uid=f"sort-{model}")

        register(
            NavItem(
                _("Dossiers"),
                "customers:dossier_list",
                icon="folder2-open",
                order=10,
                perm="customers.view_dossier",
            ),
            NavItem(
                _("Move in"),
                "customers:move_in",
                icon="box-arrow-in-right",
                order=20,
                perm="customers.add_occupancy",
            ),
            NavItem(
                _("Verifications"),
                "customers:verification_list",
                icon="patch-check",
                order=30,
                perm="customers.verify_occupancy",
            ),
            NavItem(
                _("Referred move-ins"),
                "customers:referral_list",
                icon="person-exclamation",
                order=35,
                perm="customers.decide_moveinreferral",
            ),
            NavItem(
                _("Change requests"),
                "customers:change_request_list",
                icon="pencil-square",
                order=40,
                perm="customers.view_changerequest",
            ),
        )
