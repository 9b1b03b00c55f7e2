from django.apps import AppConfig
from django.db import models


class StampKind(models.TextChoices):
    STAMP = "stamp", "Stamp"


class RegistryAppConfig(AppConfig):
    name = "tests.registry_app"
    label = "registry_app"

    def ready(self):
        from customers import event_kinds, panels

        event_kinds.register(StampKind)
        panels.register(stamp_panel, order=99)


def stamp_panel(*, dossier, user):
    return {"template": "registry_app/panel.html", "dossier": dossier}
