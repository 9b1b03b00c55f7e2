"""The reads of correspondence."""

from records.models import Correspondence


def letters_of(dossier):
    """The dossier's letters, newest first (what a reply may answer)."""
    return Correspondence.objects.filter(dossier=dossier).order_by("-dated", "-pk")


def letter_answered(dossier, pk):
    """The letter of ``dossier`` a new letter answers (None when it is not one of its)."""
    return Correspondence.objects.filter(dossier=dossier, pk=pk).first()


def replies_to(letter):
    return letter.replies.order_by("dated", "pk")
