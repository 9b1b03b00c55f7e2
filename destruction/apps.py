from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DestructionConfig(AppConfig):
    name = "destruction"
    verbose_name = _("Appraisal and destruction")

    def ready(self):
        from customers import event_kinds

        from . import moves  # noqa: F401  (declares the moves)
        from .timeline import Kind

        event_kinds.register(Kind)
