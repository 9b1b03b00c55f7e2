"""Django's makemessages, which also finds the msgids of product lines: ``Line("...")``
(core/lines.py) marks its first argument for translation, as ``gettext_noop`` does."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=Line"]
